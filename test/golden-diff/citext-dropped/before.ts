import { citext, defineModel, entity, uuid } from '../../../generator/dsl/index.ts';

export const people = entity('people', {
  id: uuid().primaryKey().defaultRandom(),
  email: citext().notNull().unique(),
});

export default defineModel({ schema: { people } });
