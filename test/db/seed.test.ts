import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quoteIdent as q } from '../../generator/sql/quote.ts';
import type { SeedGenerator } from '../../generator/dsl/seed.ts';
import type { JsonValue, SeedRow } from '../../generator/ir/types.ts';
import { seedId } from '../../generator/ir/uuid-v5.ts';
import { loadModel } from '../../generator/model/load.ts';
import type { Db } from '../../generator/runtime/db.ts';
import { SeedError } from '../../generator/runtime/seed-error.ts';
import { loadSeed } from '../../generator/runtime/seed-loader.ts';
import { resolveProfile } from '../../generator/runtime/seed-profile.ts';
import { applyMigrations, ROOT } from '../support/db-helpers.ts';
import { actAs } from '../support/act-as.ts';
import { describeEachEngine, resetPublicSchema, type EngineHandle } from '../support/engines.ts';

const { ir, seeds } = await loadModel(ROOT);
const defaultRows = ir.seeds.filter((r) => r.profile === 'default');
const loadRows = (params: Record<string, number>): SeedRow[] => [...resolveProfile(ir, seeds, 'load', params).rows];
const SEEDED_TABLES = ['organizations', 'users', 'workflows', 'buckets', 'criteria', 'assessments', 'assessment_results', 'assessment_documents', 'audit_logs'];

/** Row count and an md5 of every row's text, per table: equal checksums mean equal contents. */
async function checksum(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ir.tables) {
    const { rows } = await db.query<{ n: string; sum: string }>(`select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${q(t.name)} t`);
    out[t.name] = `${rows[0]!.n} ${rows[0]!.sum}`;
  }
  return out;
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of SEEDED_TABLES) out[t] = Number((await db.query<{ n: string }>(`select count(*)::text as n from ${q(t)}`)).rows[0]!.n);
  return out;
}

const perTable = (rows: readonly SeedRow[]) => {
  const out: Record<string, number> = Object.fromEntries(SEEDED_TABLES.map((t) => [t, 0]));
  for (const r of rows) out[r.table] = (out[r.table] ?? 0) + 1;
  return out;
};

/** A copy of `rows` with one row's values changed. */
const withChange = (rows: readonly SeedRow[], table: string, key: string, values: Record<string, JsonValue>): SeedRow[] => {
  let hit = false;
  const out = rows.map((r) => (r.table === table && r.key === key ? ((hit = true), { ...r, values: { ...r.values, ...values } }) : r));
  if (!hit) throw new Error(`no row ${table}['${key}']`);
  return out;
};

