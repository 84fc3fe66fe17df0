import { unservedReason } from './api-keys.ts';
import { quoteIdent, sqlType } from '../sql/quote.ts';
import type { Diagnostics } from './diagnostics.ts';
import { identityProblems } from './identity.ts';
import { byteLength, MAX_IDENTIFIER_BYTES } from './naming.ts';
import { dbRole } from './permissions.ts';
import { RESERVED_WORDS } from './reserved.ts';
import { seedValueProblem } from './seed-values.ts';
import type { Column, ColumnType, Ir, JsonValue, Table } from './types.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Checks a built IR, adding every problem found to `d`. */
export function validateIr(ir: Ir, d: Diagnostics): void {
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const enums = new Map(ir.enums.map((e) => [e.name, e]));

  checkRelationNamespace(ir, d);
  for (const e of ir.enums) {
    checkIdentifier(e.name, e.name, 'enum', d);
    if (e.values.length === 0 || new Set(e.values).size !== e.values.length)
      d.error('empty-enum', e.name, `enum ${e.name} has values [${e.values.join(', ')}]`, 'give it at least one value and no value twice');
  }
  for (const t of ir.tables) {
    checkIdentifier(t.name, t.name, 'entity', d);
    const cols = new Map(t.columns.map((c) => [c.name, c]));
    for (const c of t.columns) checkColumn(t, c, enums, d);
    checkGenerated(t, ir, d);
    if (!t.primaryKey) d.error('missing-primary-key', t.name, 'has no primary key', 'mark a column with .primaryKey(), e.g. id: uuid().primaryKey().defaultRandom()');
    const need = (path: string, names: readonly string[]) => {
      for (const n of names)
        if (!cols.has(n)) d.error('unknown-column', `${t.name}.${path}`, `uses column ${n}, which ${t.name} does not have`, `use one of: ${[...cols.keys()].join(', ')}`);
    };
    if (t.primaryKey) need(t.primaryKey.name, t.primaryKey.columns);
    for (const u of t.uniques) need(u.name, u.columns);
    for (const i of t.indexes) need(i.name, i.columns.map((c) => c.name));
    for (const n of [...t.uniques, ...t.checks, ...t.foreignKeys, ...t.indexes].map((x) => x.name)) checkIdentifier(n, `${t.name}.${n}`, 'constraint', d, false);
    for (const fk of t.foreignKeys) {
      const path = `${t.name}.${fk.columns.join(',')}`;
      need(fk.name, fk.columns);
      const target = tables.get(fk.refTable);
      if (!target) {
        d.error('unknown-table', path, `references entity ${fk.refTable || '(none)'}, which the model does not have`, `reference one of: ${[...tables.keys()].join(', ')}, and export it from the model`);
        continue;
      }
      if (fk.columns.length !== fk.refColumns.length) {
        d.error('unknown-column', path, `has ${fk.columns.length} column(s) but references ${fk.refColumns.length}`, 'give the same number of columns on both sides');
        continue;
      }
      const targetCols = new Map(target.columns.map((c) => [c.name, c]));
      fk.columns.forEach((local, i) => {
        const remote = fk.refColumns[i]!;
        const lc = cols.get(local);
        const rc = targetCols.get(remote);
        if (!rc) return d.error('unknown-column', path, `references ${target.name}.${remote}, which does not exist`, `reference one of: ${[...targetCols.keys()].join(', ')}`);
        if (lc && !sameType(lc.type, rc.type))
          d.error('fk-type-mismatch', `${t.name}.${local}`, `is ${sqlType(lc.type)} but references ${target.name}.${remote} of type ${sqlType(rc.type)}`, `declare ${t.name}.${local} as ${sqlType(rc.type)}`);
        const nulledOnDelete = fk.onDelete === 'setNull' && (fk.onDeleteSetColumns ?? fk.columns).includes(local);
        if (lc?.notNull && (nulledOnDelete || fk.onUpdate === 'setNull'))
          d.error('set-null-not-null', `${t.name}.${local}`, `is NOT NULL but its foreign key to ${target.name} says SET NULL`, `make the column nullable (drop .notNull()) or use onDelete: 'cascade' or 'restrict'`);
      });
      const keyed = [target.primaryKey?.columns ?? [], ...target.uniques.map((u) => u.columns), ...target.indexes.filter((i) => i.unique && !i.where).map((i) => i.columns.map((c) => c.name))];
      if (!keyed.some((k) => sameSet(k, fk.refColumns)))
        d.error('fk-target-not-unique', path, `references ${target.name}(${fk.refColumns.join(', ')}), which is neither its primary key nor unique`, `reference its primary key or add unique(${fk.refColumns.join(', ')}) to ${target.name}`);
      const indexed = [t.primaryKey?.columns ?? [], ...t.uniques.map((u) => u.columns), ...t.indexes.filter((i) => !i.where).map((i) => i.columns.map((c) => c.name))];
      // a tenant-safe key (tenant key, parent id) is served as well by an index on the parent id alone
      const own = fk.columns.filter((c) => c !== ir.tenancy?.key);
      if (!indexed.some((k) => sameSet(k.slice(0, fk.columns.length), fk.columns) || (own.length > 0 && sameSet(k.slice(0, own.length), own))))
        d.warning('fk-without-index', path, `has no index starting with (${fk.columns.join(', ')})`, `add index(${fk.columns.map((c) => `t.${c}`).join(', ')}) so deletes on ${target.name} do not scan ${t.name}`);
    }
    const unserved = unservedReason(ir, t);
    if (unserved) d.warning('api-unserved', t.name, `gets no API routes: ${unserved}`, `give it a key the API can carry (e.g. id: uuid().primaryKey().defaultRandom()), or set api: { expose: false } to say it stays out of the API`);
    for (const f of [...t.api.filterable, ...t.api.sortable])
      if (!cols.has(f)) d.error('bad-api-option', `${t.name}.${f}`, 'is listed in api.filterable/sortable but is not a column', `use one of: ${[...cols.keys()].join(', ')}`);
  }
  checkTenancy(ir, tables, d);
  checkAudit(ir, tables, d);
  checkAuth(ir, tables, d);
}

