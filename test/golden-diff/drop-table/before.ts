import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull().unique(),
});

export const notes = entity('notes', {
  id: uuid().primaryKey().defaultRandom(),
  user_id: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  body: text().notNull().check((c) => sql`${c} <> ''`).comment('What the user wrote.'),
  created_at: timestamptz().notNull().defaultNow(),
}, { comment: 'Notes users keep.', constraints: (t) => [index(t.user_id, desc(t.created_at))] });

export default defineModel({ schema: { users, notes } });