describeEachEngine('seed', (engine) => {
  let h: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    h = await engine.open();
    db = h.db;
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await resetPublicSchema(db);
    await applyMigrations(db);
  });

  it('the default profile applies on a freshly migrated database with exactly what the epic lists', async () => {
    const result = await loadSeed(db, ir, defaultRows);
    expect(result.inserted).toBe(defaultRows.length);
    const c = await counts(db);
    expect(c).toEqual(perTable(defaultRows));
    expect({ organizations: c.organizations, users: c.users, workflows: c.workflows }).toEqual({ organizations: 1, users: 2, workflows: 2 });
    expect(c.buckets).toBeGreaterThan(0);
    expect(c.criteria).toBeGreaterThan(c.buckets!);
    expect(c.audit_logs).toBe(0); // the owner's maintenance path is not audited row by row
    const org = await db.query<{ id: string; name: string }>('select id, name from organizations');
    expect(org.rows).toEqual([{ id: seedId('organizations', 'tuv-sud-demo'), name: 'TÜV SÜD Demo' }]);
    const wf = await db.query<{ name: string; buckets: string; criteria: string }>(
      `select w.name, count(distinct b.id)::text as buckets, count(c.id)::text as criteria
         from workflows w join buckets b on b.workflow_id = w.id join criteria c on c.bucket_id = b.id group by w.name order by w.name`,
    );
    expect(wf.rows.map((r) => r.name)).toEqual(['ISO 9001:2015 document review', 'Product safety technical file review']);
    for (const r of wf.rows) expect(Number(r.criteria)).toBeGreaterThanOrEqual(2 * Number(r.buckets));
  });

  it('applying it twice changes nothing (row counts and a checksum of every table), by the loader and by generated/seed.sql', async () => {
    await loadSeed(db, ir, defaultRows);
    const before = await checksum(db);
    const again = await loadSeed(db, ir, defaultRows);
    expect(again).toMatchObject({ rows: defaultRows.length, inserted: 0 });
    expect(await checksum(db)).toEqual(before);
    await db.exec(readFileSync(join(ROOT, 'generated/seed.sql'), 'utf8'));
    expect(await checksum(db)).toEqual(before);
  });

  it('generated/seed.sql alone seeds a fresh database with the same rows as the loader', async () => {
    await db.exec(readFileSync(join(ROOT, 'generated/seed.sql'), 'utf8'));
    expect(await counts(db)).toEqual(perTable(defaultRows));
    const ids = await db.query<{ id: string }>('select id from criteria order by id');
    expect(ids.rows.map((r) => r.id)).toEqual(defaultRows.filter((r) => r.table === 'criteria').map((r) => r.values.id).sort());
  });

  it('a row violating a CHECK fails the whole seed, naming the row and the constraint; nothing is written', async () => {
    const key = defaultRows.filter((r) => r.table === 'criteria').at(-1)!.key;
    const bad = withChange(defaultRows, 'criteria', key, { weight: -1 });
    const before = await checksum(db);
    const err = await loadSeed(db, ir, bad).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SeedError);
    const e = err as SeedError;
    expect(e.row).toEqual({ profile: 'default', table: 'criteria', key });
    expect(e.constraint).toBe('criteria_weight_check');
    expect(e.sqlstate).toBe('23514');
    expect(e.message).toContain(`seed row criteria['${key}'] (profile default) was refused`);
    expect(e.message).toContain('Nothing was written');
    expect(await checksum(db)).toEqual(before);
  });

  it('on a seeded database, a generated profile with one bad row late in it leaves everything as it was', async () => {
    await loadSeed(db, ir, defaultRows);
    const before = await checksum(db);
    const rows = loadRows({ orgs: 2, workflows: 3, seed: 11 });
    const last = rows.filter((r) => r.table === 'assessments').at(-1)!;
    const bad = withChange(rows, 'assessments', last.key, { completed_at: null });
    const err = (await loadSeed(db, ir, bad, { chunkRows: 40, batchRows: 7 }).then(() => null, (e: unknown) => e)) as SeedError;
    expect(err).toBeInstanceOf(SeedError);
    expect(err.row).toEqual({ profile: 'load', table: 'assessments', key: last.key });
    expect(err.constraint).toBe('assessments_completed_has_time');
    expect(await checksum(db)).toEqual(before);
  });

  it('a row clashing with another on a unique constraint is named (the primary key alone is the conflict target)', async () => {
    const bad = withChange(defaultRows, 'users', 'markus.weber', { email: 'anna.schneider@tuv-sud-demo.example' });
    const err = (await loadSeed(db, ir, bad).then(() => null, (e: unknown) => e)) as SeedError;
    expect(err).toBeInstanceOf(SeedError);
    expect(err.row?.key).toBe('markus.weber');
    expect(err.constraint).toBe('users_organization_id_email_key');
    expect(err.sqlstate).toBe('23505');
    expect((await counts(db)).organizations).toBe(0);
  });

  it('the load profile (small) loads in chunks and batches with the compiled ids, and a second load changes nothing', async () => {
    const params = { orgs: 3, workflows: 4, seed: 5 };
    const rows = loadRows(params);
    expect(rows.length).toBe((seeds!.profiles.load as SeedGenerator).count!(params));
    const progress: number[] = [];
    const first = await loadSeed(db, ir, resolveProfile(ir, seeds, 'load', params).rows, { chunkRows: 100, batchRows: 13, onProgress: (p) => progress.push(p.done) });
    expect(first).toMatchObject({ rows: rows.length, inserted: rows.length });
    expect(progress.at(-1)).toBe(rows.length);
    expect(await counts(db)).toEqual(perTable(rows));
    const ids = await db.query<{ id: string }>('select id from assessment_results order by id');
    expect(ids.rows.map((r) => r.id)).toEqual(rows.filter((r) => r.table === 'assessment_results').map((r) => r.values.id).sort());
    const before = await checksum(db);
    expect((await loadSeed(db, ir, loadRows(params), { chunkRows: 57 })).inserted).toBe(0);
    expect(await checksum(db)).toEqual(before);
  });

  it('each seeded row is visible to its own organization only (as the application role)', async () => {
    const rows = [...defaultRows, ...loadRows({ orgs: 2, workflows: 2, seed: 9 })];
    await loadSeed(db, ir, rows);
    const orgs = rows.filter((r) => r.table === 'organizations').map((r) => r.values.id as string);
    expect(orgs).toHaveLength(3);
    const scoped = ir.tables.filter((t) => t.tenancy === 'scoped' && t.name !== 'audit_logs').map((t) => t.name);
    // as the API acts for one of the organization's admins
    const admin = (org: string) => rows.find((r) => r.table === 'users' && r.values.organization_id === org && r.values.role === 'admin')?.values.id as string | undefined;
    const visible = (org: string) =>
      db.transaction(async (tx) => {
        await actAs(tx, ir, org || null, org ? (admin(org) ?? null) : null);
        const out: Record<string, number> = {};
        for (const t of ['organizations', ...scoped]) out[t] = Number((await tx.query<{ n: string }>(`select count(*)::text as n from ${q(t)}`)).rows[0]!.n);
        return out;
      });
    for (const org of orgs) {
      const own = rows.filter((r) => (r.table === 'organizations' ? r.values.id : r.values.organization_id) === org);
      const expected = Object.fromEntries(['organizations', ...scoped].map((t) => [t, own.filter((r) => r.table === t).length]));
      expect(await visible(org), `organization ${org}`).toEqual(expected);
    }
    expect(Object.values(await visible(''))).toEqual(['organizations', ...scoped].map(() => 0));
  });

  it('refuses to run as a role that does not own the tables', async () => {
    if (engine.name === 'pglite') {
      // PGlite's only session is the superuser; a non-owner is emulated with SET ROLE.
      await db.exec(`SET ROLE ${q(ir.tenancy!.appRole)}`);
      try {
        await expect(loadSeed(db, ir, defaultRows)).rejects.toThrow(/seeds run as the owner of the tables, but app_user does not own/);
      } finally {
        await db.exec('RESET ROLE');
      }
    } else {
      const { openPg } = await import('../../generator/runtime/pg-db.ts');
      const other = await openPg(h.url!, { max: 1 });
      try {
        await other.exec(`SET ROLE ${q(ir.tenancy!.appRole)}`);
        await expect(loadSeed(other, ir, defaultRows)).rejects.toThrow(/does not own/);
      } finally {
        await other.close();
      }
    }
    expect((await counts(db)).organizations).toBe(0);
  });
});

describe('seed ids', () => {
  it('are identical in another process', async () => {
    const script = `
      const { loadModel } = await import('./generator/model/load.ts');
      const { resolveProfile } = await import('./generator/runtime/seed-profile.ts');
      const { ir, seeds } = await loadModel(process.cwd());
      const rows = [...ir.seeds, ...resolveProfile(ir, seeds, 'load', { orgs: 2, workflows: 2, seed: 4 }).rows];
      process.stdout.write(JSON.stringify(rows.map((r) => [r.table, r.key, r.values.id])));`;
    const child = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const here = [...ir.seeds, ...loadRows({ orgs: 2, workflows: 2, seed: 4 })].map((r) => [r.table, r.key, r.values.id]);
    expect(JSON.parse(child)).toEqual(here);
    expect(here.length).toBeGreaterThan(defaultRows.length);
  });
});


