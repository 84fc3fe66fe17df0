import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull(),
  phone: varchar(30).notNull().comment('Mobile number.'),
  status: text().notNull().default('active'),
}, { constraints: (t) => [index(t.phone), unique(t.email, t.phone)] });

export default defineModel({ schema: { users } });
