import { defineModel, entity, index, integer, numeric, sql, text, unique, uuid, type SqlExpr } from '../../../generator/dsl/index.ts';

export const lines = entity('lines', {
  id: uuid().primaryKey().defaultRandom(),
  qty: integer().notNull(),
  price: numeric(10, 2).notNull(),
  total: numeric(12, 2).generatedAlwaysAs((): SqlExpr => sql`${lines.qty} * ${lines.price}`).check((c) => sql`${c} >= 0`).comment('Net.'),
  twice: integer().generatedAlwaysAs((): SqlExpr => sql`${lines.qty} * 2`),
  label: text(),
  code: text().generatedAlwaysAs((): SqlExpr => sql`'L' || ${lines.qty}::text`),
  weight: integer(),
  half: integer().generatedAlwaysAs((): SqlExpr => sql`${lines.weight} / 2`),
}, { constraints: (t) => [index(t.total), unique(t.code)] });

export default defineModel({ schema: { lines } });
