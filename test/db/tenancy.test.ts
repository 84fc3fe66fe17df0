import fc from 'fast-check';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Ir, Table } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import type { Queryable } from '../../generator/runtime/db.ts';
import { quoteIdent as q } from '../../generator/sql/quote.ts';
import { applyMigrations, expectSqlError, rolledBack, ROOT } from '../support/db-helpers.ts';
import { describeEachEngine, describePg, type EngineHandle } from '../support/engines.ts';
import { actAs as actAsUser, addUser } from '../support/act-as.ts';
import { insertRows, orgShape, rowsFor } from '../support/tenant-data.ts';

/** Fixed so a failure replays; fast-check prints seed and path on failure. */
const SEED = 20261125;
const RUNS = Number(process.env.TENANCY_RUNS ?? 12);

let ir: Ir;
beforeAll(async () => {
  ir = (await loadModel(ROOT)).ir;
});

const tenantTables = () => ir.tables.filter((t) => t.tenancy !== 'global');
const keyOf = (t: Table) => (t.tenancy === 'root' ? 'id' : ir.tenancy!.key);
const APP = () => ir.tenancy!.appRole;

/** Acts as the API does for tenant `org` and user until the transaction ends (with roles: as the user's role's database role). */
const actAs = (tx: Queryable, org: string | null, user: string | null = null) => actAsUser(tx, ir, org, user);

/** Back to the owner (the test's session user) for checks that must see everything. */
const asOwner = (tx: Queryable) => tx.query('RESET ROLE');

/** A digest of every row a tenant owns, read as the owner. */
async function fingerprint(tx: Queryable, org: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tenantTables()) {
    const { rows } = await tx.query<{ d: string | null }>(`SELECT md5(string_agg(x::text, '|' ORDER BY x.id::text)) AS d FROM ${q(t.name)} x WHERE ${q(keyOf(t))} = $1`, [org]);
    out[t.name] = rows[0]?.d ?? '';
  }
  return out;
}

