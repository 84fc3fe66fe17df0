/**
 * Fixtures for testing the EPIC-01 schema against a real database: a valid row for every table,
 * the violating (and boundary-accepted) values for every CHECK constraint, and small helpers for
 * rolled-back transactions, expected errors and EXPLAIN plans. Engine-neutral: PGlite and `pg` alike.
 */
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import type { Ir, ReferentialAction, Table } from '../../generator/ir/types.ts';
import { quoteIdent } from '../../generator/sql/quote.ts';

export type Row = Record<string, unknown>;

/** Table name → id of the one row of that table in a graph built by `buildGraph`. */
export type Graph = Record<string, string>;

export interface BuildContext {
  readonly tx: Queryable;
  readonly g: Graph;
  /** Unique per call: use it in every value a UNIQUE constraint covers. */
  readonly n: number;
}

type Builder = (c: BuildContext) => Row | Promise<Row>;

const SHA = 'ab'.repeat(32);

/**
 * A valid row for every table, referring to the parents in `g`. Every value a UNIQUE constraint
 * covers is made from `n`, so two rows built for the same graph never collide.
 */
export const VALID_ROW: Record<string, Builder> = {
  organizations: ({ n }) => ({ name: `Organization ${n}`, slug: `org-${n}` }),
  users: ({ g, n }) => ({
    organization_id: g.organizations,
    email: `user${n}@example.com`,
    full_name: `User ${n}`,
    role: 'assessor',
  }),
  workflows: ({ g, n }) => ({
    organization_id: g.organizations,
    name: `Workflow ${n}`,
    status: 'active',
    created_by: g.users,
  }),
  buckets: ({ g, n }) => ({ organization_id: g.organizations, workflow_id: g.workflows, name: `Bucket ${n}`, position: n }),
  criteria: ({ g, n }) => ({
    organization_id: g.organizations,
    bucket_id: g.buckets,
    title: `Criterion ${n}`,
    position: n,
    weight: '1.50',
  }),
  assessments: ({ g, n }) => ({
    organization_id: g.organizations,
    workflow_id: g.workflows,
    title: `Assessment ${n}`,
    status: 'completed',
    created_by: g.users,
    started_at: '2026-01-01T10:00:00Z',
    completed_at: '2026-01-01T11:00:00Z',
    overall_score: '0.7500',
  }),
  assessment_documents: ({ g, n }) => ({
    organization_id: g.organizations,
    assessment_id: g.assessments,
    file_name: `doc-${n}.pdf`,
    mime_type: 'application/pdf',
    size_bytes: '1048576',
    storage_key: `org/${g.organizations}/doc-${n}`,
    sha256: SHA,
    page_count: 12,
    uploaded_by: g.users,
  }),
  // (assessment_id, criterion_id) is unique, so every result gets a criterion of its own.
  assessment_results: async ({ tx, g }) => ({
    organization_id: g.organizations,
    assessment_id: g.assessments,
    criterion_id: (await build(tx, g, 'criteria')).id,
    outcome: 'pass',
    confidence: '0.875',
    reviewed_by: g.users,
    reviewed_at: '2026-01-02T09:00:00Z',
  }),
  audit_logs: ({ g }) => ({
    organization_id: g.organizations,
    user_id: g.users,
    action: 'update',
    table_name: 'workflows',
    row_id: g.workflows,
    old_values: JSON.stringify({ name: 'before' }),
    new_values: JSON.stringify({ name: 'after' }),
    ip_address: '192.0.2.10',
  }),
};

export interface CheckCase {
  /** Values that each violate this constraint, and only this one. */
  readonly violating: readonly Row[];
  /** Boundary values the constraint must let through. */
  readonly accepted?: readonly Row[];
}

