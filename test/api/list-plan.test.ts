import { afterAll, beforeAll, expect, it } from 'vitest';
import { resources } from '../../generated/api/model.ts';
import { encodeCursor, keyAlias, listSql } from '../../generated/api/query.ts';
import { loadModel } from '../../generator/model/load.ts';
import { actAs, addUser } from '../support/act-as.ts';
import { applyMigrations, rolledBack, ROOT } from '../support/db-helpers.ts';
import { describeEachEngine, type EngineHandle } from '../support/engines.ts';
import { tempDirs } from '../support/gen-cli.ts';
import { COMPOSITE_MODEL } from './composite-fixture.ts';
import { generateFixtureApi } from './fixture-api.ts';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly Output?: readonly string[];
  readonly 'Sort Key'?: readonly string[];
  readonly Plans?: readonly PlanNode[];
}
const nodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(nodes)];
/** The first Limit node: the page's subquery. */
const pageLimit = (p: PlanNode): PlanNode | undefined => nodes(p).find((n) => n['Node Type'] === 'Limit');

/**
 * The list query the generated API sends must cost what its page costs. A bare `ORDER BY "created_at"` once
 * bound to the select list's `to_jsonb("created_at") AS "created_at"` (every list sorted a tenant's rows by
 * JSON text); and with the JSON made in the same query as the sort, a sort the index cannot serve turned every
 * row of the tenant into JSON first. The page is now cut in a subquery on raw columns.
 */
describeEachEngine('generated list query plan', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  const seed = async (tx: Parameters<Parameters<typeof rolledBack>[1]>[0]) => {
    await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
    await tx.query(`INSERT INTO organizations (id, name, slug) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid, 'O' || o, 'o-' || o FROM generate_series(1, 40) o`);
    await tx.query(`INSERT INTO workflows (organization_id, name, created_at) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid, 'W' || w, now() - w * interval '1 second' FROM generate_series(1, 40) o, generate_series(1, 100) w`);
    await tx.query('ANALYZE workflows');
    const { ir } = await loadModel(ROOT);
    const org = '00000000-0000-4000-8000-000000000007';
    await actAs(tx, ir, org, ir.auth ? await addUser(tx, ir, org, 'viewer') : null);
  };

  it('GET /v1/workflows?sort=-created_at starts from the (organization_id, created_at) index and sorts by the column, not its JSON', async () => {
    const workflows = resources.find((r) => r.name === 'workflows')!;
    for (const cursor of [undefined, 'next']) {
      await rolledBack(h.db, async (tx) => {
        await seed(tx);
        const first = listSql(workflows, { sort: '-created_at', limit: 20 }, 20);
        let q = first;
        if (cursor) {
          const page = await tx.query<Record<string, string>>(first.sql, first.params);
          const last = page.rows[19]!;
          q = listSql(workflows, { sort: '-created_at', limit: 20, cursor: encodeCursor({ sort: '-created_at', value: last.__sort!, key: [last[keyAlias(0)]!] }) }, 20);
        }
        const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params);
        const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
        // the first page is served from the index; with a cursor the planner may pick another path for so few rows
        if (!cursor) expect(plan, `first page: ${q.sql}`).toMatch(/"Index Name":"workflows_organization_id_created_at_idx"/);
        expect(plan, q.sql).not.toMatch(/"Sort Key":\[[^\]]*to_jsonb/);
      });
    }
  });

  it('every list and sort order, first and deep pages: nothing below the page\'s LIMIT makes JSON or text of a row', async () => {
    await rolledBack(h.db, async (tx) => {
      await seed(tx);
      let checked = 0;
      for (const r of resources.filter((x) => x.operations.includes('list'))) {
        for (const column of [...r.keys, ...r.sortable])
          for (const sort of [column, `-${column}`]) {
            const first = listSql(r, { sort, limit: 5 }, 20);
            const pages = [first];
            // a deep page: the cursor of the 5th row of the first page (when the table has rows)
            const got = await tx.query<Record<string, string | null>>(first.sql, first.params);
            const last = got.rows[4];
            if (last) pages.push(listSql(r, { sort, limit: 5, cursor: encodeCursor({ sort, value: last.__sort ?? null, key: r.keys.map((_, i) => last[keyAlias(i)]!) }) }, 20));
            for (const q of pages) {
              const { rows } = await tx.query<Record<string, unknown>>(`EXPLAIN (VERBOSE, FORMAT JSON) ${q.sql}`, q.params);
              const raw = Object.values(rows[0]!)[0];
              const plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
              const limit = pageLimit(plan);
              expect(limit, `${r.name} ${sort}: ${q.sql}`).toBeDefined();
              const below = nodes(limit!).flatMap((n) => [...(n.Output ?? []), ...(n['Sort Key'] ?? [])]);
              // (the policies' InitPlans, which read settings, not rows, are not the rows' JSON)
              const rowWork = below.filter((o) => !/^(schemagen_|nullif\(|\(SubPlan|\$)/.test(o));
              expect(rowWork.filter((o) => /to_jsonb|::text|::double precision/.test(o)), `${r.name} ${sort}: ${JSON.stringify(nodes(limit!).map((n) => [n["Node Type"], n.Output]))}`).toEqual([]);
              checked++;
            }
          }
      }
      expect(checked).toBeGreaterThan(20);
    });
  });
});