/** The user entity and every entity's permissions (models with roles). */
function checkAuth(ir: Ir, tables: Map<string, Table>, d: Diagnostics) {
  const auth = ir.auth;
  if (!auth) return;
  const users = tables.get(auth.table);
  const ten = ir.tenancy;
  if (!ten) d.error('users-entity', auth.table, 'the model declares users and roles but no tenancy', 'add defineModel({ tenancy: { root, key } }): roles are enforced inside a tenant');
  if (!users) return;
  const column = (name: string | null) => (name === null ? undefined : users.columns.find((c) => c.name === name));
  if (ten && users.tenancy !== 'scoped')
    d.error('users-entity', users.name, `is the user entity but is not tenant-scoped`, `mark it tenancy: 'scoped' with ${ten.key}: a user belongs to one organization`);
  const active = column(auth.activeColumn);
  if (auth.activeColumn !== null && (!active || active.type.kind !== 'boolean' || !active.notNull))
    d.error('users-entity', `${users.name}.${auth.activeColumn}`, active ? 'is the active column but is not boolean NOT NULL' : 'is named as the active column but does not exist', `declare ${auth.activeColumn}: boolean().notNull().default(true)`);
  for (const [name, what] of [[auth.emailColumn, 'email'], [auth.nameColumn, 'name']] as const)
    if (name !== null && !column(name)) d.error('users-entity', `${users.name}.${name}`, `is named as the ${what} column but does not exist`, `name one of: ${users.columns.map((c) => c.name).join(', ')}`);
  for (const role of auth.roles) {
    if (!IDENTIFIER.test(role)) d.error('users-entity', `${users.name}.${auth.roleColumn}`, `role "${role}" is not a lower-case identifier (it names a database role)`, 'use lower snake_case role names');
    if (ten && byteLength(dbRole(ten.appRole, role)) > MAX_IDENTIFIER_BYTES)
      d.error('identifier-too-long', `${users.name}.${auth.roleColumn}`, `database role ${dbRole(ten.appRole, role)} is longer than ${MAX_IDENTIFIER_BYTES} bytes`, 'shorten the role or appRole');
  }
  if (auth.keepOne !== null && !auth.roles.includes(auth.keepOne))
    d.error('users-entity', `${users.name}.${auth.roleColumn}`, `keepOne names role ${auth.keepOne}, which is not a role`, `use one of: ${auth.roles.join(', ')}`);

  for (const t of ir.tables) {
    const tenantKey = t.tenancy === 'scoped' ? (ten?.key ?? null) : null;
    const byRole = new Map<string, Set<string>>();
    for (const p of t.permissions) {
      const path = `${t.name}.permissions.${p.role}`;
      if (!auth.roles.includes(p.role)) d.error('permission-role', path, `names role ${p.role}, which ${users.name}.${auth.roleColumn} does not allow`, `use one of: ${auth.roles.join(', ')}`);
      byRole.set(p.role, (byRole.get(p.role) ?? new Set()).add(p.operation));
      if (p.operation !== 'select' && ir.audit?.table === t.name)
        d.error('permission-operation', `${path}.${p.operation}`, 'is the audit table: only its trigger writes it', `give ${p.role} select only`);
      if (p.operation === 'insert' && t.tenancy === 'root')
        d.error('permission-operation', `${path}.insert`, 'is the tenant root: organizations are created on the owner path (`gen tenant create`)', 'remove insert');
      if (p.operation === 'insert' || p.operation === 'update') {
        // on the root, a unique column is unique across tenants (scoped tables' keys all carry the tenant key)
        const uniqueCols = new Set([...t.uniques.map((u) => u.columns), ...t.indexes.filter((i) => i.unique).map((i) => i.columns.map((c) => c.name))].flat());
        for (const c of p.columns ?? [])
          if (uniqueCols.has(c) && t.tenancy === 'root')
            d.error('tenant-oracle', `${t.name}.${c}`, `is unique across tenants and ${p.role} may ${p.operation} it: a conflict would tell it another tenant has the value`, `leave ${c} out of ${p.role}'s ${p.operation} columns (change it on the owner path)`);
        // a primary key without the tenant key is unique across tenants: a role that chooses every column of it could probe
        const pk = t.primaryKey?.columns ?? [];
        if (p.operation === 'insert' && t.tenancy === 'scoped' && pk.length > 0 && !pk.includes(tenantKey!) && pk.every((c) => (p.columns ?? []).includes(c)))
          if (pk.length === 1)
            d.error('tenant-oracle', `${t.name}.${pk[0]}`, `is the primary key, unique across tenants, and ${p.role} chooses it on insert: a collision would tell it another tenant's key exists`, `give it a default (.defaultRandom()) so the database makes it`);
          else
            d.error('tenant-oracle', t.name, `has primary key (${pk.join(', ')}), unique across tenants, and ${p.role} chooses all of it on insert: a collision would tell it another tenant's key exists`, `put the tenant key first: primaryKey(${[tenantKey, ...pk].map((c) => `t.${c}`).join(', ')})`);
      }
    }
    for (const [role, ops] of byRole)
      if (!ops.has('select') && ops.size > 0)
        d.error('permission-operation', `${t.name}.permissions.${role}`, `may ${[...ops].join(', ')} but not select: a write names its row by columns it must be able to read`, `add select for ${role}`);
  }
}

