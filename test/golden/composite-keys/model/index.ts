import {
  boolean, date, defineModel, entity, foreignKey, index, integer, pgEnum, primaryKey, text, timestamptz, unique, uuid, varchar,
} from '../../../../generator/dsl/index.ts';

/**
 * Tables whose primary key has several columns, served by the API: a join table keyed by two references,
 * a child numbered within its parent, a child keyed by text, and a table referencing a composite key.
 * Tenant-scoped with roles; test/api/composite-keys.test.ts serves it.
 */

/** What a member does on a project. */
export const memberRole = pgEnum('member_role', ['lead', 'contributor']);

/** The tenant. */
export const organizations = entity('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root', permissions: { admin: 'read', member: 'read', viewer: 'read' }, api: { operations: ['get'] } });

/** Who signs in. */
export const users = entity('users', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  email: varchar(200).notNull(),
  role: varchar(20).notNull().default('member').oneOf(['admin', 'member', 'viewer']),
  is_active: boolean().notNull().default(true),
}, {
  tenancy: 'scoped',
  permissions: { admin: 'all', member: 'read', viewer: 'read' },
  constraints: (t) => [unique(t.organization_id, t.email)],
});

export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: varchar(100).notNull(),
}, {
  tenancy: 'scoped',
  permissions: { admin: 'all', member: ['select', 'insert', 'update'], viewer: 'read' },
  constraints: (t) => [index(t.organization_id)],
  api: { sortable: ['name'] },
});

/** Who works on which project: a join table keyed by both references. */
export const memberships = entity('memberships', {
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  project_id: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  user_id: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: memberRole().notNull().default('contributor'),
  /** Planned hours a week; unknown when NULL. */
  hours_per_week: integer().min(0).max(80),
  note: text(),
  created_at: timestamptz().notNull().defaultNow().immutable(),
}, {
  tenancy: 'scoped',
  permissions: { admin: 'all', member: 'read', viewer: 'read' },
  constraints: (t) => [primaryKey(t.organization_id, t.project_id, t.user_id), index(t.organization_id, t.user_id)],
  api: { filterable: ['role', 'user_id', 'hours_per_week'], sortable: ['hours_per_week', 'created_at', 'role'] },
});

/** Numbered steps of a project. No role deletes one, so there is no DELETE route. */
export const milestones = entity('milestones', {
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  project_id: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  number: integer().notNull().min(1),
  title: varchar(200).notNull(),
  due_on: date(),
  done: boolean().notNull().default(false),
}, {
  tenancy: 'scoped',
  permissions: { admin: ['select', 'insert', 'update'], member: ['select', 'insert', 'update'], viewer: 'read' },
  constraints: (t) => [primaryKey(t.organization_id, t.project_id, t.number)],
  api: { filterable: ['done', 'due_on'], sortable: ['due_on', 'title'] },
});

/** Work under a milestone, which it references by the milestone's composite key. */
export const tasks = entity('tasks', {
  id: uuid().primaryKey().defaultRandom(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  project_id: uuid().notNull(),
  milestone_number: integer().notNull(),
  title: text().notNull(),
}, {
  tenancy: 'scoped',
  permissions: { admin: 'all', member: 'all', viewer: 'read' },
  constraints: (t) => [
    foreignKey({ columns: [t.organization_id, t.project_id, t.milestone_number], references: () => [milestones.organization_id, milestones.project_id, milestones.number], onDelete: 'cascade' }),
    index(t.organization_id, t.project_id, t.milestone_number),
  ],
});

/** A project's labels, keyed by their text. Only admins see or change them. */
export const labels = entity('labels', {
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  project_id: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  name: varchar(40).notNull(),
  color: varchar(7).notNull().default('#888888'),
}, {
  tenancy: 'scoped',
  permissions: { admin: 'all' },
  constraints: (t) => [primaryKey(t.organization_id, t.project_id, t.name)],
});

export default defineModel({
  schema: { memberRole, organizations, users, projects, memberships, milestones, tasks, labels },
  tenancy: { root: organizations, key: 'organization_id' },
  users: { entity: users, role: 'role', active: 'is_active' },
});
