import { defineModel, entity, text, uuid } from '../../../generator/dsl/index.ts';

// the last citext column becomes text: citext -> text is a widening, and the extension goes if a migration made it
export const people = entity('people', {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
});

export default defineModel({ schema: { people } });
