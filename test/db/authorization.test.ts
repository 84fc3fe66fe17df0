import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../generator/diff/changes.ts';
import { dbRole } from '../../generator/ir/permissions.ts';
import type { Permission, Privilege, Table } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import type { Queryable } from '../../generator/runtime/db.ts';
import { quoteIdent as q } from '../../generator/sql/quote.ts';
import { actAs, addUser } from '../support/act-as.ts';
import { applyMigrations, ROOT } from '../support/db-helpers.ts';
import { describeEachEngine, describePg, type EngineHandle } from '../support/engines.ts';
import { build, buildGraph, failure, insertRow, rolledBack, validRow, type Graph, type Row } from '../support/schema-fixtures.ts';

/**
 * Authorization is the database's: what each role of the model may do on each table, tried as the
 * application acts (the user's role's database role, the request's tenant and user), straight in SQL,
 * so the API's own checks play no part. The expectations come from the model (`permissions` in the IR):
 * a change of the model changes what is tried.
 */
const { ir } = await loadModel(ROOT);
const auth = ir.auth!;
const ten = ir.tenancy!;
const OPS: readonly Privilege[] = ['select', 'insert', 'update', 'delete'];

const tableOf = (name: string) => ir.tables.find((t) => t.name === name)!;
const permission = (t: Table, role: string, op: Privilege): Permission | undefined => t.permissions.find((p) => p.role === role && p.operation === op);
const conditional = (p: Permission | undefined) => p !== undefined && (p.using !== null || p.withCheck !== null);
const keyOf = (t: Table) => t.primaryKey!.columns[0]!;
/** Columns that reference the user entity: a row written "by me" names me there (EPIC's own-rows conditions). */
const userRefs = (t: Table) => t.foreignKeys.filter((fk) => fk.refTable === auth.table).map((fk) => fk.columns.find((c) => c !== ten.key)!);

const code = async (tx: Queryable, sql: string, params: readonly unknown[] = []): Promise<string> => {
  await tx.exec('savepoint try_it');
  try {
    const r = await tx.query(sql, params);
    await tx.exec('release savepoint try_it');
    return `rows:${r.rowCount ?? 0}`;
  } catch (err) {
    await tx.exec('rollback to savepoint try_it');
    return (err as { code?: string }).code ?? 'error';
  }
};

const matrix = auth.roles.flatMap((role) => ir.tables.map((t) => ({ role, table: t.name })));