const AUDIT_COLUMNS: Record<string, (t: ColumnType) => boolean> = {
  user_id: (t) => t.kind === 'uuid',
  action: (t) => t.kind === 'enum' || t.kind === 'text' || t.kind === 'varchar',
  table_name: (t) => t.kind === 'text' || t.kind === 'varchar',
  row_id: (t) => t.kind === 'uuid',
  old_values: (t) => t.kind === 'jsonb',
  new_values: (t) => t.kind === 'jsonb',
};

function checkAudit(ir: Ir, tables: Map<string, Table>, d: Diagnostics) {
  const audited = ir.tables.filter((t) => t.audited);
  if (audited.length === 0) return;
  const name = ir.audit?.table;
  const log = name ? tables.get(name) : undefined;
  if (!log) {
    d.error('audit-table', audited[0]!.name, `is audited but the model names no audit table`, 'pass defineModel({ audit: { table: audit_logs } }) with an append-only entity');
    return;
  }
  if (!log.appendOnly) d.error('audit-table', log.name, 'is the audit table but is not append-only', 'add appendOnly: true to it');
  const columns = { ...AUDIT_COLUMNS, [ir.tenancy?.key ?? 'organization_id']: (t: ColumnType) => t.kind === 'uuid' };
  for (const [column, fits] of Object.entries(columns)) {
    const c = log.columns.find((x) => x.name === column);
    if (!c || !fits(c.type)) d.error('audit-table', `${log.name}.${column}`, c ? `has type ${sqlType(c.type)}, which cannot hold what audit triggers write` : 'is missing; audit triggers write it', `declare ${column} as in README "Audit log"`);
  }
  if (ir.audit?.chain) {
    const key = ir.tenancy?.key ?? 'organization_id';
    const chain: Record<string, (t: ColumnType) => boolean> = {
      seq: (t) => t.kind === 'bigint',
      prev_hash: (t) => t.kind === 'text' || (t.kind === 'varchar' && t.length >= 64),
      hash: (t) => t.kind === 'text' || (t.kind === 'varchar' && t.length >= 64),
    };
    for (const [column, fits] of Object.entries(chain)) {
      const c = log.columns.find((x) => x.name === column);
      if (!c || !fits(c.type)) d.error('audit-table', `${log.name}.${column}`, c ? `has type ${sqlType(c.type)}, which cannot hold the chain` : 'is missing; the audit chain writes it', 'declare seq: bigint(), prev_hash: varchar(64), hash: varchar(64) (see README "Audit log")');
    }
    if (!log.uniques.some((u) => u.columns.join() === `${key},seq`) && !log.indexes.some((i) => i.unique && i.columns.map((c) => c.name).join() === `${key},seq`))
      d.error('audit-table', log.name, `the audit chain needs unique (${key}, seq)`, `add unique(t.${key}, t.seq) to its constraints`);
  }
  for (const t of audited) {
    if (t.name === log.name) d.error('audit-entity', t.name, 'is the audit table and audited: every audit row would write another', 'remove audited: true from it');
    const pk = t.primaryKey?.columns ?? [];
    const pkType = t.columns.find((c) => c.name === pk[0])?.type.kind;
    if (pk.length !== 1 || pkType !== 'uuid') d.error('audit-entity', t.name, 'is audited but its primary key is not a single uuid column (audit rows record row_id)', 'give it id: uuid().primaryKey().defaultRandom() or remove audited');
    if (ir.tenancy && t.tenancy === 'global') d.error('audit-entity', t.name, 'is global and audited, but audit rows belong to a tenant', "remove audited, or mark it tenancy: 'scoped'");
  }
}