describeEachEngine('tenant isolation', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  it('the application acts as unprivileged roles (a superuser would prove nothing)', async () => {
    await rolledBack(h.db, async (tx) => {
      const acting = await actAs(tx, null);
      const { rows } = await tx.query<{ who: string; su: string; bypass: boolean }>(
        `SELECT current_user AS who, current_setting('is_superuser') AS su, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass`,
      );
      expect(rows[0]).toEqual({ who: acting, su: 'off', bypass: false });
      await asOwner(tx);
      const owner = await tx.query<{ who: string }>('SELECT current_user AS who');
      expect(owner.rows[0]!.who).not.toBe(acting);
      // with roles the application role holds no privilege of its own: a member acts through a role's database role
      const app = await tx.query<{ inherit: boolean; tables: string }>(
        `SELECT rolinherit AS inherit, (SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = $1)::text AS tables FROM pg_roles WHERE rolname = $1`,
        [APP()],
      );
      expect(app.rows[0]).toEqual({ inherit: ir.auth === null, tables: ir.auth ? '0' : app.rows[0]!.tables });
    });
  });

  it('property: a tenant reads only its own rows and cannot write, move or point at another tenant\'s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orgShape, { minLength: 2, maxLength: 5 }), fc.nat(), fc.nat(), async (shapes, aPick, bPick) => {
        const data = rowsFor(shapes);
        const a = aPick % data.length;
        const b = (a + 1 + (bPick % (data.length - 1))) % data.length;
        const A = data[a]!.organizations![0]!.id as string;
        const B = data[b]!.organizations![0]!.id as string;
        await rolledBack(h.db, async (tx) => {
          // audit triggers fire at commit (their organization's chain is held only then): here, at once
          await tx.exec('SET CONSTRAINTS ALL IMMEDIATE');
          for (const rows of data) await insertRows(tx, rows);
          const before = await fingerprint(tx, B);

          await actAs(tx, A, data[a]!.users![0]!.id as string);
          for (const t of tenantTables()) {
            const { rows } = await tx.query<{ n: string; foreign: string }>(
              `SELECT count(*) AS n, count(*) FILTER (WHERE ${q(keyOf(t))} <> $1) AS foreign FROM ${q(t.name)}`,
              [A],
            );
            // audit rows: one per row the owner inserted for A (every other table is audited)
            const expected = t.name === ir.audit?.table ? Object.values(data[a]!).flat().length : (data[a]![t.name]?.length ?? 0);
            expect({ table: t.name, ...rows[0] }).toEqual({ table: t.name, n: String(expected), foreign: '0' });
          }

          const bWorkflow = data[b]!.workflows![0]?.id;
          await expectSqlError(tx, `INSERT INTO workflows (organization_id, name) VALUES ($1, 'planted')`, [B], '42501');
          await expectSqlError(tx, `UPDATE workflows SET organization_id = $1`, [B], '42501');
          await expectSqlError(tx, `UPDATE users SET organization_id = $1`, [B], '42501');
          expect((await tx.query(`UPDATE workflows SET name = 'taken' WHERE organization_id = $1`, [B])).rowCount).toBe(0);
          expect((await tx.query(`DELETE FROM users WHERE organization_id = $1`, [B])).rowCount).toBe(0);
          expect((await tx.query(`UPDATE organizations SET name = 'taken' WHERE id = $1`, [B])).rowCount).toBe(0);
          if (bWorkflow) {
            expect((await tx.query(`DELETE FROM workflows WHERE id = $1`, [bWorkflow])).rowCount).toBe(0);
            // A's bucket on B's workflow: the tenant-safe foreign key refuses it
            await expectSqlError(tx, `INSERT INTO buckets (organization_id, workflow_id, name, position) VALUES ($1, $2, 'x', 99)`, [A, bWorkflow], '23503');
          }
          await expectSqlError(tx, `UPDATE audit_logs SET action = 'delete'`, [], '42501');
          await expectSqlError(tx, `DELETE FROM audit_logs`, [], '42501');
          // only the audit trigger writes history: not even for the own organization
          await expectSqlError(tx, `INSERT INTO audit_logs (organization_id, action, table_name, row_id) VALUES ($1, 'insert', 'workflows', $1)`, [A], '42501');

          await asOwner(tx);
          expect(await fingerprint(tx, B)).toEqual(before);
        });
      }),
      { seed: SEED, numRuns: RUNS, verbose: true },
    );
  });

  it('with no tenant set, every table is empty and every write is refused', async () => {
    await rolledBack(h.db, async (tx) => {
      const [data] = [rowsFor([{ users: 1, workflows: [{ buckets: [1], assessments: [{ documents: 1, results: 1 }] }] }])];
      await insertRows(tx, data![0]!);
      const org = data![0]!.organizations![0]!.id;
      for (const setting of [null, '']) {
        await actAs(tx, setting);
        for (const t of tenantTables()) expect((await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(t.name)}`)).rows[0]!.n, t.name).toBe('0');
        await expectSqlError(tx, `INSERT INTO workflows (organization_id, name) VALUES ($1, 'x')`, [org], '42501');
        expect((await tx.query(`UPDATE workflows SET name = 'x'`)).rowCount).toBe(0);
        expect((await tx.query(`DELETE FROM users`)).rowCount).toBe(0);
        await asOwner(tx);
      }
    });
  });

  it('audited writes are logged with the acting user, without sensitive columns; the log cannot be changed', async () => {
    await rolledBack(h.db, async (tx) => {
      const data = rowsFor([{ users: 2, workflows: [{ buckets: [], assessments: [] }] }])[0]!;
      await tx.exec('SET CONSTRAINTS ALL IMMEDIATE');
      await insertRows(tx, data);
      const org = data.organizations![0]!.id as string;
      const actor = data.users![0]!.id as string;
      const other = data.users![1]!.id as string;
      await actAs(tx, org, actor);
      await tx.query(`UPDATE workflows SET name = 'Renamed'`);
      await tx.query(`UPDATE users SET full_name = 'New Name' WHERE id = $1`, [other]);
      // a sensitive column is neither written nor read by the application
      await expectSqlError(tx, `UPDATE users SET password_hash = 'changed' WHERE id = $1`, [other], '42501');
      await expectSqlError(tx, `SELECT password_hash FROM users`, [], '42501');
      await tx.query(`DELETE FROM workflows`);
      const { rows } = await tx.query<{ action: string; table_name: string; user_id: string; old_values: Record<string, unknown>; new_values: Record<string, unknown> | null }>(
        `SELECT action::text, table_name, user_id, old_values, new_values FROM audit_logs WHERE user_id IS NOT NULL ORDER BY created_at, table_name, action`,
      );
      expect(rows.map((r) => [r.table_name, r.action, r.user_id])).toEqual(
        expect.arrayContaining([['workflows', 'update', actor], ['users', 'update', actor], ['workflows', 'delete', actor]]),
      );
      expect(rows.find((r) => r.table_name === 'users')!.old_values).toMatchObject({ id: other });
      const userUpdate = rows.find((r) => r.table_name === 'users')!;
      expect(userUpdate.new_values).toMatchObject({ full_name: 'New Name' });
      expect(userUpdate.new_values).not.toHaveProperty('password_hash');
      expect(userUpdate.old_values).not.toHaveProperty('password_hash');
      expect(rows.find((r) => r.action === 'update' && r.table_name === 'workflows')!.new_values).toMatchObject({ name: 'Renamed' });
      await expectSqlError(tx, `UPDATE audit_logs SET user_id = NULL`, [], '42501');
      await asOwner(tx);
      // not even the owner changes history without opening the maintenance path
      const message = await expectSqlError(tx, `DELETE FROM audit_logs`, [], '42501');
      expect(message).toContain('append-only');
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      expect((await tx.query(`DELETE FROM audit_logs WHERE organization_id = $1`, [org])).rowCount).toBeGreaterThan(0);
    });
  });

  it('deleting an organization cascades to its data but keeps its audit history', async () => {
    await rolledBack(h.db, async (tx) => {
      const data = rowsFor([{ users: 1, workflows: [{ buckets: [2], assessments: [] }] }])[0]!;
      await tx.exec('SET CONSTRAINTS ALL IMMEDIATE');
      await insertRows(tx, data);
      const org = data.organizations![0]!.id as string;
      await tx.query(`DELETE FROM organizations WHERE id = $1`, [org]);
      for (const t of ['users', 'workflows', 'buckets', 'criteria'])
        expect((await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(t)} WHERE organization_id = $1`, [org])).rows[0]!.n, t).toBe('0');
      const log = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM audit_logs WHERE organization_id = $1 AND action = 'delete'`, [org]);
      expect(Number(log.rows[0]!.n)).toBeGreaterThanOrEqual(1 + 1 + 1 + 1 + 2);
    });
  });

  it('the tenant predicate stays index-friendly: the app role\'s plan uses the (organization_id, created_at) index', async () => {
    await rolledBack(h.db, async (tx) => {
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      await tx.query(`INSERT INTO organizations (id, name, slug) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid, 'O' || o, 'o-' || o FROM generate_series(1, 40) o`);
      await tx.query(`INSERT INTO workflows (organization_id, name) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid, 'W' || w FROM generate_series(1, 40) o, generate_series(1, 100) w`);
      await tx.query('ANALYZE workflows');
      const org = '00000000-0000-4000-8000-000000000007';
      await actAs(tx, org, ir.auth ? await addUser(tx, ir, org, ir.auth.roles[0]!) : null);
      const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT * FROM workflows ORDER BY created_at DESC`);
      const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
      // a permissive owner policy OR-ed into the app role's predicate once forced a sequential scan (3x slower)
      expect(plan).toMatch(/"Index Name":"workflows_organization_id_created_at_idx"/);
      expect(plan).not.toContain('"Seq Scan"');
    });
  });

  it('a runaway trigger loop is stopped by the generated guard instead of crashing the server', async () => {
    await rolledBack(h.db, async (tx) => {
      const data = rowsFor([{ users: 1, workflows: [{ buckets: [], assessments: [] }] }])[0]!;
      await insertRows(tx, data);
      await tx.exec(`
        CREATE FUNCTION test_loop() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE workflows SET description = coalesce(description, '') || 'x' WHERE id = NEW.id; RETURN NULL; END $$;
        CREATE TRIGGER test_loop AFTER UPDATE ON workflows FOR EACH ROW EXECUTE FUNCTION test_loop();`);
      const message = await expectSqlError(tx, `UPDATE workflows SET name = 'loop'`, [], '54001');
      expect(message).toContain('schemagen: trigger recursion');
    });
  });
});

