// EPIC-01's nine tables as a drizzle schema, for the generator bench's peer (drizzle-kit): the same
// columns, types, defaults, primary keys, unique keys (the tenant-safe ones gen derives included),
// foreign keys (composite, through the tenant key), checks, indexes and enums as model/schema.ts
// gives in generated/migrations. What drizzle has no words for is left out: row-level security,
// policies, grants, roles, triggers, comments and ON DELETE SET NULL (column) (here SET NULL).
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, foreignKey, index, inet, integer, jsonb, numeric, pgEnum, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

export const workflowStatus = pgEnum('workflow_status', ['draft', 'active', 'archived']);
export const assessmentStatus = pgEnum('assessment_status', ['draft', 'processing', 'completed', 'failed', 'cancelled']);
export const resultOutcome = pgEnum('result_outcome', ['pass', 'fail', 'partial', 'not_applicable', 'inconclusive']);
export const auditAction = pgEnum('audit_action', ['insert', 'update', 'delete']);

const id = () => uuid('id').primaryKey().defaultRandom();
const timestamps = () => ({
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updated_at: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
const currentUser = sql`nullif(current_setting('app.user_id', true), '')::uuid`;

export const organizations = pgTable('organizations', {
  id: id(),
  name: varchar('name', { length: 255 }).notNull(),
  slug: varchar('slug', { length: 63 }).notNull(),
  settings: jsonb('settings').notNull().default({}),
  ...timestamps(),
}, (t) => [
  unique('organizations_slug_key').on(t.slug),
  check('organizations_name_check', sql`${t.name} ~ '\\S'`),
  check('organizations_slug_check', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
]);

export const users = pgTable('users', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  email: varchar('email', { length: 320 }).notNull(),
  full_name: varchar('full_name', { length: 255 }).notNull(),
  role: varchar('role', { length: 20 }).notNull().default('assessor'),
  password_hash: text('password_hash'),
  is_active: boolean('is_active').notNull().default(true),
  last_login_at: timestamp('last_login_at', { withTimezone: true }),
  ...timestamps(),
}, (t) => [
  unique('users_organization_id_email_key').on(t.organization_id, t.email),
  unique('users_organization_id_id_key').on(t.organization_id, t.id),
  check('users_email_check', sql`${t.email} = lower(${t.email}) AND ${t.email} LIKE '%_@_%'`),
  check('users_role_check', sql`${t.role} IN ('admin', 'assessor', 'viewer')`),
]);

export const workflows = pgTable('workflows', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 255 }).notNull(),
  description: text('description'),
  status: workflowStatus('status').notNull().default('draft'),
  created_by: uuid('created_by').default(currentUser),
  settings: jsonb('settings').notNull().default({}),
  ...timestamps(),
}, (t) => [
  unique('workflows_organization_id_id_key').on(t.organization_id, t.id),
  unique('workflows_organization_id_name_key').on(t.organization_id, t.name),
  check('workflows_name_check', sql`${t.name} ~ '\\S'`),
  foreignKey({ name: 'workflows_created_by_fkey', columns: [t.organization_id, t.created_by], foreignColumns: [users.organization_id, users.id] }).onDelete('set null'),
  index('workflows_created_by_idx').on(t.created_by),
  index('workflows_organization_id_created_at_idx').on(t.organization_id, t.created_at.desc()),
]);

export const buckets = pgTable('buckets', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  workflow_id: uuid('workflow_id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
  description: text('description'),
  position: integer('position').notNull(),
  ...timestamps(),
}, (t) => [
  unique('buckets_organization_id_id_key').on(t.organization_id, t.id),
  unique('buckets_organization_id_workflow_id_position_key').on(t.organization_id, t.workflow_id, t.position),
  check('buckets_name_check', sql`${t.name} ~ '\\S'`),
  check('buckets_position_check', sql`${t.position} >= 0`),
  foreignKey({ name: 'buckets_workflow_id_fkey', columns: [t.organization_id, t.workflow_id], foreignColumns: [workflows.organization_id, workflows.id] }).onDelete('cascade'),
  index('buckets_organization_id_idx').on(t.organization_id),
]);

export const criteria = pgTable('criteria', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  bucket_id: uuid('bucket_id').notNull(),
  title: varchar('title', { length: 500 }).notNull(),
  description: text('description'),
  guidance: text('guidance'),
  position: integer('position').notNull(),
  is_mandatory: boolean('is_mandatory').notNull().default(true),
  weight: numeric('weight', { precision: 5, scale: 2 }).notNull().default('1'),
  ...timestamps(),
}, (t) => [
  unique('criteria_organization_id_id_key').on(t.organization_id, t.id),
  unique('criteria_organization_id_bucket_id_position_key').on(t.organization_id, t.bucket_id, t.position),
  check('criteria_position_check', sql`${t.position} >= 0`),
  check('criteria_title_check', sql`${t.title} ~ '\\S'`),
  check('criteria_weight_check', sql`${t.weight} >= 0`),
  foreignKey({ name: 'criteria_bucket_id_fkey', columns: [t.organization_id, t.bucket_id], foreignColumns: [buckets.organization_id, buckets.id] }).onDelete('cascade'),
  index('criteria_organization_id_idx').on(t.organization_id),
]);