function checkColumn(t: Table, c: Column, enums: Map<string, { values: readonly string[] }>, d: Diagnostics) {
  const path = `${t.name}.${c.name}`;
  checkIdentifier(c.name, path, 'column', d);
  checkType(c.type, path, enums, d);
  if (c.updatedAt && c.type.kind !== 'timestamptz')
    d.error('bad-updated-at', path, `is ${sqlType(c.type)}; onUpdateNow() sets it to now()`, 'declare it as timestamptz()');
  if (c.default?.kind === 'literal') {
    const problem = literalProblem(c.default.value, c.type, enums);
    if (problem) d.error('bad-default', path, `default ${JSON.stringify(c.default.value)} ${problem}`, `give a default of type ${sqlType(c.type)}`);
  }
  if (c.default?.kind === 'now' && c.type.kind !== 'timestamptz' && c.type.kind !== 'date' && c.type.kind !== 'time')
    d.error('bad-default', path, `defaultNow() on a ${sqlType(c.type)} column`, 'use it on timestamptz(), date() or time() columns');
  for (const [message, hint] of identityProblems(c)) d.error('bad-identity', path, message, hint);
  if (c.identity && t.tenancy !== 'global')
    d.warning('tenant-oracle', path, 'is an identity column of a tenant table: its sequence is shared by every tenant, so the gaps a tenant sees tell it how many rows the others make', 'number rows with a uuid (.defaultRandom()), or accept that this count is visible');
  if (c.default?.kind === 'randomUuid' && c.type.kind !== 'uuid')
    d.error('bad-default', path, `defaultRandom() on a ${sqlType(c.type)} column`, 'use it on uuid() columns');
}

/** What PostgreSQL refuses of a generated column, and what a model cannot mean by one. */
function checkGenerated(t: Table, ir: Ir, d: Diagnostics) {
  const generated = t.columns.filter((c) => c.generated !== undefined);
  for (const c of generated) {
    const path = `${t.name}.${c.name}`;
    const also = [c.default && 'a default', c.identity && 'an identity', c.updatedAt && 'onUpdateNow()', c.backfill && 'a backfill'].filter(Boolean);
    if (also.length > 0) d.error('bad-generated', path, `is generated and has ${also.join(' and ')} too; its expression is its only value`, `remove ${also.join(' and ')}`);
    const uses = generated.filter((g) => c.generated!.includes(quoteIdent(g.name))).map((g) => g.name);
    if (uses.length > 0)
      d.error('bad-generated', path, `is computed from ${uses.includes(c.name) ? 'itself' : `generated column ${uses.join(', ')}`}; PostgreSQL computes generated columns from the others only`, 'compute it from the columns the application writes (repeat the other expression if need be)');
    if (ir.tenancy && t.tenancy === 'scoped' && c.name === ir.tenancy.key) d.error('bad-generated', path, 'is the tenant key; each row takes it from the request', `declare ${c.name}: uuid().notNull().references(...)`);
    for (const fk of t.foreignKeys)
      if (fk.columns.includes(c.name) && (fk.onDelete === 'setNull' || fk.onUpdate === 'setNull' || fk.onUpdate === 'cascade'))
        d.error('bad-generated', path, `is in foreign key ${fk.name}, whose ${fk.onDelete === 'setNull' ? "onDelete: 'setNull'" : `onUpdate: '${fk.onUpdate}'`} would write it`, "use 'restrict', 'noAction' or onDelete: 'cascade'");
  }
}

