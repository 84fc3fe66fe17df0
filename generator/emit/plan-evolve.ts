import type { ChangeKind } from '../diff/changes.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import { isWidening } from '../diff/column-types.ts';
import { alterIdentityActions, identityRangeChanges, identitySql, identityStart, isDescending } from '../ir/identity.ts';
import type { Column, ColumnType, Identity, Table } from '../ir/types.ts';
import { fitsTest } from './fits.ts';
import { quoteIdent as q, quoteString, sqlType } from '../sql/quote.ts';
import {
  columnDefinition,
  commentStep,
  defaultSql,
  enumStep,
  extensionStep,
  foreignKeyStep,
  functionSql,
  functionStep,
  grantStep,
  indexStep,
  inverse,
  list,
  type Planner,
  type PlannedStep,
  policyStep,
  rlsStep,
  roleStep,
  schemaUsageStep,
  tableStep,
  triggerStep,
  validateConstraint,
} from './plan-steps.ts';
import { render } from './templates.ts';

const free = { up: null, down: null } as const;
const sql = (...parts: readonly string[]) => `${parts.map((p) => p.trimEnd()).filter(Boolean).join('\n')}\n`;

const notRestored = (what: string, table: string, failsWithRows: boolean) => render('sql/not-restored', { what, table, failsWithRows });

/** Everything the table had, built from its `before` definition: the down of a DROP TABLE. Foreign keys are separate changes. */
function recreateTable(t: Table): string {
  return sql(
    notRestored(`Table ${t.name}`, t.name, false),
    tableStep(t).up,
    ...t.indexes.map((i) => indexStep(t.name, i, false).up),
    ...t.triggers.map((tr) => triggerStep(t.name, tr).up),
    t.rowLevelSecurity ? rlsStep(t.name).up : '',
    ...t.policies.map((p) => policyStep(t.name, p).up),
    ...t.grants.map((g) => grantStep(t.name, g).up),
    t.comment ? commentStep({ kind: 'table', table: t.name }, t.comment, null).up : '',
    ...t.columns.flatMap((c) => (c.comment ? [commentStep({ kind: 'column', table: t.name, column: c.name }, c.comment, null).up] : [])),
  );
}

const backfill = (table: string, column: string, expr: string, onlyNull: boolean, maintenance: boolean) =>
  render('sql/backfill', { table: q(table), column: q(column), expr, onlyNull, maintenance, setting: MAINTENANCE_SETTING });

/** The DO block that stops a narrowing before it changes anything when a value does not fit, naming the rows. */
function checkFits(table: string, column: string, from: ColumnType, to: ColumnType, key: readonly string[], maintenance: boolean): string {
  const keyText = key.length === 0 ? 'NULL::text' : key.length === 1 ? `${q(key[0]!)}::text` : `concat_ws(', ', ${key.map((k) => `${q(k)}::text`).join(', ')})`;
  return render('sql/check-fits', {
    table: q(table),
    tableName: table,
    column: q(column),
    columnName: column,
    type: sqlType(to),
    typeText: sqlType(to).replaceAll("'", "''"),
    test: fitsTest(q(column), from, to) ?? '',
    keyText,
    keyLabel: key.length === 0 ? '(no key)' : key.join(', '),
    maintenance,
    settingLiteral: quoteString(MAINTENANCE_SETTING),
  });
}

/** After ADD … AS IDENTITY on a column with rows: the sequence continues past the largest value (the smallest, counting down). */
function restartAfterRows(table: string, column: string, type: ColumnType, i: Identity, maintenance: boolean): string {
  const down = isDescending(i);
  return render('sql/identity-restart', {
    table: q(table),
    column: q(column),
    tableLiteral: quoteString(q(table)),
    columnLiteral: quoteString(column),
    aggregate: down ? 'min' : 'max',
    compare: down ? '<=' : '>=',
    start: identityStart(i, type),
    maintenance,
    settingLiteral: quoteString(MAINTENANCE_SETTING),
  });
}

