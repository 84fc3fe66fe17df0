/**
 * The committed EPIC-01 migrations (generated/migrations), applied with the runtime's migrateUp, on
 * every engine: constraints with their SQLSTATEs, ON DELETE behaviour, the updated_at trigger,
 * index use, and a clean up/down round trip. Cases are derived from the model's IR wherever
 * possible, so a new check, unique, foreign key, enum column or table without a case fails here.
 *
 * One engine handle per describe; every test's data lives in a transaction that is rolled back.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferentialAction } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { migrateDown, migrateUp, readMigrations, type Migration } from '../../generator/runtime/migrations.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';
import { quoteIdent, quoteString } from '../../generator/sql/quote.ts';
import { describeEachEngine, describePg, type EngineHandle } from '../support/engines.ts';
import {
  CHECK_CASES,
  EPIC_ON_DELETE,
  VALID_ROW,
  build,
  buildGraph,
  count,
  explain,
  failure,
  indexScans,
  insertFailure,
  insertRow,
  planNodes,
  restrictViolationCode,
  rolledBack,
  sqlError,
  validRow,
  type Graph,
  type PlanNode,
  type Row,
} from '../support/schema-fixtures.ts';
import { actAs, addUser } from '../support/act-as.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIGRATIONS_DIR = join(ROOT, 'generated', 'migrations');
const { ir } = await loadModel(ROOT);

const ROOT_TABLE = ir.tenancy?.root ?? 'organizations';
const TENANT_KEY = ir.tenancy?.key ?? 'organization_id';

// ---- cases derived from the IR -------------------------------------------------------------

const checks = ir.tables.flatMap((t) => t.checks.map((c) => ({ table: t.name, constraint: c.name })));
const checkCases = (kind: 'violating' | 'accepted') =>
  checks.flatMap(({ table, constraint }) =>
    (CHECK_CASES[constraint]?.[kind] ?? []).map((values) => ({ table, constraint, values, label: JSON.stringify(values) })),
  );

const uniqueKeys = ir.tables.flatMap((t) => {
  // the audit chain's (tenant, seq) is filled by its trigger, so no insert can repeat it (test/db/audit-chain.test.ts)
  const chained = (cols: readonly string[]) => t.triggers.some((tr) => tr.kind === 'auditChain') && cols.includes('seq');
  const keys = [
    ...(t.primaryKey ? [{ constraint: t.primaryKey.name, columns: t.primaryKey.columns }] : []),
    ...t.uniques.map((u) => ({ constraint: u.name, columns: u.columns })),
    ...t.indexes.filter((i) => i.unique).map((i) => ({ constraint: i.name, columns: i.columns.map((c) => c.name) })),
  ];
  return keys.map((k) => ({
    table: t.name,
    ...k,
    chained: chained(k.columns),
    label: k.columns.join(', '),
    // A key that contains another (e.g. UNIQUE (organization_id, id), the target of tenant-safe
    // foreign keys, contains the primary key) cannot be violated alone: either may be reported.
    reported: keys.filter((o) => o.columns.every((c) => k.columns.includes(c))).map((o) => o.constraint),
  }));
});

const notNullColumns = ir.tables.flatMap((t) =>
  t.columns.filter((c) => c.notNull).map((c) => ({ table: t.name, column: c.name, hasDefault: c.default !== null, updatedAt: c.updatedAt })),
);

/** The columns of a key that point at the parent: all but the tenant key, which tenant-safe keys add. */
const referenceColumns = (columns: readonly string[]) => (columns.length > 1 ? columns.filter((c) => c !== TENANT_KEY) : [...columns]);

const foreignKeys = ir.tables.flatMap((t) =>
  t.foreignKeys.map((fk) => {
    const refColumns = referenceColumns(fk.columns);
    return {
      table: t.name,
      constraint: fk.name,
      columns: fk.columns,
      refColumns,
      refTable: fk.refTable,
      onDelete: fk.onDelete,
      tenantSafe: fk.columns.length > 1 && fk.columns.includes(TENANT_KEY),
      key: `${t.name}.${refColumns.join(',')} -> ${fk.refTable}`,
      label: `${t.name}(${fk.columns.join(', ')}) -> ${fk.refTable}`,
      // Pointing the tenant key elsewhere breaks every key that carries it; any of them may be reported.
      reported: t.foreignKeys.filter((o) => o.columns.some((c) => refColumns.includes(c))).map((o) => o.name),
    };
  }),
);

const enumColumns = ir.tables.flatMap((t) =>
  t.columns.flatMap((c) => {
    if (c.type.kind !== 'enum') return [];
    const name = c.type.name;
    return [{ table: t.name, column: c.name, enumName: name, values: ir.enums.find((e) => e.name === name)?.values ?? [] }];
  }),
);

const updatedAtTables = ir.tables.flatMap((t) => {
  const col = t.columns.find((c) => c.updatedAt);
  return col ? [{ table: t.name, column: col.name }] : [];
});

