import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgEngine, PG_SKIP_REASON } from '../support/engines.ts';
import { request, type Ids } from './arbitraries.ts';
import { openApi, TABLES, seedTenants, type Api, type Tenant } from './harness.ts';

/**
 * The API behind PgBouncer in transaction mode (.ci/pgbouncer.sh: default_pool_size=2): interleaved
 * requests of many tenants share two server connections, transaction by transaction. Tenant, user and role
 * are set with set_config(..., true), so they end with each transaction and no request ever sees another
 * tenant's context. TEST_PGBOUNCER_URL names the bouncer (its database part is replaced by each test's).
 */

const BOUNCER = process.env.TEST_PGBOUNCER_URL || undefined;
const SKIP = !pgEngine ? PG_SKIP_REASON : 'TEST_PGBOUNCER_URL not set (.ci/pgbouncer.sh starts PgBouncer and prints it): PgBouncer tests skipped';
const SEED = Number(process.env.API_BOUNCER_SEED ?? 20261204);
const RUNS = Number(process.env.API_BOUNCER_RUNS ?? 25);

const throughBouncer = (databaseUrl: string) => {
  const u = new URL(BOUNCER!);
  u.pathname = new URL(databaseUrl).pathname;
  return u.toString();
};

async function digest(api: Api, org: string): Promise<string> {
  return api.owner(async (q) => {
    const parts: string[] = [];
    for (const t of TABLES) {
      const key = t === 'organizations' ? 'id' : 'organization_id';
      const { rows } = await q.query<{ d: string }>(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x.id::text)), '') AS d FROM "${t}" x WHERE "${key}" = $1`, [org]);
      parts.push(rows[0]!.d);
    }
    return parts.join(' ');
  });
}

function orgsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) orgsIn(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.organization_id === 'string') out.push(o.organization_id);
    for (const v of Object.values(o)) orgsIn(v, out);
  }
  return out;
}

/** PgBouncer's own view of one database's pool: clients served and waiting, server connections. */
async function pools(database: string): Promise<{ clients: number; servers: number }> {
  const u = new URL(BOUNCER!);
  u.pathname = '/pgbouncer';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const { rows } = await c.query('SHOW POOLS');
    const mine = rows.filter((r) => r.database === database);
    const n = (k: string) => mine.reduce((s, r) => s + Number(r[k] ?? 0), 0);
    return { clients: n('cl_active') + n('cl_waiting'), servers: n('sv_active') + n('sv_idle') + n('sv_used') + n('sv_tested') + n('sv_login') };
  } finally {
    await c.end();
  }
}

if (!pgEngine || !BOUNCER) describe.skip(`api tenancy behind PgBouncer (transaction mode) [pg] (${SKIP})`, () => it.skip(SKIP, () => {}));
else
  describe('api tenancy behind PgBouncer (transaction mode) [pg]', () => {
    let api: Api;
    let tenants: Tenant[];
    let ids: Record<string, string[]>;
    let owned: Map<string, Set<string>>;
    let database: string;
    beforeAll(async () => {
      api = await openApi(pgEngine!, { poolUrl: throughBouncer, poolMax: 20 });
      database = new URL(api.handle.url!).pathname.slice(1);
      tenants = await seedTenants(
        api,
        Array.from({ length: 6 }, (_, i) => ({ users: 1 + (i % 2), workflows: [{ buckets: [1 + (i % 3)], assessments: i % 2 ? [{ documents: 1, results: 1 }] : [] }] })),
      );
      ids = {};
      owned = new Map();
      for (const t of tenants) {
        const mine = new Set<string>([t.org]);
        for (const [table, rows] of Object.entries(t.rows)) {
          (ids[table] ??= []).push(...rows.map((r) => r.id as string));
          for (const r of rows) mine.add(r.id as string);
        }
        owned.set(t.org, mine);
      }
    });
    afterAll(() => api?.close());

    it('many concurrent clients share at most 2 server connections; every one sees only its own tenant', async () => {
      let peak = { clients: 0, servers: 0 };
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const p = await pools(database);
          peak = { clients: Math.max(peak.clients, p.clients), servers: Math.max(peak.servers, p.servers) };
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const results = await Promise.all(
        Array.from({ length: 120 }, async (_, i) => {
          const t = tenants[i % tenants.length]!;
          const r = await api.call('GET', '/v1/workflows?limit=100', { token: t.token });
          return { t, r };
        }),
      );
      sampling = false;
      await sampler;
      for (const { t, r } of results) {
        expect(r.status, r.text).toBe(200);
        expect(r.body.data.length).toBe(t.rows.workflows!.length);
        expect(orgsIn(r.body).every((o) => o === t.org)).toBe(true);
      }
      console.log(`pgbouncer: peak ${peak.clients} clients on ${peak.servers} server connections`);
      expect(peak.clients).toBeGreaterThan(2);
      expect(peak.servers).toBeLessThanOrEqual(2);
    });

    it('property: interleaved requests of many tenants never see or change another tenant’s rows', async () => {
      const step = fc.tuple(fc.nat(), request(ids as Ids));
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 8 }), async (steps) => {
          const actors = new Set(steps.map(([pick]) => tenants[pick % tenants.length]!.org));
          const bystanders = tenants.filter((t) => !actors.has(t.org));
          const before = await Promise.all(bystanders.map((t) => digest(api, t.org)));
          // all at once: their transactions interleave on PgBouncer's two server connections
          const answers = await Promise.all(
            steps.map(async ([pick, { method, url, body }]) => {
              const actor = tenants[pick % tenants.length]!;
              const r = await api.call(method, url, { token: actor.token, ...(body === undefined ? {} : { raw: JSON.stringify(body) }) });
              return { actor, sent: `${url} ${JSON.stringify(body) ?? ''}`, method, r };
            }),
          );
          for (const { actor, sent, method, r } of answers) {
            const where = `${actor.org} ${method} ${sent.slice(0, 300)} → ${r.status} ${r.text.slice(0, 300)}`;
            expect(r.status, where).toBeLessThan(500);
            if (r.status < 300) expect(orgsIn(r.body).every((o) => o === actor.org), where).toBe(true);
            for (const t of tenants) if (t !== actor) for (const id of owned.get(t.org)!) if (r.text.includes(id)) expect(sent, `${where} leaks ${id}`).toContain(id);
          }
          expect(await Promise.all(bystanders.map((t) => digest(api, t.org)))).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS, verbose: true },
      );
    });
  });
