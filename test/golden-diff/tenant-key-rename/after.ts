import { boolean, defineModel, entity, index, text, uuid } from '../../../generator/dsl/index.ts';

// the tenant key renamed to account_id: the setting follows it (app.account_id), so policies and functions change with it
export const organizations = entity('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root', permissions: { admin: 'read', member: 'read' } });

export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  account_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }).renamedFrom('organization_id'),
  email: text().notNull(),
  role: text().notNull().oneOf(['admin', 'member']),
  is_active: boolean().notNull().default(true),
}, { tenancy: 'scoped', permissions: { admin: 'all', member: 'read' }, constraints: (t) => [index(t.account_id)] });

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  account_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }).renamedFrom('organization_id'),
  title: text().notNull(),
}, { tenancy: 'scoped', permissions: { admin: 'all', member: 'read' }, constraints: (t) => [index(t.account_id)] });

export default defineModel({
  schema: { organizations, users, projects },
  tenancy: { root: organizations, key: 'account_id' },
  users: { entity: users, role: 'role', active: 'is_active' },
});