const setNullToUsers = foreignKeys.filter((fk) => fk.refTable === 'users' && fk.onDelete === 'setNull');
const appendOnly = new Set(ir.tables.filter((t) => t.appendOnly).map((t) => t.name));
/** Tables that carry the tenant key but no foreign key to the root: they outlive the organization (audit_logs). */
const outliveRoot = new Set(
  ir.tables
    .filter((t) => t.name !== ROOT_TABLE && t.columns.some((c) => c.name === TENANT_KEY) && !t.foreignKeys.some((fk) => fk.refTable === ROOT_TABLE))
    .map((t) => t.name),
);

const CONFDELTYPE: Record<string, ReferentialAction | 'setDefault'> = { a: 'noAction', r: 'restrict', c: 'cascade', n: 'setNull', d: 'setDefault' };

const sorted = (xs: Iterable<string>) => [...xs].sort();

// ---- helpers --------------------------------------------------------------------------------

/** Row counts of one organization: the organization itself and every table carrying the tenant key. */
async function rowsOfOrg(tx: Queryable, org: string): Promise<Record<string, number>> {
  const out: Record<string, number> = { [ROOT_TABLE]: await count(tx, `select 1 from ${quoteIdent(ROOT_TABLE)} where id = $1`, [org]) };
  for (const t of ir.tables) {
    if (t.name !== ROOT_TABLE && t.columns.some((c) => c.name === TENANT_KEY)) {
      out[t.name] = await count(tx, `select 1 from ${quoteIdent(t.name)} where ${quoteIdent(TENANT_KEY)} = $1`, [org]);
    }
  }
  return out;
}

const exists = async (tx: Queryable, table: string, id: unknown) =>
  (await count(tx, `select 1 from ${quoteIdent(table)} where id = $1`, [id])) === 1;

async function updateFailure(tx: Queryable, table: string, id: string, values: Row) {
  const cols = Object.keys(values);
  const sets = cols.map((c, i) => `${quoteIdent(c)} = $${i + 1}`).join(', ');
  return failure(tx, `update ${quoteIdent(table)} set ${sets} where id = $${cols.length + 1}`, [...cols.map((c) => values[c]), id]);
}

/**
 * Bulk fixtures go in on the owner's maintenance path (as seeds do), so the audit triggers do not
 * write an audit_logs row per fixture row.
 */
const BULK = ir.audit ? `set local schemagen.maintenance = 'on';` : '';

/** For the rest of the transaction: the application role, acting for tenant `org` (row-level security applies). */
/** As the API runs a request of an admin of `org` (one is added for it). */
async function actAsTenant(tx: Queryable, org: string): Promise<void> {
  const user = ir.auth ? await addUser(tx, ir, org, ir.auth.keepOne ?? ir.auth.roles[0]!) : null;
  await actAs(tx, ir, org, user);
}

/** The IR's name for the unique key (constraint or unique index) of `table` whose columns are `columns` (tenant key aside). */
function uniqueNamed(table: string, columns: readonly string[]): string {
  const t = ir.tables.find((x) => x.name === table)!;
  const own = (cols: readonly string[]) => cols.filter((c) => c !== TENANT_KEY).join();
  const found = [...t.uniques.map((u) => ({ name: u.name, cols: u.columns })), ...t.indexes.filter((i) => i.unique).map((i) => ({ name: i.name, cols: i.columns.map((c) => c.name) }))].find(
    (k) => own(k.cols) === own(columns),
  );
  if (!found) throw new Error(`${table} has no unique key on ${columns.join(', ')}`);
  return found.name;
}