function checkType(type: ColumnType, path: string, enums: Map<string, unknown>, d: Diagnostics) {
  if ((type.kind === 'varchar' || type.kind === 'char') && !(Number.isInteger(type.length) && type.length >= 1 && type.length <= 10485760))
    d.error('bad-type', path, `${type.kind}(${type.length}) is not a valid length`, 'use a whole number from 1 to 10485760, or text()');
  if (type.kind === 'numeric' && type.precision !== null) {
    const p = type.precision;
    const s = type.scale ?? 0;
    if (!(Number.isInteger(p) && p >= 1 && p <= 1000 && Number.isInteger(s) && s >= 0 && s <= p))
      d.error('bad-type', path, `numeric(${p},${type.scale}) has impossible precision/scale`, 'use precision 1..1000 and 0 <= scale <= precision');
  }
  if (type.kind === 'enum' && !enums.has(type.name))
    d.error('unknown-table', path, `uses enum ${type.name}, which the model does not have`, 'create it with pgEnum and export it');
  if (type.kind === 'array') {
    if (type.of.kind === 'array') d.error('bad-type', path, 'is an array of arrays', 'use a one-dimensional array or jsonb');
    else if (type.of.kind === 'interval' || type.of.kind === 'bytea' || type.of.kind === 'char')
      // the API writes these as ISO 8601, base64 and trimmed text, which an array's JSON does not carry
      d.error('bad-type', path, `is an array of ${sqlType(type.of)}, which the API cannot carry in its wire format`, `use a child entity with ${type.of.kind === 'interval' ? 'an' : 'a'} ${type.of.kind} column, or an array of text`);
    else checkType(type.of, path, enums, d);
  }
}

function literalProblem(v: JsonValue, type: ColumnType, enums: Map<string, { values: readonly string[] }>): string | null {
  if (v === null) return null;
  switch (type.kind) {
    case 'char':
    case 'citext':
    case 'smallint':
    case 'real':
    case 'double':
    case 'time':
    case 'interval':
    case 'bytea':
      // the same rules as a seed value of the type
      return seedValueProblem(v, type, new Map([...enums].map(([name, e]) => [name, e.values])));
    case 'integer':
    case 'bigint':
      return Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? null : 'is not a whole number';
    case 'numeric':
      return typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) ? null : 'is not a number';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'is not a boolean';
    case 'jsonb':
      return null;
    case 'array':
      return Array.isArray(v) ? null : 'is not an array';
    case 'enum':
      return typeof v === 'string' && enums.get(type.name)?.values.includes(v) ? null : `is not one of the enum's values [${enums.get(type.name)?.values.join(', ') ?? ''}]`;
    case 'varchar':
      return typeof v === 'string' && [...v].length <= type.length ? null : `is not a string of at most ${type.length} characters`;
    case 'uuid':
      return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? null : 'is not a uuid';
    default:
      return typeof v === 'string' ? null : 'is not a string';
  }
}

function checkIdentifier(name: string, path: string, what: string, d: Diagnostics, reservedMatters = true) {
  if (!IDENTIFIER.test(name))
    d.error('invalid-identifier', path, `${what} name "${name}" is not a lower-case identifier`, `use lower snake_case, e.g. "${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9_]/g, '_')}"`);
  if (byteLength(name) > MAX_IDENTIFIER_BYTES)
    d.error('identifier-too-long', path, `${what} name "${name}" is ${byteLength(name)} bytes; PostgreSQL truncates past ${MAX_IDENTIFIER_BYTES}`, 'shorten it');
  if (reservedMatters && RESERVED_WORDS.has(name))
    d.error('reserved-word', path, `${what} name "${name}" is a reserved word in PostgreSQL`, `rename it (e.g. "${name}_")`);
}

