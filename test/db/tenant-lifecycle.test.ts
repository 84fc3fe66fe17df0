import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadModel } from '../../generator/model/load.ts';
import { verifyAuditChain } from '../../generator/runtime/audit-chain.ts';
import { createTenant, deleteTenant, TenantError, tenantContents } from '../../generator/runtime/tenants.ts';
import { actAs } from '../support/act-as.ts';
import { applyMigrations, ROOT } from '../support/db-helpers.ts';
import { describeEachEngine, type EngineHandle } from '../support/engines.ts';
import { rolledBack } from '../support/schema-fixtures.ts';

const { ir } = await loadModel(ROOT);

describeEachEngine('tenant lifecycle and the audit chain check', (engine) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await engine.open();
    await applyMigrations(h.db);
  });
  afterAll(() => h?.close());

  const auditRows = (tx: Parameters<Parameters<typeof rolledBack>[1]>[0], org: string) =>
    tx.query<{ action: string; table_name: string; user_id: string | null }>(
      `SELECT action::text, table_name, user_id::text FROM audit_logs WHERE organization_id = $1 ORDER BY seq`,
      [org],
    );

  it('create makes the organization and its first admin, audited as a system action; running it again changes nothing', () =>
    rolledBack(h.db, async (tx) => {
      const first = await createTenant(tx, ir, { handle: 'acme', values: { name: 'ACME GmbH' }, adminEmail: 'Boss@ACME.example', adminName: 'Bea Boss' });
      expect(first).toMatchObject({ tenantCreated: true, user: 'created' });
      const again = await createTenant(tx, ir, { handle: 'acme', values: { name: 'ACME GmbH' }, adminEmail: 'boss@acme.example' });
      expect(again).toEqual({ ...first, tenantCreated: false, user: 'exists' });
      const { rows: users } = await tx.query(`SELECT email, full_name, role, is_active FROM users WHERE organization_id = $1`, [first.tenantId]);
      expect(users).toEqual([{ email: 'boss@acme.example', full_name: 'Bea Boss', role: 'admin', is_active: true }]);
      expect((await auditRows(tx, first.tenantId)).rows).toEqual([
        { action: 'insert', table_name: 'organizations', user_id: null },
        { action: 'insert', table_name: 'users', user_id: null },
      ]);
      // the admin can sign in at once
      await actAs(tx, ir, first.tenantId, first.userId);
      expect((await tx.query(`SELECT name FROM organizations`)).rows).toEqual([{ name: 'ACME GmbH' }]);
      await tx.exec('reset role');
      // an existing user given as the admin is made admin and active
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      await tx.query(`INSERT INTO users (organization_id, email, full_name, role, is_active) VALUES ($1, 'later@acme.example', 'Later', 'viewer', false)`, [first.tenantId]);
      expect((await createTenant(tx, ir, { handle: 'acme', values: {}, adminEmail: 'later@acme.example' })).user).toBe('updated');
      expect((await tx.query(`SELECT role, is_active FROM users WHERE email = 'later@acme.example'`)).rows).toEqual([{ role: 'admin', is_active: true }]);
    }),
  );

  it('refuses an unknown column or role before writing anything', () =>
    rolledBack(h.db, async (tx) => {
      await expect(createTenant(tx, ir, { handle: 'x', values: { colour: 'red' }, adminEmail: 'a@x.example' })).rejects.toThrow(/organizations has no column colour/);
      await expect(createTenant(tx, ir, { handle: 'x', values: {}, adminEmail: 'a@x.example', adminRole: 'king' })).rejects.toBeInstanceOf(TenantError);
      expect((await tx.query(`SELECT 1 FROM organizations WHERE slug = 'x'`)).rowCount).toBe(0);
    }),
  );

  it('delete says what it removes, removes it, and keeps the audit trail with the deletion in it; the chain stays intact', () =>
    rolledBack(h.db, async (tx) => {
      const t = await createTenant(tx, ir, { handle: 'gone', values: { name: 'Gone Ltd' }, adminEmail: 'admin@gone.example' });
      await tx.query(`INSERT INTO workflows (organization_id, name) VALUES ($1, 'W1'), ($1, 'W2')`, [t.tenantId]);
      const contents = await tenantContents(tx, ir, 'gone');
      expect(contents).toEqual({ tenantId: t.tenantId, rows: [{ table: 'organizations', count: 1 }, { table: 'users', count: 1 }, { table: 'workflows', count: 2 }] });
      expect(await deleteTenant(tx, ir, 'gone')).toEqual(contents);
      expect(await tenantContents(tx, ir, 'gone')).toBeNull();
      expect(await deleteTenant(tx, ir, 'gone')).toBeNull();
      const audit = (await auditRows(tx, t.tenantId)).rows;
      expect(audit.at(-1)).toEqual({ action: 'delete', table_name: 'organizations', user_id: null });
      const report = await verifyAuditChain(tx, ir);
      expect(report.breaks).toEqual([]);
      expect(report.heads.find((x) => x.tenant === t.tenantId)?.seq).toBe(String(audit.length));
    }),
  );

  it('audit verify names the first broken link: a changed row, a removed row, a rewritten link', () =>
    rolledBack(h.db, async (tx) => {
      const t = await createTenant(tx, ir, { handle: 'chain', values: { name: 'Chain' }, adminEmail: 'admin@chain.example' });
      await tx.exec('SET CONSTRAINTS ALL IMMEDIATE'); // audit rows are written at commit; here at once
      await actAs(tx, ir, t.tenantId, t.userId);
      for (let i = 0; i < 4; i++) await tx.query(`INSERT INTO workflows (organization_id, name) VALUES ($1, $2)`, [t.tenantId, `W${i}`]);
      await tx.exec('reset role');
      expect((await verifyAuditChain(tx, ir)).breaks).toEqual([]);
      const seqId = async (seq: number) => (await tx.query<{ id: string }>(`SELECT id::text FROM audit_logs WHERE organization_id = $1 AND seq = $2`, [t.tenantId, seq])).rows[0]!.id;
      await tx.exec('savepoint tamper');
      await tx.query(`UPDATE audit_logs SET new_values = new_values || '{"name": "forged"}' WHERE organization_id = $1 AND seq = 3`, [t.tenantId]);
      expect((await verifyAuditChain(tx, ir)).breaks).toEqual([{ tenant: t.tenantId, seq: '3', id: await seqId(3), reason: expect.stringContaining('the row was changed') }]);
      await tx.exec('rollback to savepoint tamper');
      await tx.query(`DELETE FROM audit_logs WHERE organization_id = $1 AND seq = 4`, [t.tenantId]);
      expect((await verifyAuditChain(tx, ir)).breaks).toEqual([{ tenant: t.tenantId, seq: '5', id: await seqId(5), reason: 'seq 4 missing: rows were removed' }]);
      await tx.exec('rollback to savepoint tamper');
      // rewriting a row with a fresh hash of its own does not help: the next row still names the old one
      await tx.query(`UPDATE audit_logs SET new_values = '{}' WHERE organization_id = $1 AND seq = 2`, [t.tenantId]);
      await tx.query(`UPDATE audit_logs a SET hash = schemagen_audit_digest(a) WHERE organization_id = $1 AND seq = 2`, [t.tenantId]);
      expect((await verifyAuditChain(tx, ir)).breaks).toEqual([{ tenant: t.tenantId, seq: '3', id: await seqId(3), reason: "its prev_hash is not the previous row's hash" }]);
      await tx.exec('rollback to savepoint tamper');
      // retention: removing the oldest rows on the maintenance path is reported, not a break
      await tx.query(`DELETE FROM audit_logs WHERE organization_id = $1 AND seq <= 2`, [t.tenantId]);
      const trimmed = await verifyAuditChain(tx, ir);
      expect(trimmed.breaks).toEqual([]);
      expect(trimmed.trimmed).toContainEqual({ tenant: t.tenantId, from: '3' });
    }),
  );
});
