import {
  array, bigint, boolean, check, date, defineModel, desc, entity, foreignKey, index, inet, integer, jsonb, numeric, pgEnum,
  primaryKey, sql, text, timestamptz, unique, uuid, varchar, type ColumnRef,
} from '../../../../generator/dsl/index.ts';

/** How urgent a ticket is. */
export const priority = pgEnum('priority', ['low', 'normal', 'high']);

/** A project that owns tickets. */
export const projects = entity('projects', {
  id: uuid().primaryKey().defaultRandom(),
  /** Short code, e.g. "OPS". */
  code: varchar(10).notNull().unique().check((c) => sql`${c} ~ '^[A-Z]+$'`),
  budget: numeric(12, 2).min(0),
  started_on: date(),
  created_at: timestamptz().notNull().defaultNow(),
  updated_at: timestamptz().notNull().defaultNow().onUpdateNow(),
});

/**
 * A unit of work.
 * @example not part of the comment
 */
export const tickets = entity('tickets', {
  id: uuid().primaryKey().defaultRandom(),
  project_id: uuid().notNull().references(() => projects.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  // a self-reference needs the return type spelled out, or TypeScript cannot infer `tickets`
  parent_id: uuid().references((): ColumnRef => tickets.id, { onDelete: 'setNull' }),
  title: text().notNull(),
  priority: priority().notNull().default('normal'),
  estimate: integer().min(0).max(100),
  views: bigint().notNull().default(0),
  done: boolean().notNull().default(false),
  labels: array(text()).notNull().default([]),
  meta: jsonb().notNull().default({ source: "it's" }),
  client_ip: inet(),
}, {
  constraints: (t) => [
    index(t.project_id, desc(t.views)),
    index(t.parent_id),
    index(t.meta).using('gin'),
    index(t.project_id).where(sql`${t.done} = false`).named('tickets_open_idx'),
    unique(t.project_id, t.title),
  ],
});

/** Which tickets block which (composite key, composite FK). */
export const ticket_links = entity('ticket_links', {
  from_id: uuid().notNull().references(() => tickets.id, { onDelete: 'cascade' }),
  to_id: uuid().notNull().references(() => tickets.id, { onDelete: 'restrict' }),
  project_id: uuid().notNull(),
  project_code: varchar(10).notNull(),
}, {
  constraints: (t) => [
    primaryKey(t.from_id, t.to_id),
    check('ticket_links_not_self', sql`${t.from_id} <> ${t.to_id}`),
    foreignKey({ columns: [t.project_code], references: () => [projects.code], onDelete: 'noAction' }),
    index(t.to_id),
    index(t.project_code),
  ],
});

export default defineModel({ schema: { priority, projects, tickets, ticket_links } });