describeEachEngine('authorization in the database', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  it.each(matrix)('$role on $table: exactly the operations the model grants, only in its own organization', ({ role, table }) =>
    rolledBack(h.db, async (tx) => {
      const t = tableOf(table);
      const g = await buildGraph(tx, ir);
      const other = await buildGraph(tx, ir);
      const me = await addUser(tx, ir, g[ten.root]!, role);
      const mine = (row: Row) => ({ ...row, ...Object.fromEntries(userRefs(t).map((c) => [c, me])) });
      // rows to act on, made as the owner before acting: one of mine, one of another organization, one to delete
      const target = g[table]!;
      // (an organization cannot be deleted by anyone of the model, so for the root it is the own one)
      const victim = t.tenancy === 'root' ? target : ((await build(tx, g, table, mine({}))) as Row)[keyOf(t)] as string;
      const fresh = mine(await validRow(tx, t.tenancy === 'root' ? {} : g, table));
      await actAs(tx, ir, g[ten.root]!, me);
      const outcome: Record<string, string> = {};
      for (const op of OPS) {
        const p = permission(t, role, op);
        const key = q(keyOf(t));
        if (op === 'select') {
          outcome.select = await code(tx, `SELECT 1 FROM ${q(table)} WHERE ${key} = $1`, [target]);
          outcome.selectOther = await code(tx, `SELECT 1 FROM ${q(table)} WHERE ${key} = $1`, [other[table]]);
        } else if (op === 'insert') {
          const row = fresh;
          const allowed = p ? new Set([...(p.columns ?? []), ...(t.tenancy === 'scoped' ? [ten.key] : [])]) : null;
          const cols = Object.keys(row).filter((c) => (allowed ? allowed.has(c) : c !== keyOf(t)));
          const insert = (r: Row) => `INSERT INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
          outcome.insert = await code(tx, insert(row), cols.map((c) => row[c]));
          if (t.tenancy === 'scoped') {
            const foreign = { ...row, [ten.key]: other[ten.root] };
            outcome.insertOther = await code(tx, insert(foreign), cols.map((c) => foreign[c]));
          }
        } else if (op === 'update') {
          const column = p?.columns?.[0] ?? t.columns.find((c) => !t.primaryKey!.columns.includes(c.name) && c.name !== ten.key && !c.updatedAt && !c.immutable)!.name;
          const set = `UPDATE ${q(table)} SET ${q(column)} = ${q(column)} WHERE ${key} = $1`;
          outcome.update = await code(tx, set, [victim]);
          outcome.updateOther = await code(tx, set, [other[table]]);
        } else {
          outcome.delete = await code(tx, `DELETE FROM ${q(table)} WHERE ${key} = $1`, [victim]);
          outcome.deleteOther = await code(tx, `DELETE FROM ${q(table)} WHERE ${key} = $1`, [other[table]]);
        }
      }
      // what the model says: a refused operation is a missing grant (42501); another organization's rows do not exist
      const expected: Record<string, string> = {};
      const can = (op: Privilege) => permission(t, role, op) !== undefined;
      expected.select = can('select') ? 'rows:1' : '42501';
      expected.selectOther = can('select') ? 'rows:0' : '42501';
      expected.insert = can('insert') ? 'rows:1' : '42501';
      if (t.tenancy === 'scoped') expected.insertOther = '42501';
      // the row to change was made "by me", so conditions on my own rows (EPIC: an assessor's assessments) let it through
      expected.update = can('update') ? 'rows:1' : '42501';
      expected.updateOther = can('update') ? 'rows:0' : '42501';
      expected.delete = can('delete') ? 'rows:1' : '42501';
      expected.deleteOther = can('delete') ? 'rows:0' : '42501';
      expect(outcome).toEqual(expected);
    }),
  );

  it('a condition on rows holds: an assessor changes its own assessments only, and creates none in another name', () =>
    rolledBack(h.db, async (tx) => {
      const p = permission(tableOf('assessments'), 'assessor', 'update');
      expect(conditional(p), 'EPIC: assessors update the assessments they created').toBe(true);
      const g = await buildGraph(tx, ir);
      const me = await addUser(tx, ir, g.organizations!, 'assessor');
      const someone = await addUser(tx, ir, g.organizations!, 'assessor');
      const own = (await build(tx, g, 'assessments', { created_by: me })).id as string;
      const theirs = (await build(tx, g, 'assessments', { created_by: someone })).id as string;
      await actAs(tx, ir, g.organizations!, me);
      expect(await code(tx, `UPDATE assessments SET title = 'mine' WHERE id = $1`, [own])).toBe('rows:1');
      expect(await code(tx, `UPDATE assessments SET title = 'theirs' WHERE id = $1`, [theirs])).toBe('rows:0');
      // nor hand an own assessment over to someone else, nor create one in their name
      expect(await code(tx, `UPDATE assessments SET created_by = $2 WHERE id = $1`, [own, someone])).toBe('42501');
      const row = await validRow(tx, g, 'assessments', { created_by: someone });
      expect(await code(tx, `INSERT INTO assessments (organization_id, workflow_id, title, created_by) VALUES ($1, $2, $3, $4)`, [row.organization_id, row.workflow_id, row.title, someone])).toBe('42501');
      // the default is the caller
      const made = await tx.query<{ created_by: string }>(`INSERT INTO assessments (organization_id, workflow_id, title) VALUES ($1, $2, 'by default') RETURNING created_by::text`, [g.organizations, g.workflows]);
      expect(made.rows[0]!.created_by).toBe(me);
    }),
  );

  it('no one changes their own role; only admins change roles; password hashes are never read or written', () =>
    rolledBack(h.db, async (tx) => {
      const g = await buildGraph(tx, ir);
      const admin = await addUser(tx, ir, g.organizations!, 'admin');
      const second = await addUser(tx, ir, g.organizations!, 'admin');
      const assessor = await addUser(tx, ir, g.organizations!, 'assessor');
      await actAs(tx, ir, g.organizations!, assessor);
      expect(await code(tx, `UPDATE users SET role = 'admin' WHERE id = $1`, [assessor])).toBe('42501');
      expect(await code(tx, `SELECT password_hash FROM users`)).toBe('42501');
      await tx.exec('reset role');
      await actAs(tx, ir, g.organizations!, admin);
      expect(await code(tx, `UPDATE users SET role = 'viewer' WHERE id = $1`, [admin])).toBe('42501');
      expect(await code(tx, `UPDATE users SET full_name = 'Me' WHERE id = $1`, [admin])).toBe('rows:1');
      expect(await code(tx, `UPDATE users SET role = 'viewer' WHERE id = $1`, [second])).toBe('rows:1');
      expect(await code(tx, `UPDATE users SET role = 'admin' WHERE id = $1`, [assessor])).toBe('rows:1');
      expect(await code(tx, `UPDATE users SET password_hash = 'x' WHERE id = $1`, [assessor])).toBe('42501');
      expect(await code(tx, `SELECT password_hash FROM users`)).toBe('42501');
    }),
  );

  it('the last active admin of an organization cannot be removed, demoted or deactivated; deleting the organization still cascades', () =>
    rolledBack(h.db, async (tx) => {
      const g = await buildGraph(tx, ir);
      const admin = await addUser(tx, ir, g.organizations!, 'admin');
      const other = await addUser(tx, ir, g.organizations!, 'admin');
      await actAs(tx, ir, g.organizations!, admin);
      expect(await code(tx, `DELETE FROM users WHERE id = $1`, [other])).toBe('rows:1');
      for (const sql of [`DELETE FROM users WHERE id = $1`, `UPDATE users SET is_active = false WHERE id = $1`]) {
        const err = await failure(tx, sql, [admin]);
        expect([err.code, err.constraint]).toEqual(['23514', `${auth.table}_keep_${auth.keepOne}_trg`]);
        expect(err.message).toContain(`must keep at least one active ${auth.keepOne}`);
      }
      await tx.exec('reset role');
      // the owner deleting the whole organization is not stopped by it
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      expect((await tx.query(`DELETE FROM organizations WHERE id = $1`, [g.organizations])).rowCount).toBe(1);
      expect((await tx.query(`SELECT 1 FROM users WHERE organization_id = $1`, [g.organizations])).rowCount).toBe(0);
    }),
  );

  it('membership is checked in the database: a deactivated, deleted or foreign user cannot start a request, and acting as a role the user row does not hold sees nothing', () =>
    rolledBack(h.db, async (tx) => {
      const g = await buildGraph(tx, ir);
      const other = await buildGraph(tx, ir);
      const viewer = await addUser(tx, ir, g.organizations!, 'viewer');
      const admin = await addUser(tx, ir, g.organizations!, 'admin');
      await addUser(tx, ir, g.organizations!, 'admin'); // so that the first can be deactivated
      const begin = (org: string, user: string) => code(tx, `SELECT set_config('role', ${q(FUNCTION_NAMES.begin)}($1::uuid, $2::uuid), true)`, [org, user]);
      expect(await begin(g.organizations!, viewer)).toBe('rows:1');
      await tx.exec('reset role');
      expect(await begin(other.organizations!, viewer)).toBe('28000');
      expect(await begin(g.organizations!, crypto.randomUUID())).toBe('28000');
      await tx.query(`UPDATE users SET is_active = false WHERE id = $1`, [viewer]);
      expect(await begin(g.organizations!, viewer)).toBe('28000');
      await tx.query(`UPDATE users SET is_active = true WHERE id = $1`, [viewer]);
      // an API that got the role wrong (acting as admin for a viewer) gets nothing: the role is read from the row
      await tx.query(`SELECT set_config($1, $2, true), set_config($3, $4, true)`, [ten.tenantSetting, g.organizations, ten.userSetting, viewer]);
      await tx.exec(`SET LOCAL ROLE ${q(dbRole(ten.appRole, 'admin'))}`);
      expect(await code(tx, `SELECT 1 FROM workflows`)).toBe('rows:0');
      expect(await code(tx, `UPDATE workflows SET name = name`)).toBe('rows:0');
      expect(await code(tx, `DELETE FROM users WHERE id = $1`, [admin])).toBe('rows:0');
      expect(await code(tx, `INSERT INTO workflows (organization_id, name) VALUES ($1, 'x')`, [g.organizations])).toBe('42501');
      await tx.exec('reset role');
      // a deactivated admin's running request loses its rights at the next statement
      await actAs(tx, ir, g.organizations!, admin);
      expect(await code(tx, `SELECT 1 FROM workflows`)).toBe('rows:1');
      await tx.exec('reset role');
      await tx.query(`UPDATE users SET is_active = false WHERE id = $1`, [admin]);
      await tx.exec(`SET LOCAL ROLE ${q(dbRole(ten.appRole, 'admin'))}`);
      expect(await code(tx, `SELECT 1 FROM workflows`)).toBe('rows:0');
    }),
  );

  it('the audit trail cannot be written, diverted or forged by the application', () =>
    rolledBack(h.db, async (tx) => {
      await tx.exec('SET CONSTRAINTS ALL IMMEDIATE'); // audit rows are written at commit; here at once
      const g = await buildGraph(tx, ir);
      const admin = await addUser(tx, ir, g.organizations!, 'admin');
      const audit = q(ir.audit!.table);
      const count = async () => Number((await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${audit} WHERE row_id = $1`, [g.workflows])).rows[0]!.n);
      const before = await count();
      await actAs(tx, ir, g.organizations!, admin);
      expect(await code(tx, `INSERT INTO ${audit} (organization_id, user_id, action, table_name, row_id) VALUES ($1, $2, 'insert', 'workflows', $3)`, [g.organizations, admin, g.workflows])).toBe('42501');
      expect(await code(tx, `SELECT ${q(FUNCTION_NAMES.auditAppend)}($1, $2, 'insert', 'workflows', $3, NULL, NULL)`, [g.organizations, admin, g.workflows])).toBe('42501');
      // a temporary table of the same name shadows nothing: every generated function resolves pg_temp last
      expect(await code(tx, `CREATE TEMP TABLE ${audit} (LIKE public.${audit})`)).toBe('rows:0');
      expect(await code(tx, `UPDATE workflows SET name = 'diverted?' WHERE id = $1`, [g.workflows])).toBe('rows:1');
      expect(await code(tx, `SELECT 1 FROM pg_temp.${audit}`)).toBe('rows:0');
      // nor can the audit trigger function be attached to a table of the application's own
      expect(await code(tx, `CREATE TEMP TABLE mine (id uuid)`)).toBe('rows:0');
      expect(await code(tx, `CREATE TRIGGER forge AFTER INSERT ON mine FOR EACH ROW EXECUTE FUNCTION public.${q(FUNCTION_NAMES.audit)}('id', 'id', '{}')`)).toBe('42501');
      await tx.exec('reset role');
      expect(await count()).toBe(before + 1);
    }),
  );
});