const setNotNull = (table: string, column: string) => render('sql/set-not-null', { table: q(table), column: q(column) });
const dropNotNull = (table: string, column: string) => render('sql/drop-not-null', { table: q(table), column: q(column) });
const dropExpression = (table: string, column: string) => `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column)} DROP EXPRESSION;\n`;
const columnComment = (table: string, column: string, comment: string | null) => (comment ? commentStep({ kind: 'column', table, column }, comment, null).up : '');
const dropColumn = (table: string, column: string) => render('sql/drop-column', { table: q(table), column: q(column) });

/** ADD COLUMN; NOT NULL with a backfill adds it nullable, fills every row, then sets NOT NULL. */
function addColumnSql(table: string, c: Column, maintenance: boolean): string {
  if (!c.notNull || c.backfill === null) return render('sql/add-column', { table: q(table), definition: columnDefinition(c) });
  return sql(
    render('sql/add-column', { table: q(table), definition: columnDefinition({ ...c, notNull: false }) }),
    backfill(table, c.name, c.backfill, false, maintenance),
    setNotNull(table, c.name),
  );
}

const constraintStep = (table: string, name: string, definition: string, label: string, notValid = false): PlannedStep => ({
  comment: label,
  up: render('sql/add-constraint', { table: q(table), name: q(name), definition, notValid }),
  down: render('sql/drop-constraint', { table: q(table), name: q(name) }),
  droppedWith: free,
  ...(notValid ? { afterCommit: validateConstraint(table, name) } : {}),
});

const renameStep = (template: string, comment: string, view: Record<string, string>, from: string, to: string): PlannedStep => ({
  comment,
  up: render(template, { ...view, from: q(from), to: q(to) }),
  down: render(template, { ...view, from: q(to), to: q(from) }),
  droppedWith: free,
});

