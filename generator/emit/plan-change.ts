import { type Change, type ChangeKind, type CommentTarget, UPDATED_AT_FUNCTION } from '../diff/changes.ts';
import { updatedAtTriggerName } from '../ir/naming.ts';
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

const PLANNERS: { [K in ChangeKind]: Planner<K> } = {
  createEnum: ({ enum: e }) => ({
    comment: `enum ${e.name}`,
    up: render('sql/create-enum', { name: q(e.name), values: e.values.map(quoteString).join(', ') }),
    down: render('sql/drop-enum', { name: q(e.name) }),
    droppedWith: null,
  }),
  createUpdatedAtFunction: () => ({
    comment: `function ${UPDATED_AT_FUNCTION}`,
    up: render('sql/create-updated-at-function', { name: q(UPDATED_AT_FUNCTION) }),
    down: render('sql/drop-function', { name: q(UPDATED_AT_FUNCTION) }),
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
    const actions =
      (fk.onDelete === 'noAction' ? '' : ` ON DELETE ${ACTION_SQL[fk.onDelete]}`) +
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
  createUpdatedAtTrigger: ({ table, column }) => ({
    comment: `keep ${table}.${column} current`,
    up: render('sql/create-updated-at-trigger', { name: q(updatedAtTriggerName(table)), table: q(table), function: q(UPDATED_AT_FUNCTION), argument: quoteString(column) }),
    down: render('sql/drop-trigger', { name: q(updatedAtTriggerName(table)), table: q(table) }),
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
