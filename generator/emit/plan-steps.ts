import { type ChangeKind, type ChangeOf, type CommentTarget, FUNCTION_ARGS, FUNCTION_NAMES, type FunctionSettings, type LibraryFunction } from '../diff/changes.ts';
import { EXTENSION_MARKER, type ExtensionName } from '../ir/extensions.ts';
import { identitySql } from '../ir/identity.ts';
import { derivedName } from '../ir/naming.ts';
import { TENANT_LOCK_CLASS, type DbRole } from '../ir/permissions.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Column, ColumnDefault, ColumnType, EnumType, ForeignKey, Grant, Index, Policy, ReferentialAction, Table, Trigger } from '../ir/types.ts';
import { quoteIdent as q, quoteString, sqlType, typedLiteral } from '../sql/quote.ts';
import { render } from './templates.ts';

/** One change, as SQL both ways. */
export interface PlannedStep {
  readonly comment: string;
  readonly up: string;
  readonly down: string;
  /**
   * The table or type whose DROP removes what this step's SQL removes, per
   * direction: a migration that drops that object in the same direction skips
   * the step (e.g. the down of a CREATE INDEX when the down drops the table).
   */
  readonly droppedWith: { readonly up: string | null; readonly down: string | null };
  /** The comment above the down's SQL when it differs (a drop's down recreates: it reads as the create). */
  readonly downComment?: string;
  /** Up SQL run in a second transaction, after the first commits (VALIDATE CONSTRAINT of one added NOT VALID). */
  readonly afterCommit?: string;
}

/** Checks the rows of a constraint added NOT VALID; takes SHARE UPDATE EXCLUSIVE, so reads and writes go on. */
export const validateConstraint = (table: string, name: string): string => render('sql/validate-constraint', { table: q(table), name: q(name) });

export type Planner<K extends ChangeKind> = (change: ChangeOf<K>) => PlannedStep;

export const ACTION_SQL: Record<ReferentialAction, string> = {
  cascade: 'CASCADE',
  setNull: 'SET NULL',
  restrict: 'RESTRICT',
  noAction: 'NO ACTION',
};

export const list = (names: readonly string[]) => names.map(q).join(', ');

/** A column default as SQL. */
export function defaultSql(d: ColumnDefault, type: ColumnType): string {
  return d.kind === 'now' ? 'now()' : d.kind === 'randomUuid' ? 'gen_random_uuid()' : d.kind === 'sql' ? d.expr : typedLiteral(d.value, type);
}

