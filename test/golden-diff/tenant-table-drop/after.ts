import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const organizations = entity('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root' });

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  updated_at: timestamptz().notNull().defaultNow().onUpdateNow(),
}, { tenancy: 'scoped',constraints: (t) => [index(t.organization_id)] });

export const countries = entity('countries', {
  code: varchar(2).primaryKey(),
  name: text().notNull(),
}, { tenancy: 'global', privileges: ['select'] });

export default defineModel({ schema: { organizations, countries }, tenancy: { root: organizations, key: 'organization_id' } });
