import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../support/db-helpers.ts';
import { describePg, pgAdminUrl } from '../support/engines.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { isErrorShape, openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

/**
 * Database faults against the server as a process (generated/api/server.ts): backends terminated while 40
 * clients send requests, and the database taken away and given back (through a TCP proxy the test owns)
 * under load. The process must stay up, every answer must be a success or a 503 in the error shape with
 * Retry-After, nothing may be half-written, and the API must recover by itself.
 */

const CLIENTS = 40;
const ROUNDS = 12;

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
  stop(): Promise<number | null>;
}

async function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'generated/api/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, JWT_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DB_POOL_MAX: '10', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let base = '';
  // bounded by attempts, not by a time tuned to an idle machine: a slow start only takes more of them
  for (let i = 0; i < 600 && !base && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
  }
  if (!base) throw new Error(`the server did not start:\n${out}`);
  return {
    child,
    base,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exit;
    },
  };
}

async function admin<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: pgAdminUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

interface Answer {
  readonly status: number;
  readonly body: any;
  readonly retryAfter: string | null;
  readonly name?: string;
}

async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  let r: Response;
  let text: string;
  try {
    r = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    text = await r.text();
  } catch (err) {
    // the server closed the connection or is gone: status 0, which no assertion accepts
    return { status: 0, body: String((err as Error).cause ?? err), retryAfter: null };
  }
  return { status: r.status, body: text ? JSON.parse(text) : undefined, retryAfter: r.headers.get('retry-after') };
}

/** A workflow with two buckets of two criteria each: five rows that must exist all together or not at all. */
const tree = (name: string) => ({
  name,
  buckets: [0, 1].map((b) => ({ name: `b${b}`, position: b, criteria: [0, 1].map((c) => ({ title: `c${c}`, position: c })) })),
});

/** Every answer is a success or a 503 in the error shape with Retry-After; never a 500, never a dropped connection. */
function expectSuccessOr503(answers: readonly Answer[]): void {
  for (const a of answers) {
    if (a.status < 300) continue;
    expect([a.status, a.body?.code, a.retryAfter], JSON.stringify(a.body)).toEqual([503, 'database_unavailable', '1']);
    expect(isErrorShape(a.body, 503), JSON.stringify(a.body)).toBe(true);
  }
}