export function columnDefinition(c: Column): string {
  const parts = [q(c.name), sqlType(c.type)];
  if (c.notNull) parts.push('NOT NULL');
  if (c.default) parts.push(`DEFAULT ${defaultSql(c.default, c.type)}`);
  if (c.identity) parts.push(identitySql(c.identity));
  if (c.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`);
  return parts.join(' ');
}

/** The step with its directions swapped: a drop is the inverse of a create. */
export const inverse = (s: PlannedStep, comment: string): PlannedStep => ({
  comment,
  downComment: s.comment,
  up: s.down,
  down: s.up,
  droppedWith: { up: s.droppedWith.down, down: s.droppedWith.up },
});

const owned = (table: string | null): PlannedStep['droppedWith'] => ({ up: null, down: table });

const commentTarget = (t: CommentTarget): { sql: string; label: string; owner: string } =>
  t.kind === 'table'
    ? { sql: `TABLE ${q(t.table)}`, label: `table ${t.table}`, owner: t.table }
    : t.kind === 'column'
      ? { sql: `COLUMN ${q(t.table)}.${q(t.column)}`, label: `column ${t.table}.${t.column}`, owner: t.table }
      : { sql: `TYPE ${q(t.name)}`, label: `type ${t.name}`, owner: t.name };

const FUNCTION_TEMPLATES: Record<LibraryFunction, string> = {
  updatedAt: 'function-updated-at',
  audit: 'function-audit',
  appendOnly: 'function-append-only',
  maintenance: 'function-maintenance',
  keepRole: 'function-keep-role',
  auditChain: 'function-audit-chain',
  role: 'function-role',
  tenantFor: 'function-tenant-for',
  begin: 'function-begin',
  auditAppend: 'function-audit-append',
  auditDigest: 'function-audit-digest',
};

/** Nested trigger calls deeper than this are a runaway loop (it would kill a PGlite instance). */
const MAX_TRIGGER_DEPTH = 16;

/** Every generated function resolves names here, the temporary schema last, so no temporary object can stand in for a table. */
export const FUNCTION_SEARCH_PATH = 'pg_catalog, public, pg_temp';

/** The function's SQL as the library version of `settings` wrote it (older versions' templates are kept for downs). */
export function functionSql(fn: LibraryFunction, settings: FunctionSettings, replace: boolean): string {
  const users = settings.users;
  const template = settings.version >= 2 ? `sql/${FUNCTION_TEMPLATES[fn]}` : `sql/v1/${FUNCTION_TEMPLATES[fn]}`;
  return render(template, {
    replace,
    name: q(FUNCTION_NAMES[fn]),
    maintenance: q(FUNCTION_NAMES.maintenance),
    append: q(FUNCTION_NAMES.auditAppend),
    digest: q(FUNCTION_NAMES.auditDigest),
    role: q(FUNCTION_NAMES.role),
    tenantKeyName: settings.tenantKey,
    searchPath: FUNCTION_SEARCH_PATH,
    setting: MAINTENANCE_SETTING,
    settingLiteral: quoteString(MAINTENANCE_SETTING),
    maxDepth: MAX_TRIGGER_DEPTH,
    lockClass: TENANT_LOCK_CLASS,
    auditTableName: settings.auditTable ?? '',
    auditTable: settings.auditTable ? q(settings.auditTable) : '',
    actionType: settings.auditActionType ?? 'text',
    tenantKey: q(settings.tenantKey),
    tenantSetting: quoteString(settings.tenantSetting),
    userSetting: quoteString(settings.userSetting),
    appRole: settings.appRole ? q(settings.appRole) : '',
    appRoleName: settings.appRole ?? '',
    appRoleLiteral: quoteString(settings.appRole ?? ''),
    usersTableName: users?.table ?? '',
    usersTable: users ? q(users.table) : '',
    idColumn: users ? q(users.idColumn) : '',
    roleColumnName: users?.roleColumn ?? '',
    roleColumn: users ? q(users.roleColumn) : '',
    activeColumn: users?.activeColumn ? q(users.activeColumn) : '',
    keepOne: users?.keepOne ?? '',
    keepOneLiteral: quoteString(users?.keepOne ?? ''),
    constraintLiteral: quoteString(users?.keepOne ? keepRoleConstraint(users.table, users.keepOne) : ''),
    rootTable: settings.root ? q(settings.root.table) : '',
    rootKey: settings.root ? q(settings.root.key) : '',
  });
}

/** The name the last-role check reports as its constraint (the trigger's name), which the API maps to 409. */
export const keepRoleConstraint = (table: string, role: string) => derivedName(table, ['keep', role], 'trg');

export const roleStep = (role: DbRole): PlannedStep => ({
  comment: role.grantedTo ? `database role ${role.name}, which members of ${role.grantedTo} act as` : `application role ${role.name}`,
  up: render('sql/create-role', {
    name: q(role.name),
    nameLiteral: quoteString(role.name),
    inherit: role.inherit,
    grantedTo: role.grantedTo ? q(role.grantedTo) : '',
    grantedToName: role.grantedTo ?? '',
    grantedToLiteral: quoteString(role.grantedTo ?? ''),
  }),
  down: render('sql/keep-role', { name: q(role.name), roleName: role.name }),
  droppedWith: owned(null),
});

export const alterRoleStep = (from: DbRole, to: DbRole): PlannedStep => ({
  comment: `role ${to.name} ${to.inherit ? 'inherits' : 'no longer inherits'} the privileges of roles granted to it`,
  up: render('sql/alter-role', { name: q(to.name), nameLiteral: quoteString(to.name), inherit: to.inherit }),
  down: render('sql/keep-role-setting', { name: q(to.name), roleName: to.name, kept: to.inherit ? 'INHERIT' : 'NOINHERIT', previous: from.inherit ? 'INHERIT' : 'NOINHERIT' }),
  droppedWith: owned(null),
});

export const schemaUsageStep = (role: string): PlannedStep => ({
  comment: `${role} may use schema public`,
  up: render('sql/grant-schema-usage', { role: q(role) }),
  down: render('sql/revoke-schema-usage', { role: q(role) }),
  droppedWith: owned(null),
});

export function extensionStep(name: ExtensionName): PlannedStep {
  const view = { name: q(name), nameText: name, nameLiteral: quoteString(name), marker: quoteString(EXTENSION_MARKER) };
  return {
    comment: `extension ${name}, unless the database has it`,
    downComment: `drop extension ${name} if a migration created it`,
    up: render('sql/create-extension', view),
    down: render('sql/drop-extension', view),
    droppedWith: owned(null),
  };
}

export const enumStep = (e: EnumType): PlannedStep => ({
  comment: `enum ${e.name}`,
  up: render('sql/create-enum', { name: q(e.name), values: e.values.map(quoteString).join(', ') }),
  down: render('sql/drop-enum', { name: q(e.name) }),
  droppedWith: owned(null),
});

export const functionStep = (fn: LibraryFunction, settings: FunctionSettings): PlannedStep => ({
  comment: `function ${FUNCTION_NAMES[fn]}`,
  up: functionSql(fn, settings, false),
  down: render('sql/drop-function', { name: q(FUNCTION_NAMES[fn]), args: FUNCTION_ARGS[fn] }),
  droppedWith: owned(null),
});

export function tableStep(t: Table): PlannedStep {
  const lines = t.columns.map(columnDefinition);
  if (t.primaryKey) lines.push(`CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${list(t.primaryKey.columns)})`);
  for (const u of t.uniques) lines.push(`CONSTRAINT ${q(u.name)} UNIQUE (${list(u.columns)})`);
  for (const c of t.checks) lines.push(`CONSTRAINT ${q(c.name)} CHECK (${c.expr})`);
  return {
    comment: `table ${t.name}`,
    up: render('sql/create-table', { name: q(t.name), lines }),
    down: render('sql/drop-table', { name: q(t.name) }),
    droppedWith: owned(null),
  };
}

export function foreignKeyStep(table: string, fk: ForeignKey, notValid = false): PlannedStep {
  const setColumns = fk.onDeleteSetColumns ? ` (${list(fk.onDeleteSetColumns)})` : '';
  const actions =
    (fk.onDelete === 'noAction' ? '' : ` ON DELETE ${ACTION_SQL[fk.onDelete]}${setColumns}`) +
    (fk.onUpdate === 'noAction' ? '' : ` ON UPDATE ${ACTION_SQL[fk.onUpdate]}`);
  return {
    comment: `foreign key ${table}(${fk.columns.join(', ')}) -> ${fk.refTable}(${fk.refColumns.join(', ')})`,
    up: render('sql/add-foreign-key', { table: q(table), name: q(fk.name), columns: list(fk.columns), refTable: q(fk.refTable), refColumns: list(fk.refColumns), actions, notValid }),
    down: render('sql/drop-constraint', { table: q(table), name: q(fk.name) }),
    droppedWith: owned(null),
    ...(notValid ? { afterCommit: validateConstraint(table, fk.name) } : {}),
  };
}

/**
 * Concurrently: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index
 * behind, so the up first drops one left by an earlier attempt; running the
 * migration again then just works.
 */
export function indexStep(table: string, i: Index, concurrently: boolean): PlannedStep {
  const drop = (ifExists: boolean) => render('sql/drop-index', { name: q(i.name), concurrently, ifExists });
  const create = render('sql/create-index', {
    name: q(i.name),
    table: q(table),
    unique: i.unique,
    concurrently,
    using: i.method === 'btree' ? '' : i.method,
    columns: i.columns.map((c) => (c.order === 'desc' ? `${q(c.name)} DESC` : q(c.name))).join(', '),
    where: i.where ?? '',
  });
  return {
    comment: `index ${i.name}`,
    up: concurrently ? `${drop(true)}${create}` : create,
    down: drop(false),
    droppedWith: owned(table),
  };
}

export const triggerStep = (table: string, tr: Trigger): PlannedStep => ({
  comment: `trigger ${tr.name}`,
  up: render('sql/create-trigger', {
    name: q(tr.name),
    table: q(table),
    timing: tr.timing.toUpperCase(),
    events: tr.events.map((e) => e.toUpperCase()).join(' OR '),
    level: tr.level.toUpperCase(),
    function: q(FUNCTION_NAMES[tr.kind]),
    args: tr.args.map(quoteString).join(', '),
    deferred: tr.deferred,
  }),
  down: render('sql/drop-trigger', { name: q(tr.name), table: q(table) }),
  droppedWith: owned(table),
});

export const rlsStep = (table: string): PlannedStep => ({
  comment: `row-level security on ${table}, also for its owner`,
  up: render('sql/enable-rls', { table: q(table) }),
  down: render('sql/disable-rls', { table: q(table) }),
  droppedWith: owned(table),
});

const policyTo = (to: Policy['to']) => (to === 'owner' ? 'CURRENT_USER' : to === 'public' ? 'PUBLIC' : list(to));

export const policyStep = (table: string, p: Policy): PlannedStep => ({
  comment: `policy ${p.name}`,
  up: render('sql/create-policy', { name: q(p.name), table: q(table), command: p.command.toUpperCase(), to: policyTo(p.to), using: p.using ?? '', withCheck: p.withCheck ?? '' }),
  down: render('sql/drop-policy', { name: q(p.name), table: q(table) }),
  droppedWith: owned(table),
});

/** A privilege granted column by column, or null for the whole table (delete is always whole rows). */
const grantColumns = (g: Grant, p: Grant['privileges'][number]) =>
  p === 'select' ? g.selectColumns : p === 'insert' ? g.insertColumns : p === 'update' ? g.updateColumns : null;

export const grantStep = (table: string, g: Grant): PlannedStep => ({
  comment: `what ${g.role} may do on ${table}`,
  up: render('sql/grant', {
    table: q(table),
    role: q(g.role),
    privileges: g.privileges.filter((p) => grantColumns(g, p) === null).map((p) => p.toUpperCase()).join(', '),
    columns: g.privileges.flatMap((p) => {
      const cols = grantColumns(g, p);
      return cols && cols.length > 0 ? [{ privilege: p.toUpperCase(), list: list(cols) }] : [];
    }),
  }),
  down: render('sql/revoke', { table: q(table), role: q(g.role) }),
  droppedWith: owned(table),
});

export function commentStep(target: CommentTarget, comment: string | null, previous: string | null): PlannedStep {
  const t = commentTarget(target);
  const text = (c: string | null) => (c === null ? 'NULL' : quoteString(c));
  return {
    comment: `comment on ${t.label}`,
    up: render('sql/comment', { target: t.sql, text: text(comment) }),
    down: render('sql/comment', { target: t.sql, text: text(previous) }),
    droppedWith: owned(t.owner),
  };
}