/** Tables, indexes, constraints backed by indexes and types share one namespace per schema. */
function checkRelationNamespace(ir: Ir, d: Diagnostics) {
  const owner = new Map<string, string>();
  const claim = (name: string, what: string, path: string) => {
    const prev = owner.get(name);
    if (prev) d.error('duplicate-name', path, `${what} "${name}" has the same name as ${prev}`, 'rename one of them (names of tables, types, indexes, keys and uniques share one namespace)');
    else owner.set(name, `${what} at ${path}`);
  };
  for (const e of ir.enums) claim(e.name, 'enum', e.name);
  for (const t of ir.tables) claim(t.name, 'entity', t.name);
  for (const t of ir.tables) {
    if (t.primaryKey) claim(t.primaryKey.name, 'primary key', `${t.name}.${t.primaryKey.name}`);
    for (const u of t.uniques) claim(u.name, 'unique', `${t.name}.${u.name}`);
    for (const i of t.indexes) claim(i.name, 'index', `${t.name}.${i.name}`);
    const perTable = new Set<string>();
    for (const c of [...t.checks, ...t.foreignKeys]) {
      if (perTable.has(c.name) || owner.get(c.name)?.includes(` at ${t.name}.`))
        d.error('duplicate-name', `${t.name}.${c.name}`, `constraint "${c.name}" is declared twice on ${t.name}`, 'rename one of them');
      perTable.add(c.name);
    }
  }
}

/** A custom setting PostgreSQL accepts in set_config: two or more dotted lower-case identifiers. */
const SETTING = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+$/;

function checkTenancy(ir: Ir, tables: Map<string, Table>, d: Diagnostics) {
  const ten = ir.tenancy;
  if (!ten) return;
  for (const [what, value] of [['tenantSetting', ten.tenantSetting], ['userSetting', ten.userSetting]] as const)
    if (!SETTING.test(value))
      d.error('tenancy-setting', ten.root || 'model', `tenancy.${what} '${value}' is not a custom setting PostgreSQL accepts`, `use a dotted lower-case name such as 'app.${what === 'tenantSetting' ? ten.key : 'user_id'}'`);
  if (ten.tenantSetting === ten.userSetting)
    d.error('tenancy-setting', ten.root || 'model', `the tenant and the user are both read from setting '${ten.tenantSetting}'`, `give tenancy.tenantSetting or tenancy.userSetting another name (the tenant's defaults to 'app.<key>', the user's to 'app.user_id')`);
  const root = tables.get(ten.root);
  if (!root || root.tenancy !== 'root') {
    d.error('tenancy-root', ten.root || 'model', `the tenant root ${ten.root || '(none)'} is not an entity with tenancy: 'root'`, "pass the root entity to defineModel({ tenancy: { root } }) and mark it tenancy: 'root'");
    return;
  }
  for (const t of ir.tables) {
    if (t.tenancy === 'root' && t.name !== root.name)
      d.error('tenancy-root', t.name, `is marked tenancy: 'root' but the model's root is ${root.name}`, "mark it 'scoped' or 'global'");
    if (t.tenancy === 'scoped') {
      const key = t.columns.find((c) => c.name === ten.key);
      // append-only history (audit logs) keeps the key without a foreign key: it outlives the rows, users and organizations it describes
      const fk = t.appendOnly || t.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === ten.key && f.refTable === root.name);
      if (!key || key.type.kind !== 'uuid' || !key.notNull || !fk)
        d.error('tenancy-key', `${t.name}.${ten.key}`, `a tenant-scoped entity needs ${ten.key} uuid NOT NULL referencing ${root.name}`, `add ${ten.key}: uuid().notNull().references(() => ${root.name}.id, { onDelete: 'cascade' })`);
    }
    if (t.tenancy === 'global')
      for (const fk of t.foreignKeys) {
        const target = tables.get(fk.refTable);
        if (target && target.tenancy !== 'global')
          d.error('tenancy-global-ref', `${t.name}.${fk.columns.join(',')}`, `global entity ${t.name} references ${target.tenancy === 'root' ? 'the tenant root' : 'tenant-scoped'} ${target.name}`, `mark ${t.name} tenancy: 'scoped' or drop the reference`);
      }
  }
}

const sameType = (a: ColumnType, b: ColumnType): boolean => {
  const norm = (t: ColumnType): string => (t.kind === 'varchar' || t.kind === 'char' || t.kind === 'numeric' ? t.kind : sqlType(t));
  return norm(a) === norm(b);
};
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
