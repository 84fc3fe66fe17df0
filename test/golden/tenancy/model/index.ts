import { defineModel, entity, index, jsonb, pgEnum, text, timestamptz, uuid, varchar } from '../../../../generator/dsl/index.ts';

export const action = pgEnum('log_action', ['insert', 'update', 'delete']);

/** The tenant. */
export const tenants = entity('tenants', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root', audited: true });

/** Shared reference data: every tenant reads it, none writes it. */
export const countries = entity('countries', {
  code: varchar(2).primaryKey(),
  name: text().notNull(),
}, { tenancy: 'global', privileges: ['select'] });

export const members = entity('members', {
  id: uuid().primaryKey().defaultRandom(),
  tenant_id: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  email: text().notNull(),
  secret: text().sensitive(),
  country: varchar(2).references(() => countries.code),
  created_at: timestamptz().notNull().defaultNow().immutable(),
}, { tenancy: 'scoped', audited: true, constraints: (t) => [index(t.tenant_id), index(t.country)] });

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  tenant_id: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  owner_id: uuid().references(() => members.id, { onDelete: 'setNull' }),
  title: text().notNull(),
}, { tenancy: 'scoped', constraints: (t) => [index(t.tenant_id), index(t.owner_id)] });

export const logs = entity('logs', {
  id: uuid().primaryKey().defaultRandom(),
  tenant_id: uuid().notNull(),
  user_id: uuid(),
  action: action().notNull(),
  table_name: text().notNull(),
  row_id: uuid().notNull(),
  old_values: jsonb(),
  new_values: jsonb(),
}, { tenancy: 'scoped', appendOnly: true, constraints: (t) => [index(t.tenant_id)] });

export default defineModel({
  schema: { action, tenants, countries, members, projects, logs },
  tenancy: { root: tenants, key: 'tenant_id', tenantSetting: 'acme.tenant', userSetting: 'acme.user', appRole: 'acme_app' },
  audit: { table: logs },
});
