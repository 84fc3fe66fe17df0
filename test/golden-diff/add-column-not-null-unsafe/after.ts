import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull(),
  age: integer().notNull(),
});

export default defineModel({ schema: { users } });
