import {
  bigint, boolean, check, desc, entity, index, inet, integer, jsonb, me, numeric, sql, text, timestamptz, unique, uuid, varchar,
  type PermissionsSpec,
} from '../generator/dsl/index.ts';
import { id, notBlank, timestamps } from './columns.ts';
import { assessmentStatus, auditAction, resultOutcome, workflowStatus } from './enums.ts';

export * from './enums.ts';

/**
 * What the roles mean (EPIC-01): admins manage the organization, assessors run assessments, viewers read.
 * The database enforces it (grants and row-level security per role); the caller's role is read from its
 * `users` row on every request, never from its token.
 */
const checklist: PermissionsSpec = { admin: 'all', assessor: ['select', 'insert', 'update'], viewer: 'read' };
const readable: PermissionsSpec = { admin: 'read', assessor: 'read', viewer: 'read' };

/** A customer of the platform (a certification body or one of its clients); the tenant root. */
export const organizations = entity('organizations', {
  id: id(),
  /** Display name, e.g. "TÜV SÜD Demo". */
  name: varchar(255).notNull().check(notBlank),
  /** URL-safe unique handle. */
  slug: varchar(63).notNull().unique().check((c) => sql`${c} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
  /** Organization-wide preferences (branding, default workflow, AI settings). */
  settings: jsonb().notNull().default({}),
  ...timestamps(),
}, {
  tenancy: 'root',
  audited: true,
  // the slug is unique across organizations: only `gen tenant` (the owner) changes it
  permissions: (t) => ({ admin: { select: true, update: { columns: [t.name, t.settings] } }, assessor: 'read', viewer: 'read' }),
  api: { operations: ['get', 'update'], sortable: ['name', 'created_at'] },
});

/** A person who signs in to an organization. */
export const users = entity('users', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  /** Login e-mail, stored lower-case; unique within the organization. */
  email: varchar(320).notNull().check((c) => sql`${c} = lower(${c}) AND ${c} LIKE '%_@_%'`),
  full_name: varchar(255).notNull(),
  /** What the user may do: admins manage the organization, assessors run assessments, viewers read. */
  role: varchar(20).notNull().default('assessor').oneOf(['admin', 'assessor', 'viewer']),
  /** Password hash (argon2id); never exposed by the API or written to audit logs. */
  password_hash: text().sensitive(),
  is_active: boolean().notNull().default(true),
  last_login_at: timestamptz(),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: (t) => ({
    // no one changes their own role (and the last admin cannot go: defineModel({ users: { keepOne } }))
    admin: { select: true, insert: true, update: { check: sql`${t.id} <> ${me.id} OR ${t.role} = ${me.role}` }, delete: true },
    assessor: 'read',
    viewer: 'read',
  }),
  constraints: (t) => [unique(t.organization_id, t.email)],
  api: { filterable: ['role', 'is_active', 'email'], sortable: ['full_name', 'created_at'] },
});

/** A reusable checklist (e.g. ISO 9001 document review) that assessments run against. */
export const workflows = entity('workflows', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: varchar(255).notNull().check(notBlank),
  description: text(),
  status: workflowStatus().notNull().default('draft'),
  /** Who created it (the caller, unless given); kept as NULL when that user is deleted. */
  created_by: uuid().default(sql`${me.id}`).references(() => users.id, { onDelete: 'setNull' }),
  /** Workflow options (AI model, thresholds, document types accepted). */
  settings: jsonb().notNull().default({}),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: checklist,
  constraints: (t) => [
    unique(t.organization_id, t.name),
    index(t.organization_id, desc(t.created_at)),
    index(t.created_by),
  ],
  api: { filterable: ['status', 'created_by'], sortable: ['name', 'created_at', 'updated_at'] },
});

/** A section of a workflow grouping related criteria (e.g. "Document control"). */
export const buckets = entity('buckets', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  workflow_id: uuid().notNull().references(() => workflows.id, { onDelete: 'cascade' }),
  name: varchar(255).notNull().check(notBlank),
  description: text(),
  /** Order within the workflow, from 0. */
  position: integer().notNull().min(0),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: checklist,
  constraints: (t) => [unique(t.workflow_id, t.position), index(t.organization_id)],
  api: { filterable: ['workflow_id'], sortable: ['position', 'name'] },
});

/** One requirement a document is checked against (e.g. "A documented quality policy exists"). */
export const criteria = entity('criteria', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  bucket_id: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  title: varchar(500).notNull().check(notBlank),
  description: text(),
  /** Instructions for the AI and the human reviewer. */
  guidance: text(),
  /** Order within the bucket, from 0. */
  position: integer().notNull().min(0),
  /** Whether a failed result fails the whole assessment. */
  is_mandatory: boolean().notNull().default(true),
  /** Relative weight in the overall score. */
  weight: numeric(5, 2).notNull().default(1).min(0),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: checklist,
  constraints: (t) => [unique(t.bucket_id, t.position), index(t.organization_id)],
  api: { filterable: ['bucket_id', 'is_mandatory'], sortable: ['position', 'title'] },
});

/** One run of a workflow over a set of uploaded documents. */
export const assessments = entity('assessments', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  /** The workflow used; RESTRICT keeps history: a workflow with assessments cannot be deleted, archive it instead. */
  workflow_id: uuid().notNull().references(() => workflows.id, { onDelete: 'restrict' }),
  title: varchar(255).notNull().check(notBlank),
  status: assessmentStatus().notNull().default('draft'),
  /** Who started it (the caller, unless given); assessors change only their own. */
  created_by: uuid().default(sql`${me.id}`).references(() => users.id, { onDelete: 'setNull' }),
  started_at: timestamptz(),
  completed_at: timestamptz(),
  /** Weighted share of criteria passed, 0 to 1, once completed. */
  overall_score: numeric(5, 4).min(0).max(1),
  /** AI-written summary and any structured output of the whole run. */
  summary: jsonb(),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: (t) => ({
    admin: 'all',
    assessor: { select: true, insert: { check: sql`${t.created_by} = ${me.id}` }, update: { where: sql`${t.created_by} = ${me.id}` } },
    viewer: 'read',
  }),
  constraints: (t) => [
    index(t.organization_id, desc(t.created_at)),
    index(t.organization_id, t.status),
    index(t.workflow_id),
    index(t.created_by),
    check('assessments_completed_after_started', sql`${t.completed_at} IS NULL OR ${t.started_at} IS NULL OR ${t.completed_at} >= ${t.started_at}`),
    check('assessments_completed_has_time', sql`${t.status} <> 'completed' OR ${t.completed_at} IS NOT NULL`),
  ],
  api: { filterable: ['status', 'workflow_id', 'created_by'], sortable: ['created_at', 'updated_at', 'title'] },
});

/** A file uploaded for an assessment; the bytes live in object storage under `storage_key`. */
export const assessment_documents = entity('assessment_documents', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  assessment_id: uuid().notNull().references(() => assessments.id, { onDelete: 'cascade' }),
  file_name: varchar(255).notNull().check(notBlank),
  mime_type: varchar(255).notNull(),
  size_bytes: bigint().notNull().min(0),
  /** Object-storage key; unique within the organization so two rows never share a file (and a conflict never reveals another tenant's key). */
  storage_key: varchar(1024).notNull(),
  /** SHA-256 of the content, lower-case hex. */
  sha256: varchar(64).check((c) => sql`${c} ~ '^[0-9a-f]{64}$'`),
  page_count: integer().min(0),
  /** Who uploaded it (the caller, unless given). */
  uploaded_by: uuid().default(sql`${me.id}`).references(() => users.id, { onDelete: 'setNull' }),
  /** Text extraction output (pages, tables, language), as produced by the parser. */
  extraction: jsonb(),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: checklist,
  constraints: (t) => [unique(t.organization_id, t.storage_key), index(t.assessment_id), index(t.uploaded_by)],
  api: { filterable: ['assessment_id', 'mime_type'], sortable: ['created_at', 'file_name'] },
});

/** The verdict on one criterion within one assessment. */
export const assessment_results = entity('assessment_results', {
  id: id(),
  organization_id: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  assessment_id: uuid().notNull().references(() => assessments.id, { onDelete: 'cascade' }),
  /** RESTRICT: a criterion that results refer to cannot be deleted (history preserved). */
  criterion_id: uuid().notNull().references(() => criteria.id, { onDelete: 'restrict' }),
  outcome: resultOutcome().notNull(),
  /** Model confidence, 0 to 1. */
  confidence: numeric(4, 3).min(0).max(1),
  /** Why the outcome was reached, in prose. */
  reasoning: text(),
  /** Evidence found: quotes with document id, page and position. */
  evidence: jsonb().notNull().default([]),
  /** The raw AI response, kept for audit and re-evaluation. */
  ai_response: jsonb(),
  /** Model that produced the result, e.g. "claude-sonnet-4". */
  ai_model: varchar(100),
  /** A person confirmed or overrode the AI outcome. */
  reviewed_by: uuid().references(() => users.id, { onDelete: 'setNull' }),
  reviewed_at: timestamptz(),
  ...timestamps(),
}, {
  tenancy: 'scoped',
  audited: true,
  permissions: checklist,
  constraints: (t) => [
    unique(t.assessment_id, t.criterion_id),
    index(t.criterion_id),
    index(t.organization_id, t.outcome),
    index(t.reviewed_by),
    index(t.evidence).using('gin'),
  ],
  api: { filterable: ['assessment_id', 'criterion_id', 'outcome'], sortable: ['created_at', 'confidence'] },
});

/**
 * Append-only record of every change to audited entities (SOC 2), written by trigger only.
 * It has no foreign keys on purpose: history outlives the rows, users and even the
 * organization it describes, so deleting them never rewrites or loses it. Each
 * organization's rows form a hash chain (`gen audit verify` checks it).
 */
export const audit_logs = entity('audit_logs', {
  id: id(),
  /** The tenant the change belongs to (no foreign key: kept after the organization is deleted). */
  organization_id: uuid().notNull(),
  /** The acting user, from the request's identity (`app.user_id`); NULL for system actions. Kept after the user is deleted. */
  user_id: uuid(),
  action: auditAction().notNull(),
  table_name: varchar(63).notNull(),
  row_id: uuid().notNull(),
  /** The row before the change (updates and deletes), sensitive columns left out. */
  old_values: jsonb(),
  /** The row after the change (inserts and updates), sensitive columns left out. */
  new_values: jsonb(),
  ip_address: inet(),
  created_at: timestamptz().notNull().defaultNow(),
  /** Place in the organization's chain, from 1; NULL for rows written before the chain existed. */
  seq: bigint(),
  /** The previous row's `hash` in the organization's chain (NULL for its first row). */
  prev_hash: varchar(64),
  /** SHA-256 (hex) over this row, `prev_hash` included. */
  hash: varchar(64),
}, {
  tenancy: 'scoped',
  appendOnly: true,
  permissions: readable,
  constraints: (t) => [
    unique(t.organization_id, t.seq),
    index(t.organization_id, desc(t.created_at)),
    index(t.organization_id, t.table_name, t.row_id),
  ],
  api: { operations: ['list', 'get'], filterable: ['table_name', 'row_id', 'action', 'user_id'], sortable: ['created_at'] },
});
