import { boolean, defineModel, entity, index, jsonb, me, primaryKey, sql, text, timestamptz, uuid, varchar } from '../../../../generator/dsl/index.ts';

// Every kind of permission mistake at once: gen lists them all, one line each.
export const orgs = entity('orgs', {
  id: uuid().primaryKey().defaultRandom(),
  name: varchar(100).notNull(),
  slug: varchar(50).notNull().unique(),
}, {
  tenancy: 'root',
  // inserting organizations is the owner's job; the slug is unique across tenants
  permissions: (t) => ({ owner: { select: true, insert: true, update: { columns: [t.name, t.slug] } } }),
});

export const people = entity('people', {
  id: uuid().primaryKey().defaultRandom(),
  org_id: uuid().notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  email: text().notNull(),
  kind: varchar(20).notNull().oneOf(['owner', 'member']),
  active: text(),
  secret: text().sensitive(),
}, {
  tenancy: 'scoped',
  permissions: (t) => ({
    // a write without select; an unknown role; an unknown operation
    member: ['update'],
    guest: 'read',
    owner: { select: true, insert: { where: sql`${t.email} <> ''` }, delete: { columns: [t.email] }, upsert: true } as never,
  }),
});

export const notes = entity('notes', {
  id: uuid().primaryKey(),
  org_id: uuid().notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  body: text(),
  created_at: timestamptz().notNull().defaultNow().immutable(),
}, {
  tenancy: 'scoped',
  // the client chooses the key; a column never written on update
  permissions: (t) => ({ owner: { select: true, insert: true, update: { columns: [t.created_at], check: sql`${t.body} <> ${me.id}` } } }),
});

export const tags = entity('tags', {
  org_id: uuid().notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  note_id: uuid().notNull(),
  name: varchar(40).notNull(),
}, {
  tenancy: 'scoped',
  // a composite key without the tenant key, every column of it chosen on insert
  permissions: { owner: ['select', 'insert'] },
  constraints: (t) => [primaryKey(t.note_id, t.name), index(t.org_id)],
});

export const drafts = entity('drafts', {
  id: uuid().primaryKey().defaultRandom(),
  org_id: uuid().notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  data: jsonb(),
  done: boolean().notNull().default(false),
}, { tenancy: 'scoped' });

export const log = entity('log', {
  id: uuid().primaryKey().defaultRandom(),
  org_id: uuid().notNull(),
  user_id: uuid(),
  action: text().notNull(),
  table_name: text().notNull(),
  row_id: uuid().notNull(),
  old_values: jsonb(),
  new_values: jsonb(),
}, { tenancy: 'scoped', appendOnly: true, permissions: { owner: ['select', 'insert'] } });

export default defineModel({
  schema: { orgs, people, notes, tags, drafts, log },
  tenancy: { root: orgs, key: 'org_id' },
  users: { entity: people, role: 'kind', active: 'active', keepOne: 'admin' },
  audit: { table: log },
});
