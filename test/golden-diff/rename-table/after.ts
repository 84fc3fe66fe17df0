import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const members = entity('members', {
  id: uuid().primaryKey().defaultRandom(),
  handle: varchar(40).notNull().unique().check((c) => sql`${c} <> ''`),
}, { renamedFrom: 'accounts', comment: 'People who sign in.', constraints: (t) => [index(t.handle, t.id)] });

export const posts = entity('posts', {
  id: uuid().primaryKey().defaultRandom(),
  account_id: uuid().notNull().references(() => members.id, { onDelete: 'cascade' }).index(),
});

export default defineModel({ schema: { members, posts } });
