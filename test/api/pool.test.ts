import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePg, pgAdminUrl } from '../support/engines.ts';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../generated/api/app.ts';
import { createPgPool } from '../../generated/api/db.ts';
import { openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

const POOL_MAX = 20;

async function admin(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describePg('api pool and database outages', (engine) => {
  let api: Api;
  let A: Tenant;
  let dbName: string;
  const terminate = () => admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
  beforeAll(async () => {
    api = await openApi(engine, { poolMax: POOL_MAX, app: { readyTimeoutMs: 2000 } });
    dbName = new URL(api.handle.url!).pathname.slice(1);
    [A] = (await seedTenants(api, [{ users: 2, workflows: [{ buckets: [2], assessments: [{ documents: 1, results: 1 }] }, { buckets: [], assessments: [] }] }])) as [Tenant];
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`).catch(() => {});
    await api?.close();
  });

  it(`200 concurrent requests over HTTP with DB_POOL_MAX=${POOL_MAX}: all succeed, never more than ${POOL_MAX} connections`, async () => {
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      while (sampling) {
        const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'schemagen-api'`, [dbName]);
        peak = Math.max(peak, rows[0]!.n);
        await new Promise((r) => setTimeout(r, 5));
      }
      await c.end();
    })();
    const started = performance.now();
    const times: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const t0 = performance.now();
        const r =
          i % 4 === 0
            ? await api.call('POST', '/v1/workflows', { token: A.token, body: { name: `Concurrent ${i}`, buckets: [{ name: 'b', position: 0 }] } })
            : await api.call('GET', `/v1/workflows?limit=20&sort=${i % 3 ? 'name' : '-created_at'}&count=exact`, { token: A.token });
        times.push(performance.now() - t0);
        return r.status;
      }),
    );
    const wall = performance.now() - started;
    sampling = false;
    await sampler;
    expect(results.filter((s) => s >= 300)).toEqual([]);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(POOL_MAX);
    times.sort((a, b) => a - b);
    console.log(`200 concurrent requests: ${wall.toFixed(0)} ms wall, p50 ${times[100]!.toFixed(1)} ms, p95 ${times[190]!.toFixed(1)} ms, peak ${peak} connections`);
    const total = await api.call('GET', '/v1/workflows?limit=1&count=exact', { token: A.token });
    expect(total.body.total).toBe(2 + 50);
  });

  it('recovers when every connection is killed (a database restart): no request fails', async () => {
    expect((await api.call('GET', '/v1/workflows', { token: A.token })).status).toBe(200);
    await terminate();
    const statuses = await Promise.all(Array.from({ length: 30 }, () => api.call('GET', '/v1/workflows', { token: A.token }).then((r) => r.status)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('/ready is 503 while the database refuses connections and 200 again after; requests get 503, never 500', async () => {
    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    await terminate();
    const ready = await api.call('GET', '/ready');
    expect([ready.status, ready.body.code, ready.headers['retry-after']]).toEqual([503, 'database_unavailable', '1']);
    const list = await api.call('GET', '/v1/workflows', { token: A.token });
    expect([list.status, list.body.code]).toEqual([503, 'database_unavailable']);
    expect(list.text).not.toContain(dbName);
    expect((await api.call('GET', '/health')).status).toBe(200);
    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    expect((await api.call('GET', '/ready')).status).toBe(200);
    expect((await api.call('GET', '/v1/workflows', { token: A.token })).status).toBe(200);
  });

  it('a LOGIN role that is not a member of app_user: /ready 503 and requests 500 naming the fix in the log only; after GRANT, RLS applies to it', async () => {
    const role = `sg_api_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(api.handle.url!);
    url.username = role;
    url.password = '';
    const lines: string[] = [];
    const pool = createPgPool({ url: url.toString(), max: 2 });
    const app = buildApp({ pool, jwt: { secret: SECRET }, logLevel: 'warn', logStream: { write: (l) => void lines.push(l) } });
    try {
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
      const r = await app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${A.token}` } });
      expect([r.statusCode, r.json().code]).toEqual([500, 'internal']);
      expect(r.body).not.toContain(role);
      expect(lines.join('')).toContain(`GRANT app_user TO`);
      await admin(`GRANT app_user TO ${role}`);
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
      const ok = await app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${A.token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().data.every((w: { organization_id: string }) => w.organization_id === A.org)).toBe(true);
    } finally {
      await app.close();
      await pool.end();
      await admin(`DROP ROLE ${role}`);
    }
  });
});
