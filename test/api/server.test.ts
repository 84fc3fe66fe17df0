import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../generated/api/config.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { ROOT } from '../support/db-helpers.ts';
import { describePg, pgAdminUrl } from '../support/engines.ts';
import { openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

const SERVER = join(ROOT, 'generated/api/server.ts');
const BASE = { DATABASE_URL: 'postgres://app@db.internal:5432/app', JWT_SECRET: SECRET };

/** Runs the generated server.ts with exactly this environment (plus PATH). */
function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SERVER], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exit: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { out: () => out, err: () => err, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

describe('api configuration from the environment', () => {
  const fails = (env: Record<string, string>, variable: string) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  };

  it('defaults: port 3000, pool of 20, info logs, 1 MiB bodies, no CORS', () => {
    expect(loadConfig(BASE)).toMatchObject({ port: 3000, host: '0.0.0.0', poolMax: 20, logLevel: 'info', bodyLimit: 1048576, corsOrigins: [], jwt: { secret: SECRET }, docs: true });
  });

  it('each bad value names its variable, and never echoes a secret', () => {
    fails({ JWT_SECRET: SECRET }, 'DATABASE_URL');
    fails({ ...BASE, DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL');
    fails({ ...BASE, DATABASE_URL: 'not a url' }, 'DATABASE_URL');
    fails({ DATABASE_URL: BASE.DATABASE_URL }, 'JWT_SECRET');
    fails({ ...BASE, JWT_SECRET: 'short-secret-value' }, 'JWT_SECRET');
    expect(() => loadConfig({ ...BASE, JWT_SECRET: 'short-secret-value' })).not.toThrow(/short-secret-value/);
    fails({ ...BASE, JWT_PUBLIC_KEY: 'x' }, 'JWT_SECRET');
    fails({ DATABASE_URL: BASE.DATABASE_URL, JWT_PUBLIC_KEY: 'not a key' }, 'JWT_PUBLIC_KEY');
    fails({ ...BASE, PORT: 'http' }, 'PORT');
    fails({ ...BASE, PORT: '70000' }, 'PORT');
    fails({ ...BASE, DB_POOL_MAX: '0' }, 'DB_POOL_MAX');
    fails({ ...BASE, DB_POOL_MAX: '20 connections' }, 'DB_POOL_MAX');
    fails({ ...BASE, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
    fails({ ...BASE, CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS');
    fails({ ...BASE, CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS');
    fails({ ...BASE, API_DOCS: 'maybe' }, 'API_DOCS');
  });

  it('JWT_PUBLIC_KEY picks RS256 for RSA and ES256 for P-256 (escaped newlines accepted); CORS_ORIGINS is a list', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const env = { DATABASE_URL: BASE.DATABASE_URL };
    expect(loadConfig({ ...env, JWT_PUBLIC_KEY: rsa.replaceAll('\n', '\\n') }).jwt).toMatchObject({ algorithm: 'RS256' });
    expect(loadConfig({ ...env, JWT_PUBLIC_KEY: ec }).jwt).toMatchObject({ algorithm: 'ES256' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    fails({ ...env, JWT_PUBLIC_KEY: p384 }, 'JWT_PUBLIC_KEY');
    expect(loadConfig({ ...BASE, CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
  });

  it('server.ts stops start-up with one line naming the variable', async () => {
    const run = collect(start({ DATABASE_URL: BASE.DATABASE_URL, JWT_SECRET: 'too-short' }));
    expect(await run.exit).toBe(1);
    expect(run.err().trim().split('\n')).toEqual([expect.stringMatching(/^config error: JWT_SECRET: too short \(9 characters\)/)]);
    expect(run.err()).not.toContain('too-short');
  });
});

describePg('the generated server process', (engine) => {
  let api: Api;
  let A: Tenant;
  beforeAll(async () => {
    api = await openApi(engine, { http: false });
    [A] = (await seedTenants(api, [{ users: 1, workflows: [{ buckets: [], assessments: [] }] }])) as [Tenant];
  });
  afterAll(() => api?.close());

  it('serves from DATABASE_URL; on SIGTERM it stops accepting, finishes the in-flight request, closes the pool and exits 0', async () => {
    const apiConnections = async () => {
      const admin = new pg.Client({ connectionString: pgAdminUrl });
      await admin.connect();
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'schemagen-api'`, [new URL(api.handle.url!).pathname.slice(1)]);
      await admin.end();
      return rows[0].n as number;
    };
    const baseline = await apiConnections();
    const child = start({ DATABASE_URL: api.handle.url!, JWT_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DB_POOL_MAX: '5' });
    const run = collect(child);
    let base = '';
    for (let i = 0; i < 200 && !base; i++) {
      base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out())?.[1] ?? '';
      if (!base) await new Promise((r) => setTimeout(r, 50));
    }
    expect(base, run.out() + run.err()).not.toBe('');
    const auth = { authorization: `Bearer ${devToken(SECRET, { userId: A.user, orgId: A.org })}` };
    expect((await fetch(`${base}/v1/workflows`, { headers: auth })).status).toBe(200);

    // hold a lock so that one request is in flight when SIGTERM arrives
    const locker = new pg.Client({ connectionString: api.handle.url! });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE workflows IN ACCESS EXCLUSIVE MODE');
    const inflight = fetch(`${base}/v1/workflows`, { headers: auth });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await fetch(`${base}/health`).then((r) => r.status, () => 'refused');
    expect(['refused', 503]).toContain(refused);
    await locker.query('COMMIT');
    await locker.end();
    const finished = await inflight;
    expect(finished.status).toBe(200);
    expect(await run.exit, run.out() + run.err()).toBe(0);
    expect(run.out()).toContain('shutting down');
    expect(run.out()).not.toContain(auth.authorization.slice(7));
    // the pool is closed: only the test's own connections are left
    expect(await apiConnections()).toBe(baseline);
  });
});
