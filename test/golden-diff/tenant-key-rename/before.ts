import { boolean, defineModel, entity, index, text, uuid } from '../../../generator/dsl/index.ts';

// the tenant key organization_id: policies and schemagen's functions read the tenant from app.organization_id
export const organizations = entity('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root', permissions: { admin: 'read', member: 'read' } });

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  email: text().notNull(),
  role: text().notNull().oneOf(['admin', 'member']),
  is_active: boolean().notNull().default(true),
}, { tenancy: 'scoped', permissions: { admin: 'all', member: 'read' }, constraints: (t) => [index(t.organization_id)] });

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  title: text().notNull(),
}, { tenancy: 'scoped', permissions: { admin: 'all', member: 'read' }, constraints: (t) => [index(t.organization_id)] });

export default defineModel({
  schema: { organizations, users, projects },
  tenancy: { root: organizations, key: 'organization_id' },
  users: { entity: users, role: 'role', active: 'is_active' },
});