describePg('tenant isolation on a real server', (engine) => {
  let h: EngineHandle;
  const first = rowsFor([{ users: 1, workflows: [] }])[0]!;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
    await h.db.transaction((tx) => insertRows(tx, first));
  });
  afterAll(() => h?.close());

  it('tenant settings do not survive the transaction on a pooled connection', async () => {
    const pool = new pg.Pool({ connectionString: h.url, max: 1 });
    try {
      const org = first.organizations![0]!.id as string;
      const user = first.users![0]!.id as string;
      const c = await pool.connect();
      await c.query('BEGIN');
      await actAs({ query: async (sql, params) => ({ rows: (await c.query(sql, params as unknown[])).rows, rowCount: 0 }), exec: async (sql) => void (await c.query(sql)) }, org, user);
      expect((await c.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
      await c.query('COMMIT');
      const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      c.release();
      const again = await pool.connect();
      try {
        expect((await again.query('SELECT pg_backend_pid() AS pid')).rows[0].pid).toBe(pid);
        await again.query('BEGIN');
        expect((await again.query(`SELECT current_setting('role') AS r`)).rows[0].r).toBe('none');
        await again.query(`SET LOCAL ROLE ${q(ir.auth ? `${APP()}_${ir.auth.roles[0]}` : APP())}`);
        expect((await again.query(`SELECT current_setting('app.organization_id', true) AS s`)).rows[0].s).toBe('');
        expect((await again.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
        await again.query('ROLLBACK');
      } finally {
        again.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('a LOGIN role that is only the application role cannot SET ROLE or RESET ROLE its way out', async () => {
    const login = `sg_login_${randomBytes(4).toString('hex')}`;
    await h.db.exec(`CREATE ROLE ${login} LOGIN IN ROLE ${q(APP())}`);
    const url = new URL(h.url!);
    url.username = login;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const code = async (sql: string) => client.query(sql).then(() => 'ok', (e: { code: string }) => e.code);
    const count = async (sql: string) => client.query(sql).then((r) => r.rows[0].n as number, (e: { code: string }) => e.code);
    // with roles the login itself may read nothing (the application role is NOINHERIT); it acts through a role's database role
    const acting = ir.auth ? `${APP()}_${ir.auth.roles[0]}` : null;
    const unprivileged = ir.auth ? '42501' : 0;
    try {
      expect(await count('SELECT count(*)::int AS n FROM users')).toBe(unprivileged);
      if (acting) {
        expect(await code(`SET ROLE ${q(acting)}`)).toBe('ok');
        expect(await count('SELECT count(*)::int AS n FROM users')).toBe(0);
      }
      expect(await code('SET ROLE postgres')).toBe('42501');
      expect(await code('SET SESSION AUTHORIZATION postgres')).toBe('42501');
      expect(await code('RESET ROLE')).toBe('ok');
      expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe(login);
      expect(await count('SELECT count(*)::int AS n FROM organizations')).toBe(unprivileged);
      expect(await code('ALTER TABLE users DISABLE ROW LEVEL SECURITY')).toBe('42501');
      expect(await code(`SET schemagen.maintenance = 'on'`)).toBe('ok');
      if (acting) await code(`SET ROLE ${q(acting)}`);
      expect(await count('SELECT count(*)::int AS n FROM users')).toBe(0);
      expect(await code('DELETE FROM audit_logs')).toBe('42501');
    } finally {
      await client.end();
      await h.db.exec(`DROP ROLE ${login}`);
    }
  });
});
