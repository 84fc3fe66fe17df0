import { defineModel, entity, text, uuid } from '../../../generator/dsl/index.ts';

export const things = entity('things', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
});

export default defineModel({ schema: { things } });