/** Asserts the plan reads `index` with an index scan, never scans `table` sequentially, and (if ordered) needs no Sort. */
function expectIndexUse(plan: PlanNode, table: string, index: string, opts: { ordered?: boolean } = {}): void {
  const nodes = planNodes(plan);
  const summary = nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`);
  expect(indexScans(plan).some((s) => s.endsWith(` on ${index}`)), `plan: ${summary.join(' > ')}`).toBe(true);
  expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table), `plan: ${summary.join(' > ')}`).toEqual([]);
  if (opts.ordered) expect(nodes.filter((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort')).toEqual([]);
}

// ---- the suite, on every engine -------------------------------------------------------------

describeEachEngine('EPIC-01 schema', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  let migrations: Migration[];
  let catalogBefore: string[];
  let catalogUp: string[];

  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
    migrations = await readMigrations(MIGRATIONS_DIR);
    catalogBefore = await readCatalog(db);
    await migrateUp(db, migrations);
    catalogUp = await readCatalog(db);
  });
  afterAll(() => handle?.close());

  describe('the fixtures cover the model', () => {
    it('every table has a valid-row builder, and one valid row per table inserts', async () => {
      expect(sorted(Object.keys(VALID_ROW))).toEqual(sorted(ir.tables.map((t) => t.name)));
      const counts = await rolledBack(db, async (tx) => rowsOfOrg(tx, (await buildGraph(tx, ir))[ROOT_TABLE]!));
      // assessment_results builds a criterion of its own; everything else is one row.
      expect(Object.values(counts).every((n) => n >= 1)).toBe(true);
    });

    it('every CHECK constraint has a violating case, and every case names a CHECK of the model', () => {
      const names = new Set(checks.map((c) => c.constraint));
      const withoutCase = checks.filter((c) => !(CHECK_CASES[c.constraint]?.violating.length)).map((c) => c.constraint);
      const stale = Object.keys(CHECK_CASES).filter((name) => !names.has(name));
      expect({ withoutCase, stale }).toEqual({ withoutCase: [], stale: [] });
      expect(checks.length).toBeGreaterThanOrEqual(19);
    });

    it('the applied migrations hold exactly the model’s checks, keys, foreign keys and ON DELETE actions', async () => {
      const { rows } = await db.query<{ name: string; type: string; child: string; cols: string; parent: string | null; action: string }>(
        `select c.conname as name, c.contype::text as type, r.relname as child, p.relname as parent, c.confdeltype::text as action,
                (select string_agg(a.attname, ',' order by k.i)
                   from unnest(c.conkey) with ordinality as k(attnum, i)
                   join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as cols
           from pg_constraint c
           join pg_class r on r.oid = c.conrelid
           left join pg_class p on p.oid = c.confrelid
          where c.connamespace = 'public'::regnamespace and c.contype in ('c', 'u', 'p', 'f') and r.relname <> '_schemagen_migrations'`,
      );
      const ofType = (type: string) => sorted(rows.filter((r) => r.type === type).map((r) => r.name));
      expect(ofType('c')).toEqual(sorted(checks.map((c) => c.constraint)));
      expect(sorted([...ofType('u'), ...ofType('p')])).toEqual(
        sorted(uniqueKeys.filter((u) => !ir.tables.some((t) => t.indexes.some((i) => i.name === u.constraint))).map((u) => u.constraint)),
      );
      const dbActions = Object.fromEntries(
        rows.filter((r) => r.type === 'f').map((r) => [`${r.child}.${referenceColumns(r.cols.split(',')).join(',')} -> ${r.parent}`, CONFDELTYPE[r.action]]),
      );
      const irActions = Object.fromEntries(foreignKeys.map((fk) => [fk.key, fk.onDelete]));
      expect(irActions).toEqual(EPIC_ON_DELETE);
      expect(dbActions).toEqual(EPIC_ON_DELETE);
    });
  });

  describe('constraints', () => {
    it.each(checkCases('violating'))('CHECK $constraint rejects $label with 23514, on INSERT and UPDATE', ({ table, constraint, values }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const row = await validRow(tx, g, table, values);
        expect(sqlError(await insertFailure(tx, table, row))).toMatchObject({ code: '23514', constraint, table });
        if (!appendOnly.has(table)) {
          expect(sqlError(await updateFailure(tx, table, g[table]!, values))).toMatchObject({ code: '23514', constraint, table });
        }
      }),
    );

    it.each(checkCases('accepted'))('CHECK $constraint accepts $label', ({ table, values }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const row = await build(tx, g, table, values);
        expect(await exists(tx, table, row.id)).toBe(true);
      }),
    );

    it.each(uniqueKeys.filter((k) => !k.chained))('UNIQUE $constraint ($label) rejects a duplicate with 23505', ({ table, columns, reported }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const first = await build(tx, g, table);
        const second = await validRow(tx, g, table);
        const duplicate = { ...second, ...Object.fromEntries(columns.map((c) => [c, first[c]])) };
        const err = await insertFailure(tx, table, duplicate);
        expect(sqlError(err)).toMatchObject({ code: '23505', table });
        expect(reported).toContain(err.constraint);
        // The same row without the copied key goes in: the key, nothing else, was the problem.
        await insertRow(tx, table, second);
      }),
    );

    it.each(notNullColumns)('NOT NULL $column of $table rejects an explicit NULL with 23502', ({ table, column, updatedAt }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const row = await validRow(tx, g, table, { [column]: null });
        expect(sqlError(await insertFailure(tx, table, row))).toMatchObject({ code: '23502', table, column });
        if (appendOnly.has(table)) return; // no UPDATE at all (see the append-only test)
        if (updatedAt) {
          // On UPDATE the trigger replaces the NULL with now() before the NOT NULL check.
          await tx.query(`update ${quoteIdent(table)} set ${quoteIdent(column)} = null where id = $1`, [g[table]]);
          expect(await count(tx, `select 1 from ${quoteIdent(table)} where id = $1 and ${quoteIdent(column)} = now()`, [g[table]])).toBe(1);
        } else {
          expect(sqlError(await updateFailure(tx, table, g[table]!, { [column]: null }))).toMatchObject({ code: '23502', table, column });
        }
      }),
    );

    it('NOT NULL columns without a default are required: leaving one out fails with 23502', () =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const required = notNullColumns.filter((c) => !c.hasDefault);
        expect(required.length).toBeGreaterThan(0);
        for (const { table, column } of required) {
          const { [column]: _left, ...row } = await validRow(tx, g, table);
          expect(sqlError(await insertFailure(tx, table, row))).toMatchObject({ code: '23502', table, column });
        }
      }),
    );

    it.each(foreignKeys)('FOREIGN KEY $constraint, $label, rejects a missing parent with 23503', ({ table, refColumns, reported }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const missing = Object.fromEntries(refColumns.map((c) => [c, crypto.randomUUID()]));
        const inserted = await insertFailure(tx, table, await validRow(tx, g, table, missing));
        expect(sqlError(inserted)).toMatchObject({ code: '23503', table });
        expect(reported).toContain(inserted.constraint);
        // UPDATE a row nothing refers to (children would report their own keys first).
        const fresh = await build(tx, g, table);
        const updated = await updateFailure(tx, table, fresh.id as string, missing);
        expect(sqlError(updated)).toMatchObject({ code: '23503', table });
        expect(reported).toContain(updated.constraint);
      }),
    );

    it.each(foreignKeys.filter((fk) => fk.tenantSafe))(
      'FOREIGN KEY $constraint rejects a $refTable row of another organization with 23503',
      ({ table, constraint, refColumns, refTable }) =>
        rolledBack(db, async (tx) => {
          const mine = await buildGraph(tx, ir);
          const theirs = await buildGraph(tx, ir);
          const foreign = Object.fromEntries(refColumns.map((c) => [c, theirs[refTable]]));
          const row = await validRow(tx, mine, table, foreign);
          expect(sqlError(await insertFailure(tx, table, row))).toMatchObject({ code: '23503', constraint, table });
          expect(sqlError(await updateFailure(tx, table, mine[table]!, foreign))).toMatchObject({ code: '23503', constraint, table });
          // The same reference within its own organization is fine.
          await build(tx, theirs, table, foreign);
        }),
    );

    it.each([...appendOnly])('append-only %s refuses UPDATE and DELETE with 42501', (table) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const other = ir.tables.find((t) => t.name === table)!.columns.find((c) => c.name !== 'id')!.name;
        const update = await failure(tx, `update ${quoteIdent(table)} set ${quoteIdent(other)} = ${quoteIdent(other)} where id = $1`, [g[table]]);
        expect(update.code).toBe('42501');
        expect((await failure(tx, `delete from ${quoteIdent(table)} where id = $1`, [g[table]])).code).toBe('42501');
        expect(await exists(tx, table, g[table])).toBe(true);
      }),
    );

    it.each(enumColumns)('enum $enumName in $table ($column) accepts its values and rejects others with 22P02', ({ table, column, values }) =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        expect(values.length).toBeGreaterThan(0);
        for (const value of values) await build(tx, g, table, { [column]: value });
        for (const bad of ['not_a_value', values[0]!.toUpperCase(), '']) {
          const row = await validRow(tx, g, table, { [column]: bad });
          expect(sqlError(await insertFailure(tx, table, row))).toMatchObject({ code: '22P02' });
        }
      }),
    );

    it('uniqueness is per parent: the same e-mail in two organizations, the same position in two workflows', () =>
      rolledBack(db, async (tx) => {
        const a = await buildGraph(tx, ir);
        const b = await buildGraph(tx, ir);
        await build(tx, a, 'users', { email: 'same@example.com' });
        await build(tx, b, 'users', { email: 'same@example.com' });
        await build(tx, a, 'buckets', { position: 100 });
        await build(tx, b, 'buckets', { position: 100 });
        await build(tx, a, 'criteria', { position: 100 });
        await build(tx, b, 'criteria', { position: 100 });
        // storage_key is unique per organization since the tenancy change (see the report).
        await build(tx, a, 'assessment_documents', { storage_key: 'shared/key' });
        await build(tx, b, 'assessment_documents', { storage_key: 'shared/key' });
        const err = await insertFailure(tx, 'buckets', await validRow(tx, a, 'buckets', { position: 100 }));
        expect(sqlError(err)).toMatchObject({ code: '23505', constraint: uniqueNamed('buckets', ['workflow_id', 'position']) });
      }),
    );
  });

  describe('ON DELETE, as the epic says', () => {
    it('deleting an organization deletes everything in it, and nothing of another organization', () =>
      rolledBack(db, async (tx) => {
        const a = await buildGraph(tx, ir);
        const b = await buildGraph(tx, ir);
        // A deeper tree in A: a second user, workflow, buckets and criteria.
        const a2: Graph = { ...a, users: (await build(tx, a, 'users')).id as string };
        a2.workflows = (await build(tx, a2, 'workflows')).id as string;
        for (let i = 0; i < 2; i++) {
          const bucket = (await build(tx, a2, 'buckets')).id as string;
          await build(tx, { ...a2, buckets: bucket }, 'criteria');
          await build(tx, { ...a2, buckets: bucket }, 'criteria');
        }
        const before = await rowsOfOrg(tx, a.organizations!);
        expect(before).toMatchObject({ users: 2, workflows: 2, buckets: 3 });
        expect(before.criteria).toBeGreaterThanOrEqual(5);
        expect(Object.entries(before).filter(([, n]) => n < 1)).toEqual([]);
        const otherBefore = await rowsOfOrg(tx, b.organizations!);

        const deleted = await tx.query(`delete from ${quoteIdent(ROOT_TABLE)} where id = $1`, [a.organizations]);
        expect(deleted.rowCount).toBe(1);
        const after = await rowsOfOrg(tx, a.organizations!);
        const cascaded = Object.keys(before).filter((t) => !outliveRoot.has(t));
        expect(Object.fromEntries(cascaded.map((t) => [t, after[t]]))).toEqual(Object.fromEntries(cascaded.map((t) => [t, 0])));
        // History (audit_logs) outlives the organization: kept, and the deletions are recorded in it.
        for (const t of outliveRoot) expect(after[t], t).toBeGreaterThanOrEqual(before[t]!);
        const others = await rowsOfOrg(tx, b.organizations!);
        for (const t of Object.keys(otherBefore)) if (!outliveRoot.has(t)) expect(others[t], t).toBe(otherBefore[t]);
      }),
    );

    it('deleting a user keeps what they created, with the reference set to NULL', () =>
      rolledBack(db, async (tx) => {
        expect(sorted(setNullToUsers.map((fk) => fk.key))).toEqual(
          sorted(Object.entries(EPIC_ON_DELETE).filter(([k, v]) => k.endsWith('-> users') && v === 'setNull').map(([k]) => k)),
        );
        const g = await buildGraph(tx, ir);
        const colleague = await build(tx, g, 'users');
        const refOf = async (fk: (typeof setNullToUsers)[number]) =>
          (
            await tx.query<Row>(
              `select ${quoteIdent(fk.refColumns[0]!)} as ref, ${quoteIdent(TENANT_KEY)} as tenant from ${quoteIdent(fk.table)} where id = $1`,
              [g[fk.table]],
            )
          ).rows;
        for (const fk of setNullToUsers) expect(await refOf(fk), fk.key).toEqual([{ ref: g.users, tenant: g.organizations }]);
        const otherWorkflow = await build(tx, { ...g, users: colleague.id as string }, 'workflows');

        expect((await tx.query('delete from users where id = $1', [g.users])).rowCount).toBe(1);
        for (const fk of setNullToUsers) {
          // Only the reference is nulled (SET NULL (column)), never the tenant key.
          expect(await refOf(fk), `${fk.key}: the row stays, the reference becomes NULL`).toEqual([{ ref: null, tenant: g.organizations }]);
        }
        const { rows } = await tx.query<Row>('select created_by from workflows where id = $1', [otherWorkflow.id]);
        expect(rows).toEqual([{ created_by: colleague.id }]);
        // The audit trail keeps who acted: audit_logs has no foreign key, by design.
        if (outliveRoot.has('audit_logs')) {
          const audit = await tx.query<Row>('select user_id from audit_logs where id = $1', [g.audit_logs]);
          expect(audit.rows).toEqual([{ user_id: g.users }]);
        }
        expect(await exists(tx, ROOT_TABLE, g.organizations)).toBe(true);
      }),
    );

    it('deleting a workflow that no assessment uses deletes its buckets and their criteria', () =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        const workflow = (await build(tx, g, 'workflows')).id as string;
        const buckets: string[] = [];
        for (let i = 0; i < 3; i++) {
          const bucket = (await build(tx, { ...g, workflows: workflow }, 'buckets')).id as string;
          buckets.push(bucket);
          for (let j = 0; j < 4; j++) await build(tx, { ...g, buckets: bucket }, 'criteria');
        }
        expect(await count(tx, 'select 1 from criteria where bucket_id = any($1::uuid[])', [buckets])).toBe(12);

        expect((await tx.query('delete from workflows where id = $1', [workflow])).rowCount).toBe(1);
        expect(await count(tx, 'select 1 from buckets where workflow_id = $1', [workflow])).toBe(0);
        expect(await count(tx, 'select 1 from criteria where bucket_id = any($1::uuid[])', [buckets])).toBe(0);
        // The other workflow's tree is untouched.
        expect(await exists(tx, 'buckets', g.buckets)).toBe(true);
        expect(await exists(tx, 'criteria', g.criteria)).toBe(true);
      }),
    );

    it('deleting a workflow that an assessment uses is refused (RESTRICT): 23503 on PostgreSQL 15, 23001 on 18', () =>
      rolledBack(db, async (tx) => {
        const { major, code } = await restrictViolationCode(tx);
        if (engine.name === 'pglite') expect({ major, code }).toEqual({ major: 18, code: '23001' });
        else if (major < 18) expect(code).toBe('23503');
        const g = await buildGraph(tx, ir);
        const err = await failure(tx, 'delete from workflows where id = $1', [g.workflows]);
        expect(['23503', '23001']).toContain(err.code);
        expect(sqlError(err)).toMatchObject({ code, constraint: 'assessments_workflow_id_fkey', table: 'assessments' });
        expect(await exists(tx, 'workflows', g.workflows)).toBe(true);
        expect(await exists(tx, 'buckets', g.buckets)).toBe(true);
        // Once the assessment is gone (its results with it), the workflow can go.
        await tx.query('delete from assessments where id = $1', [g.assessments]);
        expect((await tx.query('delete from workflows where id = $1', [g.workflows])).rowCount).toBe(1);
      }),
    );

    it('deleting a criterion (or its bucket) that a result uses is refused (RESTRICT)', () =>
      rolledBack(db, async (tx) => {
        const { code } = await restrictViolationCode(tx);
        const g = await buildGraph(tx, ir);
        const { rows } = await tx.query<{ criterion_id: string; bucket_id: string }>(
          'select r.criterion_id, c.bucket_id from assessment_results r join criteria c on c.id = r.criterion_id where r.id = $1',
          [g.assessment_results],
        );
        const used = rows[0]!;
        const err = await failure(tx, 'delete from criteria where id = $1', [used.criterion_id]);
        expect(sqlError(err)).toMatchObject({ code, constraint: 'assessment_results_criterion_id_fkey', table: 'assessment_results' });
        const viaBucket = await failure(tx, 'delete from buckets where id = $1', [used.bucket_id]);
        expect(sqlError(viaBucket)).toMatchObject({ code, constraint: 'assessment_results_criterion_id_fkey' });
        expect(await exists(tx, 'criteria', used.criterion_id)).toBe(true);
        // A criterion no result uses can be deleted.
        const unused = await build(tx, g, 'criteria');
        expect((await tx.query('delete from criteria where id = $1', [unused.id])).rowCount).toBe(1);
      }),
    );

    it('deleting an assessment deletes its documents and results, not the criteria', () =>
      rolledBack(db, async (tx) => {
        const g = await buildGraph(tx, ir);
        await build(tx, g, 'assessment_documents');
        await build(tx, g, 'assessment_results');
        expect(await count(tx, 'select 1 from assessment_documents where assessment_id = $1', [g.assessments])).toBe(2);
        expect(await count(tx, 'select 1 from assessment_results where assessment_id = $1', [g.assessments])).toBe(2);
        expect((await tx.query('delete from assessments where id = $1', [g.assessments])).rowCount).toBe(1);
        expect(await count(tx, 'select 1 from assessment_documents where assessment_id = $1', [g.assessments])).toBe(0);
        expect(await count(tx, 'select 1 from assessment_results where assessment_id = $1', [g.assessments])).toBe(0);
        expect(await exists(tx, 'criteria', g.criteria)).toBe(true);
        expect(await exists(tx, 'workflows', g.workflows)).toBe(true);
      }),
    );
  });

  describe('updated_at', () => {
    it('every table with timestamps (append-only ones aside) has an updated_at column kept by a BEFORE UPDATE trigger', () => {
      const withCreatedAt = ir.tables.filter((t) => t.columns.some((c) => c.name === 'created_at') && !t.appendOnly).map((t) => t.name);
      expect(sorted(updatedAtTables.map((t) => t.table))).toEqual(sorted(withCreatedAt));
      // The model's updatedAt triggers, and each is in the database as a BEFORE UPDATE row trigger.
      const declared = ir.tables.flatMap((t) => t.triggers.filter((tr) => tr.kind === 'updatedAt').map((tr) => ({ table: t.name, name: tr.name })));
      expect(sorted(declared.map((d) => d.table))).toEqual(sorted(updatedAtTables.map((t) => t.table)));
      for (const { table, name } of declared) {
        const line = catalogUp.find((l) => l.startsWith(`trigger ${table}.${name} `));
        expect(line, `${table}.${name}`).toMatch(/ BEFORE UPDATE ON .* FOR EACH ROW /);
      }
    });

    it.each(updatedAtTables)('$column of $table is set to now() by trigger on UPDATE, whatever the client sends', ({ table, column }) =>
      rolledBack(db, async (tx) => {
        const past = '2001-02-03T04:05:06Z';
        const g = await buildGraph(tx, ir);
        const row = await build(tx, g, table, { created_at: past, [column]: past });
        const t = quoteIdent(table);
        const u = quoteIdent(column);
        const state = async () =>
          (
            await tx.query<{ is_now: boolean; later: boolean; created_kept: boolean }>(
              `select ${u} = now() as is_now, ${u} > created_at as later, created_at = $2::timestamptz as created_kept from ${t} where id = $1`,
              [row.id, past],
            )
          ).rows[0];
        // INSERT keeps what it is given (the trigger is for UPDATE only).
        expect((await tx.query<{ kept: boolean }>(`select ${u} = $2::timestamptz as kept from ${t} where id = $1`, [row.id, past])).rows[0]).toEqual({ kept: true });

        // An update of another column.
        const other = ir.tables.find((x) => x.name === table)!.columns.find((c) => !c.updatedAt && c.name !== 'id' && c.name !== 'created_at')!;
        await tx.query(`update ${t} set ${quoteIdent(other.name)} = ${quoteIdent(other.name)} where id = $1`, [row.id]);
        expect(await state()).toEqual({ is_now: true, later: true, created_kept: true });

        // The client sets it explicitly, to the past and to the future: the trigger wins.
        for (const sent of ['1999-12-31T23:59:59Z', '2999-01-01T00:00:00Z']) {
          await tx.query(`update ${t} set ${u} = $2::timestamptz where id = $1`, [row.id, sent]);
          expect(await state(), sent).toEqual({ is_now: true, later: true, created_kept: true });
        }
      }),
    );

    it('a row updated in a later transaction gets a later updated_at, and created_at stays', async () => {
      const t = quoteIdent(ROOT_TABLE);
      const id = (await db.transaction((tx) => build(tx, {}, ROOT_TABLE))).id;
      try {
        // As text: a JS Date would drop PostgreSQL's microseconds.
        const { rows: before } = await db.query<{ created: string; updated: string }>(
          `select created_at::text as created, updated_at::text as updated from ${t} where id = $1`,
          [id],
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        await db.transaction((tx) => tx.query(`update ${t} set name = name || ' (renamed)', updated_at = $2 where id = $1`, [id, before[0]!.updated]));
        const { rows } = await db.query<{ later: boolean; created_kept: boolean }>(
          `select updated_at > $2::timestamptz as later, created_at = $3::timestamptz as created_kept from ${t} where id = $1`,
          [id, before[0]!.updated, before[0]!.created],
        );
        expect(rows).toEqual([{ later: true, created_kept: true }]);
      } finally {
        // The owner's maintenance path also removes the audit rows this wrote (audit_logs is append-only).
        await db.transaction(async (tx) => {
          await tx.exec(`set local schemagen.maintenance = 'on'`);
          await tx.query(`delete from ${t} where id = $1`, [id]);
          if (ir.audit) await tx.query(`delete from ${quoteIdent(ir.audit.table)} where ${quoteIdent(TENANT_KEY)} = $1`, [id]);
        });
      }
    });
  });

  describe('indexes the planner uses (EXPLAIN (FORMAT JSON), enough rows, ANALYZE)', () => {
    it('workflows of one organization, newest first: workflows_organization_id_created_at_idx, no Sort', () =>
      rolledBack(db, async (tx) => {
        await tx.exec(`${BULK}
          with orgs as (
            insert into organizations (name, slug)
            select 'Plan org ' || i, 'plan-org-' || i from generate_series(1, 50) i
            returning id
          )
          insert into workflows (organization_id, name, created_at)
          select orgs.id, 'Workflow ' || w, now() - w * interval '1 minute' from orgs cross join generate_series(1, 200) w;
          analyze organizations, workflows;`);
        expect(await count(tx, `select 1 from workflows w join organizations o on o.id = w.organization_id where o.slug like 'plan-org-%'`)).toBe(10_000);
        const { rows } = await tx.query<{ id: string }>(`select id from organizations where slug = 'plan-org-25'`);
        const org = quoteString(rows[0]!.id);
        const page = await explain(tx, `select id, name, created_at from workflows where organization_id = ${org} order by created_at desc limit 20`);
        expectIndexUse(page, 'workflows', 'workflows_organization_id_created_at_idx', { ordered: true });
        const next = await explain(
          tx,
          `select id, name, created_at from workflows where organization_id = ${org} and created_at < now() - interval '100 minutes' order by created_at desc limit 20`,
        );
        expectIndexUse(next, 'workflows', 'workflows_organization_id_created_at_idx', { ordered: true });
        const all = await explain(tx, `select id, name, created_at from workflows where organization_id = ${org} order by created_at desc`);
        expectIndexUse(all, 'workflows', 'workflows_organization_id_created_at_idx');
        // As the API runs it: the application role under row-level security, the tenant filter spelled out.
        if (ir.tenancy) {
          await actAsTenant(tx, rows[0]!.id);
          const asApp = await explain(tx, `select id, name, created_at from workflows where organization_id = ${org} order by created_at desc limit 20`);
          expectIndexUse(asApp, 'workflows', 'workflows_organization_id_created_at_idx', { ordered: true });
        }
      }),
    );

    // Guards a regression seen in 3207dd7: the owner's maintenance policy applied to every role, so the app role's
    // qual was `organization_id = $0 OR <maintenance>`, which no index serves (Seq Scan + Sort of the whole table).
    it.runIf(ir.tenancy !== null)(
      'as the app role, the row-level-security policy alone (no WHERE) reaches workflows_organization_id_created_at_idx',
      () =>
        rolledBack(db, async (tx) => {
          await tx.exec(`${BULK}
            with orgs as (
              insert into organizations (name, slug) select 'Plan org ' || i, 'plan-org-' || i from generate_series(1, 50) i returning id
            )
            insert into workflows (organization_id, name, created_at)
            select orgs.id, 'Workflow ' || w, now() - w * interval '1 minute' from orgs cross join generate_series(1, 200) w;
            analyze organizations, workflows;`);
          const { rows } = await tx.query<{ id: string }>(`select id from organizations where slug = 'plan-org-25'`);
          await actAsTenant(tx, rows[0]!.id);
          const viaPolicy = await explain(tx, 'select id, name, created_at from workflows order by created_at desc limit 20');
          expectIndexUse(viaPolicy, 'workflows', 'workflows_organization_id_created_at_idx', { ordered: true });
        }),
    );

    // Every lookup carries the tenant key (row-level security adds it to the API's queries; tenant-safe foreign keys
    // to their checks), and the unique keys of scoped tables start with it.
    it('buckets of a workflow and criteria of a bucket: their (tenant, parent, position) unique indexes, in position order', () =>
      rolledBack(db, async (tx) => {
        await tx.exec(`${BULK}
          insert into organizations (name, slug) values ('Tree org', 'tree-org');
          insert into workflows (organization_id, name) select o.id, 'Workflow ' || i from organizations o, generate_series(1, 500) i where o.slug = 'tree-org';
          analyze workflows; -- also replans the session's cached foreign-key checks, made when the tables were tiny
          insert into buckets (organization_id, workflow_id, name, position)
          select w.organization_id, w.id, 'Bucket ' || p, p from workflows w join organizations o on o.id = w.organization_id and o.slug = 'tree-org', generate_series(0, 9) p;
          analyze buckets;
          insert into criteria (organization_id, bucket_id, title, position)
          select b.organization_id, b.id, 'Criterion ' || p, p from buckets b join organizations o on o.id = b.organization_id and o.slug = 'tree-org', generate_series(0, 1) p;
          analyze criteria;`);
        expect(await count(tx, `select 1 from buckets b join organizations o on o.id = b.organization_id where o.slug = 'tree-org'`)).toBe(5_000);
        const { rows } = await tx.query<{ organization_id: string; workflow_id: string; id: string }>(
          `select b.organization_id, b.workflow_id, b.id from buckets b join organizations o on o.id = b.organization_id where o.slug = 'tree-org' limit 1`,
        );
        const ids = rows[0]!;
        const org = quoteString(ids.organization_id);
        const buckets = await explain(tx, `select * from buckets where organization_id = ${org} and workflow_id = ${quoteString(ids.workflow_id)} order by position`);
        expectIndexUse(buckets, 'buckets', uniqueNamed('buckets', ['workflow_id', 'position']), { ordered: true });
        const criteria = await explain(tx, `select * from criteria where organization_id = ${org} and bucket_id = ${quoteString(ids.id)} order by position`);
        expectIndexUse(criteria, 'criteria', uniqueNamed('criteria', ['bucket_id', 'position']), { ordered: true });
      }),
    );

    it('results of an assessment (and of a criterion): the (tenant, assessment, criterion) unique index, _criterion_id_idx', () =>
      rolledBack(db, async (tx) => {
        await tx.exec(`${BULK}
          insert into organizations (name, slug) values ('Results org', 'results-org');
          create temporary table results_org on commit drop as select id from organizations where slug = 'results-org';
          insert into workflows (organization_id, name) select id, 'Workflow' from results_org;
          insert into buckets (organization_id, workflow_id, name, position)
          select organization_id, id, 'Bucket', 0 from workflows where organization_id = (select id from results_org);
          insert into criteria (organization_id, bucket_id, title, position)
          select b.organization_id, b.id, 'Criterion ' || p, p from buckets b, generate_series(0, 99) p where b.organization_id = (select id from results_org);
          insert into assessments (organization_id, workflow_id, title, created_at)
          select w.organization_id, w.id, 'Assessment ' || i, now() - i * interval '1 hour' from workflows w, generate_series(1, 100) i
          where w.organization_id = (select id from results_org);
          analyze criteria, assessments; -- also replans the session's cached foreign-key checks
          insert into assessment_results (organization_id, assessment_id, criterion_id, outcome)
          select a.organization_id, a.id, c.id, 'pass' from assessments a join criteria c using (organization_id)
          where a.organization_id = (select id from results_org);
          analyze assessment_results;`);
        expect(await count(tx, `select 1 from assessment_results r join organizations o on o.id = r.organization_id where o.slug = 'results-org'`)).toBe(10_000);
        const { rows } = await tx.query<{ organization_id: string; assessment_id: string; criterion_id: string }>(
          `select r.organization_id, r.assessment_id, r.criterion_id from assessment_results r join organizations o on o.id = r.organization_id where o.slug = 'results-org' limit 1`,
        );
        const ids = rows[0]!;
        const byAssessment = await explain(tx, `select * from assessment_results where organization_id = ${quoteString(ids.organization_id)} and assessment_id = ${quoteString(ids.assessment_id)}`);
        expectIndexUse(byAssessment, 'assessment_results', uniqueNamed('assessment_results', ['assessment_id', 'criterion_id']));
        // The lookup a RESTRICT check on criteria makes.
        const byCriterion = await explain(tx, `select 1 from assessment_results where criterion_id = ${quoteString(ids.criterion_id)}`);
        expectIndexUse(byCriterion, 'assessment_results', 'assessment_results_criterion_id_idx');
      }),
    );
  });

  describe('migrations', () => {
    it('up creates the schema; down leaves the catalog exactly as before; up again gives the same catalog', async () => {
      expect(catalogUp.length).toBeGreaterThan(catalogBefore.length);
      for (const t of ir.tables) expect(catalogUp.some((l) => l.startsWith(`table ${t.name} `)), t.name).toBe(true);
      const reverted = await migrateDown(db, migrations, { to: 0 });
      expect(reverted.map((m) => m.name)).toEqual([...migrations].reverse().map((m) => m.name));
      expect(await readCatalog(db)).toEqual(catalogBefore);
      const reapplied = await migrateUp(db, migrations);
      expect(reapplied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
      expect(await readCatalog(db)).toEqual(catalogUp);
    });
  });
});

describePg('EPIC-01 schema: PGlite and PostgreSQL', (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(() => handle?.close());

  it('the committed migrations give the same catalog on PostgreSQL as on PGlite', async () => {
    const lite = await openPglite({});
    try {
      const migrations = await readMigrations(MIGRATIONS_DIR);
      await migrateUp(handle.db, migrations);
      await migrateUp(lite, migrations);
      const fromPg = await readCatalog(handle.db);
      expect(fromPg.length).toBeGreaterThan(100);
      expect(await readCatalog(lite)).toEqual(fromPg);
    } finally {
      await lite.close();
    }
  });
});