describeEachEngine('the emitted SQL passes the lints a reviewer runs (Supabase splinter)', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  it('every function pins its search_path, pg_temp last (function_search_path_mutable)', async () => {
    const { rows } = await h.db.query<{ name: string; config: string[] | null }>(
      `SELECT p.proname AS name, p.proconfig AS config FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.config ?? [], r.name).toContain('search_path=pg_catalog, public, pg_temp');
  });

  it('SECURITY DEFINER functions: only those policies call are executable by everyone; the rest by the owner (or the API login) alone', async () => {
    const { rows } = await h.db.query<{ name: string; public: boolean; app: boolean }>(
      `SELECT p.proname AS name, has_function_privilege('public', p.oid, 'EXECUTE') AS public, has_function_privilege($1, p.oid, 'EXECUTE') AS app
         FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1`,
      [ten.appRole],
    );
    const everyone = new Set([FUNCTION_NAMES.role, FUNCTION_NAMES.tenantFor]);
    expect(rows.map((r) => r.name).sort()).toEqual(
      [FUNCTION_NAMES.audit, FUNCTION_NAMES.auditAppend, FUNCTION_NAMES.auditChain, FUNCTION_NAMES.begin, FUNCTION_NAMES.keepRole, FUNCTION_NAMES.role, FUNCTION_NAMES.tenantFor].sort(),
    );
    for (const r of rows) expect({ name: r.name, public: r.public }).toEqual({ name: r.name, public: everyone.has(r.name) });
    expect(rows.find((r) => r.name === FUNCTION_NAMES.begin)!.app).toBe(true);
  });

  it('every table has row-level security enabled and forced, with policies, none TO PUBLIC (rls_disabled_in_public, policy_exists_rls_disabled)', async () => {
    const { rows } = await h.db.query<{ name: string; rls: boolean; force: boolean; policies: string; public: string }>(
      `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
              (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::text AS policies,
              (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND 0 = ANY (p.polroles))::text AS public
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> '_schemagen_migrations' ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(ir.tables.map((t) => t.name));
    for (const r of rows) expect({ ...r, policies: Number(r.policies) > 1 }).toEqual({ name: r.name, rls: true, force: true, policies: true, public: '0' });
  });

  it('the application roles hold only SELECT on the audit table, nothing on the migrations table, and PUBLIC nothing anywhere', async () => {
    const roles = [ten.appRole, ...auth.roles.map((r) => dbRole(ten.appRole, r))];
    const { rows } = await h.db.query<{ grantee: string; table_name: string; privilege_type: string }>(
      `SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants WHERE table_schema = 'public' AND (grantee = ANY ($1) OR grantee = 'PUBLIC')`,
      [roles],
    );
    expect(rows.filter((r) => r.grantee === 'PUBLIC')).toEqual([]);
    expect(rows.filter((r) => r.table_name === ir.audit!.table && r.privilege_type !== 'SELECT')).toEqual([]);
    expect(rows.filter((r) => r.table_name === '_schemagen_migrations')).toEqual([]);
    expect(rows.filter((r) => r.grantee === ten.appRole)).toEqual([]);
  });
});

describeEachEngine('the audit chain', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  const chain = (tx: Queryable, org: string) =>
    tx.query<{ seq: string; prev_hash: string | null; hash: string; digest: string }>(
      `SELECT seq::text, prev_hash, hash, ${q(FUNCTION_NAMES.auditDigest)}(a) AS digest FROM ${q(ir.audit!.table)} a WHERE organization_id = $1 ORDER BY a.seq`,
      [org],
    );

  it('links every organization\'s rows: seq from 1, each prev_hash the previous hash, each hash the digest of its row', () =>
    rolledBack(h.db, async (tx) => {
      await tx.exec('SET CONSTRAINTS ALL IMMEDIATE'); // audit rows are written at commit; here at once
      const a = await buildGraph(tx, ir);
      const b = await buildGraph(tx, ir);
      for (const g of [a, b]) {
        const admin = await addUser(tx, ir, g.organizations!, 'admin');
        await actAs(tx, ir, g.organizations!, admin);
        for (let i = 0; i < 3; i++) await tx.query(`UPDATE workflows SET description = $1`, [`change ${i}`]);
        await tx.query(`DELETE FROM assessment_documents`);
        await tx.exec('reset role');
      }
      for (const g of [a, b]) {
        const { rows } = await chain(tx, g.organizations!);
        expect(rows.length).toBeGreaterThanOrEqual(4);
        rows.forEach((r, i) => {
          expect(r.seq).toBe(String(i + 1));
          expect(r.prev_hash).toBe(i === 0 ? null : rows[i - 1]!.hash);
          expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(r.digest).toBe(r.hash);
        });
      }
    }),
  );
});

