import { type Change, type ChangeKind, type CommentTarget, FUNCTION_ARGS, FUNCTION_NAMES, type LibraryFunction } from '../diff/changes.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Column, ReferentialAction } from '../ir/types.ts';
import { quoteIdent as q, quoteString, sqlType, typedLiteral } from '../sql/quote.ts';
import { render } from './templates.ts';

/** One change, as SQL both ways. */
export interface PlannedStep {
  readonly comment: string;
  readonly up: string;
  readonly down: string;
  /**
   * The table or type whose DROP also removes what this step made (an index,
   * a trigger, a comment): a down that drops that object skips this step.
   */
  readonly droppedWith: string | null;
}

type Planner<K extends ChangeKind> = (change: Extract<Change, { kind: K }>) => PlannedStep;

const ACTION_SQL: Record<ReferentialAction, string> = {
  cascade: 'CASCADE',
  setNull: 'SET NULL',
  restrict: 'RESTRICT',
  noAction: 'NO ACTION',
};

const list = (names: readonly string[]) => names.map(q).join(', ');

export function columnDefinition(c: Column): string {
  const parts = [q(c.name), sqlType(c.type)];
  if (c.notNull) parts.push('NOT NULL');
  if (c.default) {
    const d = c.default;
    const expr = d.kind === 'now' ? 'now()' : d.kind === 'randomUuid' ? 'gen_random_uuid()' : d.kind === 'sql' ? d.expr : typedLiteral(d.value, c.type);
    parts.push(`DEFAULT ${expr}`);
  }
  return parts.join(' ');
}

const commentTarget = (t: CommentTarget): { sql: string; label: string; owner: string } =>
  t.kind === 'table'
    ? { sql: `TABLE ${q(t.table)}`, label: `table ${t.table}`, owner: t.table }
    : t.kind === 'column'
      ? { sql: `COLUMN ${q(t.table)}.${q(t.column)}`, label: `column ${t.table}.${t.column}`, owner: t.table }
      : { sql: `TYPE ${q(t.name)}`, label: `type ${t.name}`, owner: t.name };

const FUNCTION_TEMPLATES: Record<LibraryFunction, string> = {
  updatedAt: 'sql/function-updated-at',
  audit: 'sql/function-audit',
  appendOnly: 'sql/function-append-only',
  maintenance: 'sql/function-maintenance',
};

/** Nested trigger calls deeper than this are a runaway loop (it would kill a PGlite instance). */
const MAX_TRIGGER_DEPTH = 16;