describePg('api under database faults', (engine) => {
  let api: Api;
  let A: Tenant;
  let dbName: string;
  let proxy: TcpProxy;
  beforeAll(async () => {
    api = await openApi(engine, { http: false });
    dbName = new URL(api.handle.url!).pathname.slice(1);
    [A] = (await seedTenants(api, [{ users: 1, workflows: [{ buckets: [1], assessments: [] }] }])) as [Tenant];
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(api.handle.url!).port || 5432));
  });
  afterAll(async () => {
    await proxy?.close();
    await api?.close();
  });

  /** Workflows named `prefix…`: each must have both buckets and all four criteria. */
  async function expectWhole(prefix: string, created: readonly string[]): Promise<number> {
    const rows = await api.owner(async (q) =>
      (
        await q.query<{ name: string; buckets: number; criteria: number }>(
          `SELECT w.name, (SELECT count(*)::int FROM buckets b WHERE b.workflow_id = w.id) AS buckets,
                  (SELECT count(*)::int FROM criteria c JOIN buckets b ON b.id = c.bucket_id WHERE b.workflow_id = w.id) AS criteria
             FROM workflows w WHERE w.name LIKE $1`,
          [`${prefix}%`],
        )
      ).rows,
    );
    for (const r of rows) expect([r.name, r.buckets, r.criteria]).toEqual([r.name, 2, 4]);
    const names = new Set(rows.map((r) => r.name));
    for (const n of created) expect(names.has(n), `${n} was answered 201 but is not in the database`).toBe(true);
    return rows.length;
  }

  it(`pg_terminate_backend of the API's connections, again and again, while ${CLIENTS} clients list and create: the process stays up, 200/201 or 503, nothing half-written, then all succeed`, async () => {
    const server = await startServer(api.handle.url!);
    try {
      let running = true;
      let terminated = 0;
      const killer = (async () => {
        while (running) {
          const rows = await admin<{ n: number }>(
            `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'schemagen-api'`,
            [dbName],
          );
          terminated += rows[0]!.n;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const answers: Answer[] = [];
      const created: string[] = [];
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, w) => {
          for (let i = 0; i < ROUNDS && server.child.exitCode === null; i++) {
            const name = `kill-${w}-${i}`;
            const a = i % 2 ? await call(server.base, A.token, 'POST', '/v1/workflows', tree(name)) : await call(server.base, A.token, 'GET', '/v1/workflows?limit=5');
            answers.push(a);
            if (a.status === 201) created.push(name);
          }
        }),
      );
      running = false;
      await killer;
      const failed = answers.filter((a) => a.status === 503).length;
      console.log(`terminate: ${terminated} backends terminated, ${answers.length} requests, ${failed} answered 503, ${created.length} created`);
      expect(terminated).toBeGreaterThan(0);
      expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
      expectSuccessOr503(answers);
      expect(await expectWhole('kill-', created)).toBeGreaterThanOrEqual(created.length);

      // the pool has dropped the dead connections: every next request succeeds
      const after = await Promise.all(Array.from({ length: 20 }, () => call(server.base, A.token, 'GET', '/v1/workflows?limit=5')));
      expect(after.map((a) => a.status)).toEqual(after.map(() => 200));
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
      expect(server.output()).not.toMatch(/Unhandled 'error' event|uncaught/i);
    } finally {
      expect(await server.stop(), server.output().slice(-3000)).toBe(0);
    }
  });

  it('the database goes away under load (every connection cut, new ones refused) and comes back: /ready 503 then 200, requests 503 then 200, the process stays up', async () => {
    const server = await startServer(proxy.url(api.handle.url!));
    try {
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
      let running = true;
      const answers: Answer[] = [];
      const created: string[] = [];
      const load = Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          for (let i = 0; running && server.child.exitCode === null; i++) {
            const name = `cut-${w}-${i}`;
            const a = i % 2 ? await call(server.base, A.token, 'POST', '/v1/workflows', tree(name)) : await call(server.base, A.token, 'GET', '/v1/workflows?limit=5');
            answers.push(a);
            if (a.status === 201) created.push(name);
            if (a.status === 503) await new Promise((r) => setTimeout(r, 20));
          }
        }),
      );
      // twice down and up again, as a restart would
      const readyDuringOutage: number[] = [];
      for (let round = 0; round < 2; round++) {
        while (answers.length < (round + 1) * 100 && server.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
        proxy.down();
        const r = await fetch(`${server.base}/ready`);
        readyDuringOutage.push(r.status);
        expect(r.headers.get('retry-after')).toBe('1');
        const during = await call(server.base, A.token, 'GET', '/v1/workflows');
        expect([during.status, during.body?.code]).toEqual([503, 'database_unavailable']);
        proxy.up();
        let ready = 0;
        for (let i = 0; i < 300 && ready !== 200; i++) {
          ready = (await fetch(`${server.base}/ready`)).status;
          if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(ready).toBe(200);
      }
      running = false;
      await load;
      const failed = answers.filter((a) => a.status === 503).length;
      console.log(`outage: ${answers.length} requests, ${failed} answered 503, ${created.length} created`);
      expect(readyDuringOutage).toEqual([503, 503]);
      expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
      expectSuccessOr503(answers);
      expect(await expectWhole('cut-', created)).toBeGreaterThanOrEqual(created.length);
      const after = await Promise.all(Array.from({ length: 20 }, () => call(server.base, A.token, 'GET', '/v1/workflows?limit=5')));
      expect(after.map((a) => a.status)).toEqual(after.map(() => 200));
    } finally {
      proxy.up();
      expect(await server.stop(), server.output().slice(-3000)).toBe(0);
    }
  });
});
