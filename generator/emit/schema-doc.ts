import type { Ir, Table } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';
import { columnDefinition } from './plan-change.ts';
import { GENERATED_HEADER } from './header.ts';
import { render } from './templates.ts';

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** generated/schema.md: a Mermaid ER diagram and a reference table per entity. */
export function renderSchemaDoc(ir: Ir): string {
  const relations = ir.tables.flatMap((t) =>
    t.foreignKeys.map((fk) => {
      const optional = fk.columns.some((c) => !t.columns.find((x) => x.name === c)?.notNull);
      return `${fk.refTable} ${optional ? '|o' : '||'}--o{ ${t.name} : "${fk.columns.join(', ')}"`;
    }),
  );
  const entities = ir.tables.map((t) => ({
    name: t.name,
    comment: t.comment ? cell(t.comment) : '',
    tenancy: t.tenancy,
    mermaidColumns: t.columns.map((c) => `${sqlType(c.type).replace(/[^a-zA-Z0-9_]/g, '_')} ${c.name}${keyMarks(t, c.name)}`),
    rows: t.columns.map((c) => ({
      name: c.name,
      definition: cell(columnDefinition(c).slice(c.name.length + 3)),
      comment: c.comment ? cell(c.comment) : '',
    })),
    constraints: [
      ...(t.primaryKey ? [`primary key (${t.primaryKey.columns.join(', ')})`] : []),
      ...t.uniques.map((u) => `unique (${u.columns.join(', ')})`),
      ...t.checks.map((c) => `check ${c.name}: ${cell(c.expr)}`),
      ...t.foreignKeys.map((f) => `(${f.columns.join(', ')}) → ${f.refTable} (${f.refColumns.join(', ')}) on delete ${f.onDelete}`),
      ...t.indexes.map((i) => `${i.unique ? 'unique ' : ''}index ${i.name} (${i.columns.map((c) => c.name + (c.order === 'desc' ? ' desc' : '')).join(', ')})${i.method === 'gin' ? ' using gin' : ''}${i.where ? ` where ${cell(i.where)}` : ''}`),
    ],
  }));
  const enums = ir.enums.map((e) => ({ name: e.name, values: e.values.join(', ') }));
  return render('docs/schema.md', { header: GENERATED_HEADER, relations, entities, enums });
}

function keyMarks(t: Table, column: string): string {
  const marks = [];
  if (t.primaryKey?.columns.includes(column)) marks.push('PK');
  if (t.foreignKeys.some((f) => f.columns.includes(column))) marks.push('FK');
  if (t.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column)) marks.push('UK');
  return marks.length ? ` ${marks.join(', ')}` : '';
}
