import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const memberships = entity('memberships', {
  id: uuid().notNull().defaultRandom(),
  org: text().notNull(),
  person: text().notNull(),
}, { constraints: (t) => [primaryKey(t.org, t.person)] });

export default defineModel({ schema: { memberships } });
