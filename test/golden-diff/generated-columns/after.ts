import { bigint, defineModel, entity, index, integer, numeric, sql, text, unique, uuid, type SqlExpr } from '../../../generator/dsl/index.ts';

// qty renamed (twice keeps its expression: PostgreSQL renames it inside); total: new expression and type, its
// index and check rebuilt around it; label: a plain column becomes generated (destructive: its values are
// replaced); code: no longer generated, its values stay; weight: integer -> bigint, so half, computed from it,
// goes first and comes back after (PostgreSQL refuses to change the type of a column a generated one uses)
export const lines = entity('lines', {
  id: uuid().primaryKey().defaultRandom(),
  quantity: integer().notNull().renamedFrom('qty'),
  price: numeric(10, 2).notNull(),
  total: numeric(14, 2).generatedAlwaysAs((): SqlExpr => sql`round(${lines.quantity} * ${lines.price} * 1.19, 2)`).check((c) => sql`${c} >= 0`).comment('Gross.'),
  twice: integer().generatedAlwaysAs((): SqlExpr => sql`${lines.quantity} * 2`),
  label: text().notNull().generatedAlwaysAs((): SqlExpr => sql`${lines.quantity}::text || ' pieces'`),
  code: text(),
  weight: bigint(),
  half: bigint().generatedAlwaysAs((): SqlExpr => sql`${lines.weight} / 2`),
}, { constraints: (t) => [index(t.total), unique(t.code)] });

export default defineModel({ schema: { lines } });
