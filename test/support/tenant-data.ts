import fc from 'fast-check';
import type { Queryable } from '../../generator/runtime/db.ts';
import { quoteIdent as q } from '../../generator/sql/quote.ts';

/** How many rows of each kind one organization gets in a random data set. */
export interface OrgShape {
  readonly users: number;
  readonly workflows: readonly { readonly buckets: readonly number[]; readonly assessments: readonly { readonly documents: number; readonly results: number }[] }[];
}

export const orgShape: fc.Arbitrary<OrgShape> = fc.record({
  users: fc.integer({ min: 1, max: 3 }),
  workflows: fc.array(
    fc.record({
      buckets: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
      assessments: fc.array(fc.record({ documents: fc.integer({ min: 0, max: 2 }), results: fc.integer({ min: 0, max: 2 }) }), { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
});

export type Rows = Record<string, Record<string, unknown>[]>;

const ROLES = ['admin', 'assessor', 'viewer'] as const;

/** A deterministic uuid for row `n` of `table` in organization `org`. */
const id = (org: number, table: number, n: number) =>
  `${org.toString(16).padStart(8, '0')}-${table.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Rows for every table, organization by organization, with ids from `id`; parents before children. */
export function rowsFor(shapes: readonly OrgShape[]): Rows[] {
  return shapes.map((shape, o) => {
    const org = id(o, 0, 0);
    const rows: Rows = { organizations: [{ id: org, name: `Org ${o}`, slug: `org-${o}` }], users: [], workflows: [], buckets: [], criteria: [], assessments: [], assessment_documents: [], assessment_results: [] };
    const n: Record<string, number> = {};
    const next = (table: string, t: number) => id(o, t, (n[table] = (n[table] ?? 0) + 1));
    // the first user of each organization is its admin; the others assessors and viewers in turn
    for (let u = 0; u < shape.users; u++)
      rows.users!.push({ id: next('users', 1), organization_id: org, email: `u${u}@org${o}.example`, full_name: `User ${u}`, role: ROLES[u % ROLES.length], password_hash: `secret-${o}-${u}` });
    shape.workflows.forEach((w, wi) => {
      const workflow = next('workflows', 2);
      rows.workflows!.push({ id: workflow, organization_id: org, name: `Workflow ${wi}`, created_by: rows.users![0]!.id });
      const criteria: string[] = [];
      w.buckets.forEach((count, bi) => {
        const bucket = next('buckets', 3);
        rows.buckets!.push({ id: bucket, organization_id: org, workflow_id: workflow, name: `Bucket ${bi}`, position: bi });
        for (let c = 0; c < count; c++) {
          const criterion = next('criteria', 4);
          criteria.push(criterion);
          rows.criteria!.push({ id: criterion, organization_id: org, bucket_id: bucket, title: `Criterion ${c}`, position: c });
        }
      });
      w.assessments.forEach((a, ai) => {
        const assessment = next('assessments', 5);
        rows.assessments!.push({ id: assessment, organization_id: org, workflow_id: workflow, title: `Assessment ${ai}` });
        for (let d = 0; d < a.documents; d++)
          rows.assessment_documents!.push({ id: next('documents', 6), organization_id: org, assessment_id: assessment, file_name: `d${d}.pdf`, mime_type: 'application/pdf', size_bytes: 10, storage_key: `k/${assessment}/${d}` });
        criteria.slice(0, a.results).forEach((criterion) =>
          rows.assessment_results!.push({ id: next('results', 7), organization_id: org, assessment_id: assessment, criterion_id: criterion, outcome: 'pass', confidence: 0.5 }),
        );
      });
    });
    return rows;
  });
}

/** Inserts the rows (one multi-row INSERT per table), in the order `rowsFor` lists the tables. */
export async function insertRows(tx: Queryable, rows: Rows): Promise<void> {
  for (const [table, list] of Object.entries(rows)) {
    if (list.length === 0) continue;
    const columns = Object.keys(list[0]!);
    const params: unknown[] = [];
    const tuples = list.map((r) => `(${columns.map((c) => `$${params.push(r[c])}`).join(', ')})`);
    await tx.query(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}
