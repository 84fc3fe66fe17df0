import { defineModel, entity, integer, text, uuid, varchar } from '../../../../generator/dsl/index.ts';

export const orgs = entity('orgs', {
  id: uuid().primaryKey().defaultRandom(),
  name: varchar(300).notNull(),
});

export const members = entity('members', {
  id: uuid().primaryKey().defaultRandom(),
  org_id: integer().notNull().references(() => orgs.id, { onDelete: 'setNull' }),
  order: integer(),
  note: text().default(42 as unknown as string),
});

export const notes = entity('notes', { body: text() });

export default defineModel({ schema: { orgs, members, notes } });