/** Composite keys (test/golden/composite-keys): the same, with every key column a tie-breaker. */
const fx = await generateFixtureApi(COMPOSITE_MODEL, tempDirs('sg-list-plan-').dir());

describeEachEngine('generated list query plan, composite keys', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await fx.migrate(h.db);
  });
  afterAll(() => h?.close());

  const uuid = (table: number, n: string) => `('00000000-0000-4000-${8000 + table}-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
  /** 40 organizations, each with 20 projects, 10 users, 200 memberships, 600 milestones, 100 labels; as admin of the 7th. */
  const seed = async (tx: Parameters<Parameters<typeof rolledBack>[1]>[0]) => {
    await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
    await tx.query(`INSERT INTO organizations (id, name) SELECT ${uuid(0, 'o')}, 'O' || o FROM generate_series(1, 40) o`);
    await tx.query(`INSERT INTO users (id, organization_id, email, role) SELECT ${uuid(1, 'o * 100 + u')}, ${uuid(0, 'o')}, u || '@o' || o, 'admin' FROM generate_series(1, 40) o, generate_series(1, 10) u`);
    await tx.query(`INSERT INTO projects (id, organization_id, name) SELECT ${uuid(2, 'o * 100 + p')}, ${uuid(0, 'o')}, 'P' || p FROM generate_series(1, 40) o, generate_series(1, 20) p`);
    await tx.query(
      `INSERT INTO memberships (organization_id, project_id, user_id, hours_per_week, role, created_at) SELECT ${uuid(0, 'o')}, ${uuid(2, 'o * 100 + p')}, ${uuid(1, 'o * 100 + u')}, nullif((p * u) % 7, 0) * 5, (CASE WHEN u = 1 THEN 'lead' ELSE 'contributor' END)::member_role, now() - (p * u) * interval '1 minute' FROM generate_series(1, 40) o, generate_series(1, 20) p, generate_series(1, 10) u`,
    );
    await tx.query(
      `INSERT INTO milestones (organization_id, project_id, number, title, due_on) SELECT ${uuid(0, 'o')}, ${uuid(2, 'o * 100 + p')}, n, 'M' || n, CASE WHEN n % 4 = 0 THEN NULL ELSE date '2026-01-01' + n END FROM generate_series(1, 40) o, generate_series(1, 20) p, generate_series(1, 30) n`,
    );
    await tx.query(`INSERT INTO labels (organization_id, project_id, name) SELECT ${uuid(0, 'o')}, ${uuid(2, 'o * 100 + p')}, 'label ' || l FROM generate_series(1, 40) o, generate_series(1, 20) p, generate_series(1, 5) l`);
    await tx.query(`INSERT INTO tasks (organization_id, project_id, milestone_number, title) SELECT ${uuid(0, 'o')}, ${uuid(2, 'o * 100 + p')}, 1, 'T' FROM generate_series(1, 40) o, generate_series(1, 20) p`);
    await tx.query('ANALYZE');
    const org = '00000000-0000-4000-8000-000000000007';
    await actAs(tx, fx.ir, org, '00000000-0000-4000-8001-0000000002bd');
  };
  const explain = async (tx: Parameters<Parameters<typeof rolledBack>[1]>[0], q: { sql: string; params: (string | null)[] }): Promise<PlanNode> => {
    const { rows } = await tx.query<Record<string, unknown>>(`EXPLAIN (VERBOSE, FORMAT JSON) ${q.sql}`, q.params);
    const raw = Object.values(rows[0]!)[0];
    return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
  };

  it('every list and sort order, first and deep pages: nothing below the page\'s LIMIT makes JSON or text of a row; the default order reads the primary key', async () => {
    await rolledBack(h.db, async (tx) => {
      await seed(tx);
      let checked = 0;
      const { listSql, encodeCursor, keyAlias } = fx.query;
      for (const r of fx.model.resources.filter((x) => x.operations.includes('list'))) {
        for (const column of [...r.keys, ...r.sortable])
          for (const sort of [column, `-${column}`]) {
            const first = listSql(r, { sort, limit: 5 }, 20);
            const pages = [first];
            const got = await tx.query<Record<string, string | null>>(first.sql, first.params);
            expect(got.rows.length, `${r.name} ${sort}: the caller sees rows`).toBeGreaterThan(4);
            const last = got.rows[4]!;
            pages.push(listSql(r, { sort, limit: 5, cursor: encodeCursor({ sort, value: last.__sort ?? null, key: r.keys.map((_, i) => last[keyAlias(i)]!) }) }, 20));
            for (const q of pages) {
              const plan = await explain(tx, q);
              const limit = pageLimit(plan);
              expect(limit, `${r.name} ${sort}: ${q.sql}`).toBeDefined();
              const below = nodes(limit!).flatMap((n) => [...(n.Output ?? []), ...(n['Sort Key'] ?? [])]);
              const rowWork = below.filter((o) => !/^(schemagen_|nullif\(|\(SubPlan|\$)/.test(o));
              expect(rowWork.filter((o) => /to_jsonb|::text|::double precision/.test(o)), `${r.name} ${sort}: ${JSON.stringify(nodes(limit!).map((n) => [n['Node Type'], n.Output]))}`).toEqual([]);
              checked++;
            }
          }
      }
      expect(checked).toBeGreaterThan(30);
      // the key order, first and deep pages, straight from the (tenant, key…) primary key: no sort of the tenant's rows
      for (const name of ['memberships', 'milestones', 'labels']) {
        const r = fx.model.resources.find((x) => x.name === name)!;
        const first = listSql(r, { limit: 20 }, 20);
        const row = (await tx.query<Record<string, string | null>>(first.sql, first.params)).rows[19]!;
        const deep = listSql(r, { limit: 20, cursor: encodeCursor({ sort: r.keys[0]!, value: row.__sort ?? null, key: r.keys.map((_, i) => row[keyAlias(i)]!) }) }, 20);
        for (const q of [first, deep]) {
          const page = nodes(pageLimit(await explain(tx, q))!);
          expect(page.some((n) => n['Index Name'] === `${name}_pkey`), `${name}: ${JSON.stringify(page.map((n) => [n['Node Type'], n['Index Name']]))}`).toBe(true);
          expect(page.some((n) => n['Node Type'] === 'Sort'), `${name}: ${q.sql}`).toBe(false);
        }
      }
    });
  });
});