export const assessments = pgTable('assessments', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  workflow_id: uuid('workflow_id').notNull(),
  title: varchar('title', { length: 255 }).notNull(),
  status: assessmentStatus('status').notNull().default('draft'),
  created_by: uuid('created_by').default(currentUser),
  started_at: timestamp('started_at', { withTimezone: true }),
  completed_at: timestamp('completed_at', { withTimezone: true }),
  overall_score: numeric('overall_score', { precision: 5, scale: 4 }),
  summary: jsonb('summary'),
  ...timestamps(),
}, (t) => [
  unique('assessments_organization_id_id_key').on(t.organization_id, t.id),
  check('assessments_completed_after_started', sql`${t.completed_at} IS NULL OR ${t.started_at} IS NULL OR ${t.completed_at} >= ${t.started_at}`),
  check('assessments_completed_has_time', sql`${t.status} <> 'completed' OR ${t.completed_at} IS NOT NULL`),
  check('assessments_overall_score_check', sql`(${t.overall_score} >= 0) AND (${t.overall_score} <= 1)`),
  check('assessments_title_check', sql`${t.title} ~ '\\S'`),
  foreignKey({ name: 'assessments_created_by_fkey', columns: [t.organization_id, t.created_by], foreignColumns: [users.organization_id, users.id] }).onDelete('set null'),
  foreignKey({ name: 'assessments_workflow_id_fkey', columns: [t.organization_id, t.workflow_id], foreignColumns: [workflows.organization_id, workflows.id] }).onDelete('restrict'),
  index('assessments_created_by_idx').on(t.created_by),
  index('assessments_organization_id_created_at_idx').on(t.organization_id, t.created_at.desc()),
  index('assessments_organization_id_status_idx').on(t.organization_id, t.status),
  index('assessments_workflow_id_idx').on(t.workflow_id),
]);

export const assessment_documents = pgTable('assessment_documents', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  assessment_id: uuid('assessment_id').notNull(),
  file_name: varchar('file_name', { length: 255 }).notNull(),
  mime_type: varchar('mime_type', { length: 255 }).notNull(),
  size_bytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  storage_key: varchar('storage_key', { length: 1024 }).notNull(),
  sha256: varchar('sha256', { length: 64 }),
  page_count: integer('page_count'),
  uploaded_by: uuid('uploaded_by').default(currentUser),
  extraction: jsonb('extraction'),
  ...timestamps(),
}, (t) => [
  unique('assessment_documents_organization_id_storage_key_key').on(t.organization_id, t.storage_key),
  check('assessment_documents_file_name_check', sql`${t.file_name} ~ '\\S'`),
  check('assessment_documents_page_count_check', sql`${t.page_count} >= 0`),
  check('assessment_documents_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  check('assessment_documents_size_bytes_check', sql`${t.size_bytes} >= 0`),
  foreignKey({ name: 'assessment_documents_assessment_id_fkey', columns: [t.organization_id, t.assessment_id], foreignColumns: [assessments.organization_id, assessments.id] }).onDelete('cascade'),
  foreignKey({ name: 'assessment_documents_uploaded_by_fkey', columns: [t.organization_id, t.uploaded_by], foreignColumns: [users.organization_id, users.id] }).onDelete('set null'),
  index('assessment_documents_assessment_id_idx').on(t.assessment_id),
  index('assessment_documents_uploaded_by_idx').on(t.uploaded_by),
]);

export const assessment_results = pgTable('assessment_results', {
  id: id(),
  organization_id: uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  assessment_id: uuid('assessment_id').notNull(),
  criterion_id: uuid('criterion_id').notNull(),
  outcome: resultOutcome('outcome').notNull(),
  confidence: numeric('confidence', { precision: 4, scale: 3 }),
  reasoning: text('reasoning'),
  evidence: jsonb('evidence').notNull().default([]),
  ai_response: jsonb('ai_response'),
  ai_model: varchar('ai_model', { length: 100 }),
  reviewed_by: uuid('reviewed_by'),
  reviewed_at: timestamp('reviewed_at', { withTimezone: true }),
  ...timestamps(),
}, (t) => [
  unique('assessment_results_organization_id_assessment_id_c_f3300edc_key').on(t.organization_id, t.assessment_id, t.criterion_id),
  check('assessment_results_confidence_check', sql`(${t.confidence} >= 0) AND (${t.confidence} <= 1)`),
  foreignKey({ name: 'assessment_results_assessment_id_fkey', columns: [t.organization_id, t.assessment_id], foreignColumns: [assessments.organization_id, assessments.id] }).onDelete('cascade'),
  foreignKey({ name: 'assessment_results_criterion_id_fkey', columns: [t.organization_id, t.criterion_id], foreignColumns: [criteria.organization_id, criteria.id] }).onDelete('restrict'),
  foreignKey({ name: 'assessment_results_reviewed_by_fkey', columns: [t.organization_id, t.reviewed_by], foreignColumns: [users.organization_id, users.id] }).onDelete('set null'),
  index('assessment_results_criterion_id_idx').on(t.criterion_id),
  index('assessment_results_evidence_idx').using('gin', t.evidence),
  index('assessment_results_organization_id_outcome_idx').on(t.organization_id, t.outcome),
  index('assessment_results_reviewed_by_idx').on(t.reviewed_by),
]);

export const audit_logs = pgTable('audit_logs', {
  id: id(),
  organization_id: uuid('organization_id').notNull(),
  user_id: uuid('user_id'),
  action: auditAction('action').notNull(),
  table_name: varchar('table_name', { length: 63 }).notNull(),
  row_id: uuid('row_id').notNull(),
  old_values: jsonb('old_values'),
  new_values: jsonb('new_values'),
  ip_address: inet('ip_address'),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  seq: bigint('seq', { mode: 'number' }),
  prev_hash: varchar('prev_hash', { length: 64 }),
  hash: varchar('hash', { length: 64 }),
}, (t) => [
  unique('audit_logs_organization_id_seq_key').on(t.organization_id, t.seq),
  index('audit_logs_organization_id_created_at_idx').on(t.organization_id, t.created_at.desc()),
  index('audit_logs_organization_id_table_name_row_id_idx').on(t.organization_id, t.table_name, t.row_id),
]);