const PLANNERS: { [K in ChangeKind]: Planner<K> } = {
  createRole: ({ role }) => ({
    comment: `application role ${role}`,
    up: render('sql/create-role', { name: q(role), nameLiteral: quoteString(role) }),
    down: render('sql/keep-role', { name: q(role), roleName: role }),
    droppedWith: null,
  }),
  grantSchemaUsage: ({ role }) => ({
    comment: `${role} may use schema public`,
    up: render('sql/grant-schema-usage', { role: q(role) }),
    down: render('sql/revoke-schema-usage', { role: q(role) }),
    droppedWith: null,
  }),
  createEnum: ({ enum: e }) => ({
    comment: `enum ${e.name}`,
    up: render('sql/create-enum', { name: q(e.name), values: e.values.map(quoteString).join(', ') }),
    down: render('sql/drop-enum', { name: q(e.name) }),
    droppedWith: null,
  }),
  createFunction: ({ fn, settings }) => ({
    comment: `function ${FUNCTION_NAMES[fn]}`,
    up: render(FUNCTION_TEMPLATES[fn], {
      name: q(FUNCTION_NAMES[fn]),
      maintenance: q(FUNCTION_NAMES.maintenance),
      setting: MAINTENANCE_SETTING,
      settingLiteral: quoteString(MAINTENANCE_SETTING),
      maxDepth: MAX_TRIGGER_DEPTH,
      auditTableName: settings.auditTable ?? '',
      auditTable: settings.auditTable ? q(settings.auditTable) : '',
      actionType: settings.auditActionType ?? 'text',
      tenantKey: q(settings.tenantKey),
      userSetting: quoteString(settings.userSetting),
    }),
    down: render('sql/drop-function', { name: q(FUNCTION_NAMES[fn]), args: FUNCTION_ARGS[fn] }),
    droppedWith: null,
  }),
  createTable: ({ table: t }) => {
    const lines = t.columns.map(columnDefinition);
    if (t.primaryKey) lines.push(`CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${list(t.primaryKey.columns)})`);
    for (const u of t.uniques) lines.push(`CONSTRAINT ${q(u.name)} UNIQUE (${list(u.columns)})`);
    for (const c of t.checks) lines.push(`CONSTRAINT ${q(c.name)} CHECK (${c.expr})`);
    return {
      comment: `table ${t.name}`,
      up: render('sql/create-table', { name: q(t.name), lines }),
      down: render('sql/drop-table', { name: q(t.name) }),
      droppedWith: null,
    };
  },
  addForeignKey: ({ table, fk }) => {
    const setColumns = fk.onDeleteSetColumns ? ` (${list(fk.onDeleteSetColumns)})` : '';
    const actions =
      (fk.onDelete === 'noAction' ? '' : ` ON DELETE ${ACTION_SQL[fk.onDelete]}${setColumns}`) +
      (fk.onUpdate === 'noAction' ? '' : ` ON UPDATE ${ACTION_SQL[fk.onUpdate]}`);
    return {
      comment: `foreign key ${table}(${fk.columns.join(', ')}) -> ${fk.refTable}(${fk.refColumns.join(', ')})`,
      up: render('sql/add-foreign-key', { table: q(table), name: q(fk.name), columns: list(fk.columns), refTable: q(fk.refTable), refColumns: list(fk.refColumns), actions }),
      down: render('sql/drop-constraint', { table: q(table), name: q(fk.name) }),
      droppedWith: null,
    };
  },
  createIndex: ({ table, index: i }) => ({
    comment: `index ${i.name}`,
    up: render('sql/create-index', {
      name: q(i.name),
      table: q(table),
      unique: i.unique,
      using: i.method === 'btree' ? '' : i.method,
      columns: i.columns.map((c) => (c.order === 'desc' ? `${q(c.name)} DESC` : q(c.name))).join(', '),
      where: i.where ?? '',
    }),
    down: render('sql/drop-index', { name: q(i.name) }),
    droppedWith: table,
  }),
  createTrigger: ({ table, trigger: tr }) => ({
    comment: `trigger ${tr.name}`,
    up: render('sql/create-trigger', {
      name: q(tr.name),
      table: q(table),
      timing: tr.timing.toUpperCase(),
      events: tr.events.map((e) => e.toUpperCase()).join(' OR '),
      level: tr.level.toUpperCase(),
      function: q(FUNCTION_NAMES[tr.kind]),
      args: tr.args.map(quoteString).join(', '),
    }),
    down: render('sql/drop-trigger', { name: q(tr.name), table: q(table) }),
    droppedWith: table,
  }),
  enableRowLevelSecurity: ({ table }) => ({
    comment: `row-level security on ${table}, also for its owner`,
    up: render('sql/enable-rls', { table: q(table) }),
    down: render('sql/disable-rls', { table: q(table) }),
    droppedWith: table,
  }),
  createPolicy: ({ table, policy: p }) => ({
    comment: `policy ${p.name}`,
    up: render('sql/create-policy', { name: q(p.name), table: q(table), command: p.command.toUpperCase(), to: p.to === 'owner' ? 'CURRENT_USER' : 'PUBLIC', using: p.using ?? '', withCheck: p.withCheck ?? '' }),
    down: render('sql/drop-policy', { name: q(p.name), table: q(table) }),
    droppedWith: table,
  }),
  grant: ({ table, grant: g }) => ({
    comment: `what ${g.role} may do on ${table}`,
    up: render('sql/grant', {
      table: q(table),
      role: q(g.role),
      privileges: g.privileges.filter((p) => p !== 'update' || g.updateColumns === null).map((p) => p.toUpperCase()).join(', '),
      updateColumns: g.updateColumns ? list(g.updateColumns) : '',
    }),
    down: render('sql/revoke', { table: q(table), role: q(g.role) }),
    droppedWith: table,
  }),
  commentOn: ({ target, comment, previous }) => {
    const t = commentTarget(target);
    return {
      comment: `comment on ${t.label}`,
      up: render('sql/comment', { target: t.sql, text: quoteString(comment) }),
      down: render('sql/comment', { target: t.sql, text: previous === null ? 'NULL' : quoteString(previous) }),
      droppedWith: t.owner,
    };
  },
};

export function planChange(change: Change): PlannedStep {
  return (PLANNERS[change.kind] as Planner<typeof change.kind>)(change as never);
}
