import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  code: varchar(10).notNull(),
});

export const tasks = entity('tasks', {
  id: uuid().primaryKey().defaultRandom(),
  project_id: uuid(),
  title: text().notNull(),
  position: integer().notNull().default(0),
}, { constraints: (t) => [index(t.project_id).concurrently(), index(t.title).asUnique().concurrently(), unique(t.project_id, t.position)] });

export default defineModel({ schema: { projects, tasks } });