describePg('authorization under concurrency', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  /** `n` clients, each acting as `user` of `org` in its own transaction. */
  async function clients(n: number) {
    const pool = new pg.Pool({ connectionString: h.url, max: n });
    const list = await Promise.all(Array.from({ length: n }, () => pool.connect()));
    return { list, end: async () => { for (const c of list) c.release(); await pool.end(); } };
  }
  const as = async (c: pg.PoolClient, org: string, user: string) => {
    await c.query('BEGIN');
    await c.query(`SELECT set_config($1, $2, true), set_config($3, $4, true), set_config('role', ${q(FUNCTION_NAMES.begin)}($2::uuid, $4::uuid), true)`, [ten.tenantSetting, org, ten.userSetting, user]);
  };

  it('two admins demoting each other at once: one wins, the organization keeps an admin', async () => {
    const tag = randomBytes(4).toString('hex');
    const org = await h.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      const o = (await insertRow(tx, 'organizations', { name: `Race ${tag}`, slug: `race-${tag}` })).id as string;
      return o;
    });
    const [a, b] = await h.db.transaction(async (tx) => [await addUser(tx, ir, org, 'admin'), await addUser(tx, ir, org, 'admin')]);
    const { list: [c1, c2], end } = await clients(2);
    try {
      await as(c1!, org, a);
      await as(c2!, org, b);
      const pid2 = (await c2!.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await c1!.query(`UPDATE users SET role = 'viewer' WHERE id = $1`, [b]);
      // c2 (still an admin in its snapshot) demotes a: its check waits for c1's organization lock...
      let settled = false;
      const second = c2!.query(`UPDATE users SET role = 'viewer' WHERE id = $1`, [a]).then(() => 'ok', (e: { code: string }) => e.code).finally(() => (settled = true));
      for (let waiting = false; !waiting && !settled; ) {
        const { rows } = await h.db.query<{ w: string | null }>('SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1', [pid2]);
        waiting = rows[0]?.w === 'Lock';
        if (!waiting) await new Promise((r) => setTimeout(r, 20));
      }
      // ...then sees both demotions, which would leave no admin
      await c1!.query('COMMIT');
      const outcome = await second;
      await c2!.query(outcome === 'ok' ? 'COMMIT' : 'ROLLBACK');
      // c2's check waited for c1 (the organization's lock), then saw that neither would be left
      expect(outcome).toBe('23514');
      const { rows } = await h.db.query<{ id: string }>(`SELECT id::text FROM users WHERE organization_id = $1 AND role = 'admin' AND is_active`, [org]);
      expect(rows).toEqual([{ id: a }]);
    } finally {
      await end();
    }
  });

  it('concurrent audited writes of one organization make one gapless chain', async () => {
    const tag = randomBytes(4).toString('hex');
    const { org, admin, workflows } = await h.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      const g: Graph = {};
      g.organizations = (await insertRow(tx, 'organizations', { name: `Chain ${tag}`, slug: `chain-${tag}` })).id as string;
      const user = await addUser(tx, ir, g.organizations, 'admin');
      const ws: string[] = [];
      for (let i = 0; i < 8; i++) ws.push((await insertRow(tx, 'workflows', { organization_id: g.organizations, name: `W${i}` })).id as string);
      return { org: g.organizations, admin: user, workflows: ws };
    });
    const { list, end } = await clients(8);
    try {
      await Promise.all(
        list.map(async (c, i) => {
          for (let k = 0; k < 5; k++) {
            await as(c, org, admin);
            await c.query(`UPDATE workflows SET description = $2 WHERE id = $1`, [workflows[i], `k${k}`]);
            await c.query('COMMIT');
          }
        }),
      );
    } finally {
      await end();
    }
    const { rows } = await h.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      return tx.query<{ seq: string; prev_hash: string | null; hash: string; digest: string }>(
        `SELECT seq::text, prev_hash, hash, ${q(FUNCTION_NAMES.auditDigest)}(a) AS digest FROM ${q(ir.audit!.table)} a WHERE organization_id = $1 AND seq IS NOT NULL ORDER BY a.seq`,
        [org],
      );
    });
    expect(rows).toHaveLength(40);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(String(i + 1));
      expect(r.prev_hash).toBe(i === 0 ? null : rows[i - 1]!.hash);
      expect(r.digest).toBe(r.hash);
    });
  });
});

describe('the model', () => {
  it('EPIC-01: admins manage, assessors read everything and write the checklist and assessments, viewers read', () => {
    const ops = (role: string, table: string) => tableOf(table).permissions.filter((p) => p.role === role).map((p) => p.operation);
    for (const t of ir.tables) expect(ops('viewer', t.name), t.name).toEqual(['select']);
    for (const t of ['workflows', 'buckets', 'criteria', 'assessments', 'assessment_documents', 'assessment_results']) {
      expect(ops('assessor', t), t).toEqual(['select', 'insert', 'update']);
      expect(ops('admin', t), t).toEqual(['select', 'insert', 'update', 'delete']);
    }
    expect(ops('assessor', 'users')).toEqual(['select']);
    expect(ops('admin', 'users')).toEqual(['select', 'insert', 'update', 'delete']);
    expect(ops('admin', 'organizations')).toEqual(['select', 'update']);
    expect(ops('admin', 'audit_logs')).toEqual(['select']);
  });
});
