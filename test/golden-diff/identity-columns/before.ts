import { bigint, defineModel, entity, integer, smallint, uuid } from '../../../generator/dsl/index.ts';

export const items = entity('items', {
  id: uuid().primaryKey().defaultRandom(),
  seq: integer().notNull().default(0),
  num: bigint().generatedByDefaultAsIdentity(),
  legacy: integer().generatedAlwaysAsIdentity(),
  code: smallint().generatedAlwaysAsIdentity({ maxValue: 1000 }),
});

export default defineModel({ schema: { items } });
