import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const organizations = entity('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root', audited: true });

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  updated_at: timestamptz().notNull().defaultNow().onUpdateNow(),
}, { tenancy: 'scoped', audited: true,constraints: (t) => [index(t.organization_id)] });

export const countries = entity('countries', {
  code: varchar(2).primaryKey(),
  name: text().notNull(),
}, { tenancy: 'global', privileges: ['select'] });


export const action = pgEnum('log_action', ['insert', 'update', 'delete']);

export const audit_logs = entity('audit_logs', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull(),
  user_id: uuid(),
  action: action().notNull(),
  table_name: text().notNull(),
  row_id: uuid().notNull(),
  old_values: jsonb(),
  new_values: jsonb(),
}, { tenancy: 'scoped', appendOnly: true, constraints: (t) => [index(t.organization_id)] });

export default defineModel({ schema: { organizations, projects, countries, action, audit_logs }, tenancy: { root: organizations, key: 'organization_id' }, audit: { table: audit_logs } });
