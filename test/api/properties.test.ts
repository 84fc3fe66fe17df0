import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.ts';
import { hostile, request, type Ids, type RawRequest } from './arbitraries.ts';
import { fingerprint, isErrorShape, openApi, seedTenants, TABLES, type Api, type Tenant } from './harness.ts';

/** Fixed seeds: a failure replays with the seed and path fast-check prints (override with the env variables to explore). */
const FUZZ_SEED = Number(process.env.API_FUZZ_SEED ?? 20261126);
const FUZZ_RUNS = Number(process.env.API_FUZZ_RUNS ?? 150);
const ISOLATION_SEED = Number(process.env.API_ISOLATION_SEED ?? 20261127);
const ISOLATION_RUNS = Number(process.env.API_ISOLATION_RUNS ?? 40);

/** A digest of one organization's rows in every table, read as the owner. */
async function orgDigest(api: Api, org: string): Promise<Record<string, string>> {
  return api.owner(async (q) => {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const key = t === 'organizations' ? 'id' : 'organization_id';
      const { rows } = await q.query<{ d: string }>(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x.id::text)), '') AS d FROM "${t}" x WHERE "${key}" = $1`, [org]);
      out[t] = rows[0]!.d;
    }
    return out;
  });
}

/** Every object in a JSON value that carries an organization. */
function orgsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) orgsIn(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.organization_id === 'string') out.push(o.organization_id);
    for (const v of Object.values(o)) orgsIn(v, out);
  }
  return out;
}

describeEachEngine('api properties', (engine) => {
  let api: Api;
  let tenants: Tenant[];
  let A: Tenant;
  let ids: Record<string, string[]>;
  /** Ids of rows and organizations, by owning tenant. */
  let owned: Map<string, Set<string>>;
  beforeAll(async () => {
    api = await openApi(engine);
    tenants = await seedTenants(api, [
      { users: 2, workflows: [{ buckets: [2, 1], assessments: [{ documents: 1, results: 2 }] }, { buckets: [1], assessments: [] }] },
      { users: 1, workflows: [{ buckets: [1, 1], assessments: [{ documents: 2, results: 1 }] }] },
      { users: 1, workflows: [{ buckets: [], assessments: [] }] },
    ]);
    A = tenants[0]!;
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

  it('property: never a 500, always the error shape, and a refused request writes nothing (hostile input included)', async () => {
    const seen = new Map<number, number>();
    // the caller's own rows twice as likely as another tenant's
    const fuzzIds: Record<string, string[]> = Object.fromEntries(Object.entries(ids).map(([t, list]) => [t, [...list, ...(A.rows[t] ?? []).map((r) => r.id as string)]]));
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 6, arbitrary: request(fuzzIds as Ids) as fc.Arbitrary<RawRequest> }, { weight: 1, arbitrary: hostile(fuzzIds as Ids) }), async ({ spec, method, url, body, raw, headers }) => {
        const before = method !== 'GET' ? await fingerprint(api, TABLES) : null;
        const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
        const r = await api.call(method, url, { token: A.token, ...(headers ? { headers } : {}), ...(payload === undefined ? {} : { raw: payload }) });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        if (process.env.API_FUZZ_LOG) console.log(r.status, method, url.slice(0, 80), r.body?.message?.slice(0, 80));
        expect(r.status, `${method} ${url} ${JSON.stringify(body)?.slice(0, 300)} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) {
          expect(isErrorShape(r.body, r.status), r.text).toBe(true);
          if (before) expect(await fingerprint(api, TABLES), `${spec.operation} ${url} was refused (${r.status}) but wrote`).toEqual(before);
        }
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, verbose: true },
    );
    // the generator must reach both sides: accepted and refused requests
    const ok = [...seen].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(ok, JSON.stringify([...seen])).toBeGreaterThan(FUZZ_RUNS / 30);
    expect(FUZZ_RUNS - ok).toBeGreaterThan(FUZZ_RUNS / 10);
  });

  it('property: whatever a tenant sends, no response holds another tenant’s row and no other tenant’s row changes', async () => {
    const step = fc.tuple(fc.nat(), request(ids as Ids));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const [pick, { method, url, body }] of steps) {
          const actor = tenants[pick % tenants.length]!;
          const others = tenants.filter((t) => t !== actor);
          const before = await Promise.all(others.map((t) => orgDigest(api, t.org)));
          const sent = `${url} ${JSON.stringify(body) ?? ''}`;
          const r = await api.call(method, url, { token: actor.token, ...(body === undefined ? {} : { raw: JSON.stringify(body) }) });
          const where = `${actor.org} ${method} ${sent.slice(0, 300)} → ${r.status} ${r.text.slice(0, 300)}`;
          expect(r.status, where).toBeLessThan(500);
          if (r.status < 300) expect(orgsIn(r.body).every((o) => o === actor.org), where).toBe(true);
          // another tenant's id may appear only where the caller sent it (a 404 naming the id it asked for)
          for (const t of others) for (const id of owned.get(t.org)!) if (r.text.includes(id)) expect(sent, `${where} leaks ${id}`).toContain(id);
          expect(await Promise.all(others.map((t) => orgDigest(api, t.org))), where).toEqual(before);
        }
      }),
      { seed: ISOLATION_SEED, numRuns: ISOLATION_RUNS, verbose: true },
    );
  });
});
