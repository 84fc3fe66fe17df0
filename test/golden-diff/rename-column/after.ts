import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull(),
  mobile: varchar(30).renamedFrom('phone').check((c) => sql`${c} ~ '^[0-9+ ]+$'`),
}, { constraints: (t) => [index(t.mobile), unique(t.email, t.mobile)] });

export default defineModel({ schema: { users } });