/** One entry per CHECK constraint of the model; the test fails if a check has none, or an entry names no check. */
export const CHECK_CASES: Record<string, CheckCase> = {
  organizations_name_check: { violating: [{ name: '' }, { name: '   ' }, { name: '\t\n' }], accepted: [{ name: 'A' }, { name: ' TÜV ' }] },
  organizations_slug_check: {
    violating: [{ slug: 'Upper' }, { slug: 'has space' }, { slug: '-leading' }, { slug: 'trailing-' }, { slug: 'double--dash' }, { slug: '' }],
    accepted: [{ slug: 'a' }, { slug: 'iso-9001-team-2' }],
  },
  users_email_check: {
    violating: [{ email: 'Mixed@Example.com' }, { email: 'no-at-sign.example.com' }, { email: '@example.com' }, { email: 'name@' }],
    accepted: [{ email: 'a@b' }],
  },
  users_role_check: { violating: [{ role: 'owner' }, { role: 'Admin' }], accepted: [{ role: 'admin' }, { role: 'viewer' }] },
  workflows_name_check: { violating: [{ name: ' ' }, { name: '\n' }] },
  buckets_name_check: { violating: [{ name: '' }, { name: '\t' }] },
  buckets_position_check: { violating: [{ position: -1 }], accepted: [{ position: 0 }] },
  // btrim() trims spaces only: a title of tabs or newlines passes (reported, not asserted).
  criteria_title_check: { violating: [{ title: '    ' }, { title: '\r\n' }] },
  criteria_position_check: { violating: [{ position: -1 }], accepted: [{ position: 0 }] },
  criteria_weight_check: { violating: [{ weight: '-0.01' }], accepted: [{ weight: '0' }, { weight: '999.99' }] },
  assessments_title_check: { violating: [{ title: '' }, { title: ' \t ' }] },
  assessments_overall_score_check: {
    violating: [{ overall_score: '-0.0001' }, { overall_score: '1.0001' }],
    accepted: [{ overall_score: '0' }, { overall_score: '1' }, { overall_score: null }],
  },
  assessments_completed_after_started: {
    violating: [{ started_at: '2026-01-02T00:00:00Z', completed_at: '2026-01-01T23:59:59Z' }],
    accepted: [
      { started_at: '2026-01-02T00:00:00Z', completed_at: '2026-01-02T00:00:00Z' },
      { started_at: null, completed_at: '2026-01-02T00:00:00Z' },
    ],
  },
  assessments_completed_has_time: {
    violating: [{ status: 'completed', started_at: null, completed_at: null }],
    accepted: [{ status: 'processing', completed_at: null }],
  },
  assessment_documents_file_name_check: { violating: [{ file_name: '  ' }, { file_name: '\n' }] },
  assessment_documents_size_bytes_check: { violating: [{ size_bytes: '-1' }], accepted: [{ size_bytes: '0' }] },
  assessment_documents_sha256_check: {
    violating: [{ sha256: 'AB'.repeat(32) }, { sha256: 'ab'.repeat(31) }, { sha256: ` ${'ab'.repeat(31)}a` }, { sha256: 'xy'.repeat(32) }],
    accepted: [{ sha256: null }, { sha256: '0123456789abcdef'.repeat(4) }],
  },
  assessment_documents_page_count_check: { violating: [{ page_count: -1 }], accepted: [{ page_count: 0 }, { page_count: null }] },
  assessment_results_confidence_check: {
    violating: [{ confidence: '-0.001' }, { confidence: '1.001' }],
    accepted: [{ confidence: '0' }, { confidence: '1' }],
  },
};

/**
 * ON DELETE of every foreign key, as EPIC-01 specifies it: `child.column -> parent`, where `column`
 * is the reference column (tenant-safe keys also carry organization_id). audit_logs has no foreign
 * keys since the tenancy change: history outlives the users and organizations it describes.
 */
export const EPIC_ON_DELETE: Record<string, ReferentialAction> = {
  'users.organization_id -> organizations': 'cascade',
  'workflows.organization_id -> organizations': 'cascade',
  'buckets.organization_id -> organizations': 'cascade',
  'criteria.organization_id -> organizations': 'cascade',
  'assessments.organization_id -> organizations': 'cascade',
  'assessment_documents.organization_id -> organizations': 'cascade',
  'assessment_results.organization_id -> organizations': 'cascade',
  'buckets.workflow_id -> workflows': 'cascade',
  'criteria.bucket_id -> buckets': 'cascade',
  'assessment_documents.assessment_id -> assessments': 'cascade',
  'assessment_results.assessment_id -> assessments': 'cascade',
  'workflows.created_by -> users': 'setNull',
  'assessments.created_by -> users': 'setNull',
  'assessment_documents.uploaded_by -> users': 'setNull',
  'assessment_results.reviewed_by -> users': 'setNull',
  'assessments.workflow_id -> workflows': 'restrict',
  'assessment_results.criterion_id -> criteria': 'restrict',
};

let counter = 0;

export async function insertRow(tx: Queryable, table: string, row: Row): Promise<Row> {
  const cols = Object.keys(row);
  const sql =
    `insert into ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')}) ` +
    `values (${cols.map((_, i) => `$${i + 1}`).join(', ')}) returning *`;
  const { rows } = await tx.query<Row>(sql, cols.map((c) => row[c]));
  return rows[0]!;
}

