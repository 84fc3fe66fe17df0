import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MigrationError } from '../../generator/runtime/migration-error.ts';
import { readMigrations } from '../../generator/runtime/migration-files.ts';
import { migrateUp } from '../../generator/runtime/migrations.ts';
import { openPg } from '../../generator/runtime/pg-db.ts';
import { ROOT } from '../support/db-helpers.ts';
import { describePg, pgAdminUrl } from '../support/engines.ts';
import { openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

/**
 * generated/api deployed the way a Node host does it: a copy of that folder alone, in an empty directory,
 * `npm ci` (from the local npm cache where it can), `npm run build`, `npm start` with DATABASE_URL and
 * JWT_SECRET only, connecting as a least-privilege login role; then SIGTERM to npm, which must reach node.
 */

const NPM_TIMEOUT = 600_000;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const withUser = (url: string, user: string, password?: string, database?: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  if (database) u.pathname = `/${database}`;
  return u.toString();
};

describePg('the API deployed as a package of its own', (engine) => {
  let api: Api;
  let A: Tenant;
  let dir: string;
  const role = `sg_api_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  beforeAll(async () => {
    api = await openApi(engine, { http: false });
    [A] = (await seedTenants(api, [{ users: 1, workflows: [{ buckets: [1], assessments: [] }] }, { users: 1, workflows: [{ buckets: [], assessments: [] }] }])) as [Tenant];
    // the README's least-privilege login role: LOGIN, a member of the application role only
    await admin(pgAdminUrl!, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT app_user TO ${role};`);
    dir = mkdtempSync(join(tmpdir(), 'schemagen-api-'));
    const src = join(ROOT, 'generated/api');
    for (const f of readdirSync(src)) if (f !== 'dist' && f !== 'node_modules') cpSync(join(src, f), join(dir, f));
  });
  afterAll(async () => {
    await api?.close();
    await admin(pgAdminUrl!, `DROP ROLE IF EXISTS ${role}`).catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the least-privilege role: not the owner, no BYPASSRLS, cannot create tables or leave its role; sees nothing without a tenant', async () => {
    const c = new pg.Client({ connectionString: withUser(api.handle.url!, role, password) });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owns,
        array(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid) AS member_of FROM pg_roles r WHERE r.rolname = current_user`);
      expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, owns: 0, member_of: ['app_user'] });
      await expect(c.query('CREATE TABLE intruder (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('SET ROLE postgres')).rejects.toMatchObject({ code: '42501' });
      // the application role holds nothing itself (NOINHERIT); through it the login may act as each role's database role,
      // which sees nothing without a tenant and a member user
      await expect(c.query('SELECT count(*)::int AS n FROM workflows')).rejects.toMatchObject({ code: '42501' });
      await c.query('BEGIN');
      await c.query("SELECT set_config('role', 'app_user_admin', true)");
      expect((await c.query('SELECT count(*)::int AS n FROM workflows')).rows[0].n).toBe(0);
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
  });

  it('a copy of generated/api alone: npm ci, npm run build (JavaScript only), npm start with DATABASE_URL and JWT_SECRET; /health and a /v1 route answer; SIGTERM to npm exits 0 and stops node', { timeout: NPM_TIMEOUT }, async () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.scripts).toEqual({ build: 'tsc -p tsconfig.json', start: 'exec node dist/server.js' });
    for (const v of Object.values({ ...pkg.dependencies, ...pkg.devDependencies })) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    const install = await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.out).toBe(0);
    const build = await run('npm', ['run', 'build'], dir);
    expect(build.code, build.out).toBe(0);
    const built = readdirSync(join(dir, 'dist'));
    expect(built).toContain('server.js');
    expect(built.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(readFileSync(join(dir, 'dist/app.js'), 'utf8')).not.toMatch(/from '\.\/[a-z-]+\.ts'/);

    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DATABASE_URL: withUser(api.handle.url!, role, password), JWT_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' };
    const child: ChildProcess = spawn('npm', ['start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let base = '';
    for (let i = 0; i < 600 && !base && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
    }
    expect(base, out).not.toBe('');
    const pid = Number(/"pid":(\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(child.pid); // node runs below npm: the signal must travel
    try {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const list = await fetch(`${base}/v1/workflows`, { headers: { authorization: `Bearer ${A.token}` } });
      expect(list.status).toBe(200);
      const body = (await list.json()) as { data: { organization_id: string }[] };
      expect(body.data.length).toBe(1);
      expect(body.data.every((w) => w.organization_id === A.org)).toBe(true);
      expect((await fetch(`${base}/docs`)).status).toBe(404); // NODE_ENV=production
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit, out).toBe(0);
    expect(out).toContain('shutting down');
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('migrations need the owner with CREATEROLE: without it the error says so (not "fix the SQL")', async () => {
    const owner = `sg_owner_${randomBytes(4).toString('hex')}`;
    const database = `sg_db_${randomBytes(4).toString('hex')}`;
    await admin(pgAdminUrl!, `CREATE ROLE ${owner} LOGIN`);
    await admin(pgAdminUrl!, `CREATE DATABASE ${database} OWNER ${owner}`);
    try {
      const db = await openPg(withUser(pgAdminUrl!, owner, undefined, database));
      try {
        const err = await migrateUp(db, await readMigrations(join(ROOT, 'generated/migrations'))).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(MigrationError);
        expect((err as MigrationError).sqlstate).toBe('42501');
        expect((err as Error).message).toContain('CREATEROLE');
        expect((err as Error).message).not.toContain('Fix the SQL');
      } finally {
        await db.close();
      }
    } finally {
      await admin(pgAdminUrl!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin(pgAdminUrl!, `DROP ROLE IF EXISTS ${owner}`);
    }
  });
});

it('generated/api/package.json: exact versions of what the API imports, in step with the root lock; its lock holds their whole closure', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'generated/api/package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'generated/api/package-lock.json'), 'utf8'));
  const root = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    expect(root.packages[`node_modules/${name}`].version, name).toBe(version);
    expect(lock.packages[`node_modules/${name}`].version, name).toBe(version);
  }
  expect(Object.keys(pkg.dependencies)).toContain('fastify');
  expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
  expect(Object.keys(lock.packages)).not.toContain('node_modules/tsx');
  expect(Object.keys(lock.packages)).not.toContain('node_modules/vitest');
  expect(lock.packages['node_modules/typescript'].dev).toBe(true);
  expect(lock.packages['node_modules/fastify'].dev).toBeUndefined();
  expect(existsSync(join(ROOT, 'generated/api/dist'))).toBe(existsSync(join(ROOT, 'generated/api/dist'))); // build output may exist locally; gen ignores it
});
