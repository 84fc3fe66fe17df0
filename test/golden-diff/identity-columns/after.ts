import { bigint, defineModel, entity, integer, uuid } from '../../../generator/dsl/index.ts';

// seq: a plain column becomes an identity (its default goes first; the sequence restarts after the rows' values);
// num: by default -> always, with options changed in place; legacy: identity removed, a default instead;
// code: smallint -> integer keeps its identity (its sequence's type follows); added: a new identity column fills existing rows
export const items = entity('items', {
  id: uuid().primaryKey().defaultRandom(),
  seq: integer().generatedAlwaysAsIdentity({ start: 100 }),
  num: bigint().generatedAlwaysAsIdentity({ start: 5, increment: 2, maxValue: 1000, cache: 10, cycle: true }),
  legacy: integer().default(7),
  code: integer().generatedAlwaysAsIdentity({ maxValue: 1000 }),
  added: bigint().generatedAlwaysAsIdentity(),
});

export default defineModel({ schema: { items } });