/** A valid row of `table` (with `overrides` applied), not inserted. */
export async function validRow(tx: Queryable, g: Graph, table: string, overrides: Row = {}): Promise<Row> {
  const builder = VALID_ROW[table];
  if (!builder) throw new Error(`no VALID_ROW builder for table ${table}: add one to test/support/schema-fixtures.ts`);
  return { ...(await builder({ tx, g, n: ++counter })), ...overrides };
}

/** Inserts a valid row of `table` (with `overrides`) and returns it as stored. */
export async function build(tx: Queryable, g: Graph, table: string, overrides: Row = {}): Promise<Row> {
  return insertRow(tx, table, await validRow(tx, g, table, overrides));
}

/** Tables in an order where every table comes after the tables its foreign keys point to. */
export function dependencyOrder(ir: Ir): string[] {
  const order: string[] = [];
  const visit = (t: Table, path: string[]): void => {
    if (order.includes(t.name)) return;
    if (path.includes(t.name)) throw new Error(`foreign key cycle: ${[...path, t.name].join(' -> ')}`);
    for (const fk of t.foreignKeys) {
      const parent = ir.tables.find((p) => p.name === fk.refTable);
      if (parent && parent.name !== t.name) visit(parent, [...path, t.name]);
    }
    order.push(t.name);
  };
  for (const t of ir.tables) visit(t, []);
  return order;
}

/** One row in every table of the model, all in one new organization. */
export async function buildGraph(tx: Queryable, ir: Ir): Promise<Graph> {
  const g: Graph = {};
  for (const table of dependencyOrder(ir)) g[table] = (await build(tx, g, table)).id as string;
  return g;
}

/** A database error as both engines report it. */
export interface DbError extends Error {
  readonly code?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
}

/** Runs one statement that must fail, inside a savepoint so the transaction goes on; returns the error. */
export async function failure(tx: Queryable, sql: string, params?: readonly unknown[]): Promise<DbError> {
  await tx.exec('savepoint expect_failure');
  try {
    await tx.query(sql, params);
  } catch (err) {
    await tx.exec('rollback to savepoint expect_failure');
    return err as DbError;
  }
  await tx.exec('rollback to savepoint expect_failure');
  throw new Error(`expected this statement to fail, but it succeeded: ${sql} ${JSON.stringify(params ?? [])}`);
}

/** `failure` for an insert of `row` into `table`. */
export function insertFailure(tx: Queryable, table: string, row: Row): Promise<DbError> {
  const cols = Object.keys(row);
  const sql = `insert into ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
  return failure(tx, sql, cols.map((c) => row[c]));
}

/** The essentials of an error, for one readable `toEqual`. */
export const sqlError = (e: DbError) => ({ code: e.code, constraint: e.constraint, table: e.table, column: e.column });

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back; returns what `fn` returned. */
export async function rolledBack<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let value: T | undefined;
  try {
    await db.transaction(async (tx) => {
      value = await fn(tx);
      throw new Rollback('rollback');
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return value as T;
}

export async function count(tx: Queryable, sql: string, params?: readonly unknown[]): Promise<number> {
  const { rows } = await tx.query<{ n: string | number }>(`select count(*) as n from (${sql}) as q`, params);
  return Number(rows[0]?.n);
}

/** SQLSTATE for deleting a row that an ON DELETE RESTRICT key protects: 23001 from PostgreSQL 18 on, 23503 before. */
export async function restrictViolationCode(db: Queryable): Promise<{ major: number; code: '23001' | '23503' }> {
  const { rows } = await db.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  const major = Math.floor(Number(rows[0]?.v) / 10000);
  return { major, code: major >= 18 ? '23001' : '23503' };
}

export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
  readonly [key: string]: unknown;
}

/** The plan of `sql` (EXPLAIN (FORMAT JSON), which both engines print alike). */
export async function explain(tx: Queryable, sql: string): Promise<PlanNode> {
  const { rows } = await tx.query<Record<string, unknown>>(`explain (format json) ${sql}`);
  const raw = Object.values(rows[0] ?? {})[0];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return doc[0]!.Plan;
}

export const planNodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(planNodes)];

export const INDEX_SCANS = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'];

/** `Node Type on index` for every index scan of the plan, e.g. `Index Scan on workflows_pkey`. */
export const indexScans = (p: PlanNode): string[] =>
  planNodes(p)
    .filter((n) => INDEX_SCANS.includes(n['Node Type']))
    .map((n) => `${n['Node Type']} on ${n['Index Name']}`);
