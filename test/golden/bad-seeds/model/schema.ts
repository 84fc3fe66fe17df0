import { entity, integer, timestamptz, uuid, varchar } from '../../../../generator/dsl/index.ts';

export const teams = entity('teams', {
  id: uuid().primaryKey().defaultRandom(),
  name: varchar(20).notNull(),
  size: integer().notNull().default(1),
});

export const members = entity('members', {
  id: uuid().primaryKey().defaultRandom(),
  team_id: uuid().notNull().references(() => teams.id, { onDelete: 'cascade' }).index(),
  email: varchar(100).notNull(),
  joined_at: timestamptz(),
});
