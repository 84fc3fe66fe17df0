import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull(),
  code: varchar(10),
  visits: integer().notNull().default(0),
  balance: numeric(10, 2),
  bio: varchar(200),
});

export default defineModel({ schema: { users } });
