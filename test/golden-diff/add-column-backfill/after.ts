import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar, type ColumnRef } from '../../../generator/dsl/index.ts';

/** users.email, for the backfill (an entity cannot name its own columns while it is being declared). */
const email: ColumnRef = { kind: 'columnRef', table: 'users', column: 'email' };

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: varchar(320).notNull(),
  handle: varchar(320).notNull().backfill(sql`lower(${email})`),
});

export default defineModel({ schema: { users } });