/** Drops, renames and alterations: what evolves a schema after its initial migration. */
export const EVOLVE_PLANNERS = {
  dropRole: ({ role }) => inverse(roleStep(role), `role ${role.name} is no longer used`),
  revokeSchemaUsage: ({ role }) => inverse(schemaUsageStep(role), `${role} no longer uses schema public`),
  dropExtension: ({ name }) => ({ ...inverse(extensionStep(name), `drop extension ${name} if a migration created it`), downComment: `extension ${name}, unless the database has it` }),
  dropEnum: ({ enum: e }) => {
    const step = inverse(enumStep(e), `drop enum ${e.name}`);
    const comment = e.comment ? commentStep({ kind: 'type', name: e.name }, e.comment, null).up : '';
    return { ...step, down: sql(step.down, comment) };
  },
  addEnumValue: ({ enum: name, value, after, before }) => ({
    comment: `enum ${name} gains value ${value}`,
    up: render('sql/add-enum-value', { name: q(name), value: quoteString(value), after: after === null ? '' : quoteString(after), before: before === null ? '' : quoteString(before) }),
    down: render('sql/keep-enum-value', { name, value: quoteString(value) }),
    droppedWith: free,
  }),
  dropFunction: ({ fn, settings }) => {
    const step = functionStep(fn, settings);
    return inverse(step, `drop ${step.comment}`);
  },
  replaceFunction: ({ fn, from, to }) => ({
    comment: `${functionStep(fn, to).comment}, for the changed model`,
    up: functionSql(fn, to, true),
    down: functionSql(fn, from, true),
    droppedWith: free,
  }),
  dropTable: ({ table }) => ({
    comment: `drop table ${table.name}`,
    downComment: `table ${table.name}, as before`,
    up: tableStep(table).down,
    down: recreateTable(table),
    droppedWith: free,
  }),
  renameTable: ({ from, to }) => renameStep('sql/rename-table', `rename table ${from} to ${to}`, {}, from, to),
  addColumn: ({ table, column, maintenance }) => ({
    comment: `add column ${table}.${column.name}`,
    up: addColumnSql(table, column, maintenance),
    down: dropColumn(table, column.name),
    droppedWith: { up: null, down: table },
  }),
  dropColumn: ({ table, column }) => {
    const comment = column.comment ? commentStep({ kind: 'column', table, column: column.name }, column.comment, null).up : '';
    const failsWithRows = column.notNull && column.default === null;
    return {
      comment: `drop column ${table}.${column.name}`,
      downComment: `column ${table}.${column.name}, as before`,
      up: dropColumn(table, column.name),
      down: sql(notRestored(`Column ${table}.${column.name}`, table, failsWithRows), render('sql/add-column', { table: q(table), definition: columnDefinition(column) }), comment),
      droppedWith: { up: table, down: null },
    };
  },
  ungenerateColumn: ({ table, column, drop }) => {
    const readd = sql(render('sql/add-column', { table: q(table), definition: columnDefinition(column) }), columnComment(table, column.name, column.comment));
    return {
      comment: drop ? `drop generated column ${table}.${column.name}, to compute it anew` : `column ${table}.${column.name}: no longer generated, its values stay`,
      downComment: `generated column ${table}.${column.name}, as before (every row computed again)`,
      up: drop ? dropColumn(table, column.name) : dropExpression(table, column.name),
      down: drop ? readd : sql(dropColumn(table, column.name), readd),
      droppedWith: free,
    };
  },
  generateColumn: ({ table, column, before, dropped }) => {
    const add = sql(render('sql/add-column', { table: q(table), definition: columnDefinition(column) }), columnComment(table, column.name, column.comment));
    // back to the plain column it was: the computed values stay, in its type, with its NOT NULL, default and comment
    const plainAgain = () =>
      sql(
        dropExpression(table, column.name),
        sqlType(before.type) !== sqlType(column.type) ? render('sql/alter-column-type', { table: q(table), column: q(column.name), type: sqlType(before.type) }) : '',
        before.notNull !== column.notNull ? (before.notNull ? setNotNull(table, column.name) : dropNotNull(table, column.name)) : '',
        before.default ? render('sql/set-default', { table: q(table), column: q(column.name), expr: defaultSql(before.default, before.type) }) : '',
        before.comment !== column.comment ? commentStep({ kind: 'column', table, column: column.name }, before.comment, null).up : '',
      );
    return {
      comment: `generated column ${table}.${column.name}: ${column.generated}`,
      downComment: dropped ? `drop generated column ${table}.${column.name}` : `column ${table}.${column.name}: a plain column again (the computed values stay)`,
      up: dropped ? add : sql(dropColumn(table, column.name), add),
      down: dropped ? dropColumn(table, column.name) : plainAgain(),
      droppedWith: free,
    };
  },
  renameColumn: ({ table, from, to }) => renameStep('sql/rename-column', `rename column ${table}.${from} to ${to}`, { table: q(table) }, from, to),
  alterColumnType: ({ table, column, from, to, key, maintenance }) => {
    // a narrowing checks every row first, either way (unless every value converts); the down of a widening is a narrowing too
    const change = (a: ColumnType, b: ColumnType) =>
      sql(
        isWidening(a, b) || fitsTest(q(column), a, b) === 'true' ? '' : checkFits(table, column, a, b, key, maintenance),
        render('sql/alter-column-type', { table: q(table), column: q(column), type: sqlType(b) }),
      );
    return {
      comment: `column ${table}.${column}: ${sqlType(from)} -> ${sqlType(to)}`,
      downComment: `column ${table}.${column}: ${sqlType(to)} -> ${sqlType(from)}`,
      up: change(from, to),
      down: change(to, from),
      droppedWith: free,
    };
  },
  alterIdentity: ({ table, column, type, from, to, maintenance }) => {
    const alter = (actions: string) => `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column)} ${actions};\n`;
    const add = (i: Identity) => sql(alter(`ADD ${identitySql(i)}`), restartAfterRows(table, column, type, i, maintenance));
    const drop = alter('DROP IDENTITY');
    const change = (a: Identity, b: Identity) =>
      sql(alter(alterIdentityActions(a, b, type).join(' ')), identityRangeChanges(a, b) ? restartAfterRows(table, column, type, b, maintenance) : '');
    const label = (i: Identity | null) => (i ? identitySql(i).toLowerCase() : 'no identity');
    return {
      comment: `column ${table}.${column}: ${label(to)}`,
      downComment: `column ${table}.${column}: ${label(from)}`,
      up: !to ? drop : !from ? add(to) : change(from, to),
      down: !from ? drop : !to ? add(from) : change(to, from),
      droppedWith: free,
    };
  },
  setNotNull: ({ table, column, type, backfill: fill, default: d, maintenance }) => {
    const expr = fill ?? (d ? defaultSql(d, type) : null);
    return {
      comment: `column ${table}.${column}: NOT NULL${expr === null ? '' : ', rows holding NULL filled first'}`,
      downComment: `column ${table}.${column}: NULL allowed again`,
      up: expr === null ? setNotNull(table, column) : sql(backfill(table, column, expr, true, maintenance), setNotNull(table, column)),
      down: expr === null ? dropNotNull(table, column) : sql('-- the values the up filled in stay', dropNotNull(table, column)),
      droppedWith: free,
    };
  },
  dropNotNull: ({ table, column }) => ({
    comment: `column ${table}.${column}: NULL allowed`,
    downComment: `column ${table}.${column}: NOT NULL again`,
    up: dropNotNull(table, column),
    down: sql('-- fails if a row holds NULL by now', setNotNull(table, column)),
    droppedWith: free,
  }),
  alterColumnDefault: ({ table, column, type, from, to }) => {
    const set = (d: typeof from) => render('sql/set-default', { table: q(table), column: q(column), expr: d ? defaultSql(d, type) : '' });
    const label = (d: typeof from) => `default of ${table}.${column}: ${d ? defaultSql(d, type) : 'none'}`;
    return { comment: label(to), downComment: label(from), up: set(to), down: set(from), droppedWith: free };
  },
  addPrimaryKey: ({ table, pk }) => constraintStep(table, pk.name, `PRIMARY KEY (${list(pk.columns)})`, `primary key ${table}(${pk.columns.join(', ')})`),
  dropPrimaryKey: ({ table, pk }) => inverse(constraintStep(table, pk.name, `PRIMARY KEY (${list(pk.columns)})`, `primary key ${table}(${pk.columns.join(', ')})`), `drop primary key ${pk.name}`),
  addUnique: ({ table, unique: u }) => constraintStep(table, u.name, `UNIQUE (${list(u.columns)})`, `unique ${table}(${u.columns.join(', ')})`),
  dropUnique: ({ table, unique: u }) => inverse(constraintStep(table, u.name, `UNIQUE (${list(u.columns)})`, `unique ${table}(${u.columns.join(', ')})`), `drop unique ${u.name}`),
  addCheck: ({ table, check: c, notValid }) => constraintStep(table, c.name, `CHECK (${c.expr})`, `check ${c.name}`, notValid),
  dropCheck: ({ table, check: c }) => inverse(constraintStep(table, c.name, `CHECK (${c.expr})`, `check ${c.name}`), `drop check ${c.name}`),
  dropForeignKey: ({ table, fk }) => inverse(foreignKeyStep(table, fk), `drop foreign key ${fk.name}`),
  renameConstraint: ({ table, from, to }) => renameStep('sql/rename-constraint', `rename constraint ${table}.${from} to ${to}`, { table: q(table) }, from, to),
  dropIndex: ({ table, index }) => inverse(indexStep(table, index, false), `drop index ${index.name}`),
  renameIndex: ({ from, to }) => renameStep('sql/rename-index', `rename index ${from} to ${to}`, {}, from, to),
  dropTrigger: ({ table, trigger }) => inverse(triggerStep(table, trigger), `drop trigger ${trigger.name}`),
  disableRowLevelSecurity: ({ table }) => inverse(rlsStep(table), `no row-level security on ${table}`),
  dropPolicy: ({ table, policy }) => inverse(policyStep(table, policy), `drop policy ${policy.name}`),
  revoke: ({ table, grant }) => inverse(grantStep(table, grant), `revoke what ${grant.role} may do on ${table}`),
} satisfies { [K in ChangeKind]?: Planner<K> };
