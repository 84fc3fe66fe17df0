import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resources } from '../../generated/api/model.ts';
import { openapi as _openapi, routes } from '../../generated/api/schemas.ts';
import type { Privilege, Resource, RouteSpec } from '../../generated/api/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { addUser } from '../support/act-as.ts';
import { ROOT } from '../support/db-helpers.ts';
import { describeEachEngine } from '../support/engines.ts';
import { build, validRow, type Graph, type Row } from '../support/schema-fixtures.ts';
import { isErrorShape, openApi, SECRET, seedTenants, type Api, type Reply, type Tenant } from './harness.ts';

void _openapi;
const { ir } = await loadModel(ROOT);
const auth = ir.auth!;
const ORACLE_SEED = Number(process.env.API_ORACLE_SEED ?? 20261204);
const ORACLE_RUNS = Number(process.env.API_ORACLE_RUNS ?? 8);

const PRIVILEGE: Record<string, Privilege> = { list: 'select', get: 'select', children: 'select', create: 'insert', update: 'update', delete: 'delete' };
const resource = (name: string) => resources.find((r) => r.name === name)!;
const userRefs = (table: string) =>
  ir.tables.find((t) => t.name === table)!.foreignKeys.filter((fk) => fk.refTable === auth.table).map((fk) => fk.columns.find((c) => c !== ir.tenancy!.key)!);

/**
 * The allow/deny matrix through the API, generated from the model: every route × every role, with a valid
 * request, answers 2xx exactly when the role may do the route's operation, else 403 naming role and operation.
 */
describeEachEngine('api authorization', (engine) => {
  let api: Api;
  let A: Tenant;
  let B: Tenant;
  let g: Graph;
  const token = (org: string, user: string) => devToken(SECRET, { userId: user, orgId: org });
  const users: Record<string, string> = {};
  const call = (who: string, method: string, url: string, body?: unknown) => api.call(method, url, { token: token(A.org, who), ...(body === undefined ? {} : { body }) });
  const expectError = (r: Reply, status: number, code: string) => {
    expect(r.status, r.text).toBe(status);
    expect(isErrorShape(r.body, status), r.text).toBe(true);
    expect(r.body.code, r.text).toBe(code);
  };

  beforeAll(async () => {
    api = await openApi(engine);
    [A, B] = (await seedTenants(api, [
      { users: 3, workflows: [{ buckets: [1], assessments: [{ documents: 1, results: 1 }] }] },
      { users: 1, workflows: [{ buckets: [1], assessments: [] }] },
    ])) as [Tenant, Tenant];
    // one user of each role in A (rowsFor: admin, assessor, viewer), and a graph of rows to act on
    for (const u of A.rows.users!) users[u.role as string] = u.id as string;
    // rows of every table in A to act on (A's admin as the users row they refer to)
    g = await api.owner(async (q) => {
      const ga: Graph = { organizations: A.org, users: users.admin! };
      for (const table of ['workflows', 'buckets', 'criteria', 'assessments', 'assessment_documents', 'assessment_results', 'audit_logs'])
        ga[table] = (await build(q, ga, table)).id as string;
      return ga;
    });
  });
  afterAll(() => api?.close());

  /** A valid request for `spec` made by `role`: a body it may send, a row it may act on (made "by it"). */
  async function requestFor(spec: RouteSpec, role: string): Promise<{ method: string; url: string; body?: unknown }> {
    const r = resource(spec.resource!);
    const me = users[role]!;
    const mine = (row: Row) => ({ ...row, ...Object.fromEntries(userRefs(r.name).map((c) => [c, me])) });
    const item = (id: string) => spec.url.replace(':id', id);
    switch (spec.operation) {
      case 'list':
        return { method: 'GET', url: spec.url };
      case 'get':
        return { method: 'GET', url: item(r.name === 'organizations' ? A.org : g[r.name]!) };
      case 'children':
        return { method: 'GET', url: item(g[r.name]!) };
      case 'create': {
        const allowed = r.access?.insert[role]?.columns ?? r.insertable;
        const row = mine(await api.owner((q) => validRow(q, g, r.name)));
        return { method: 'POST', url: spec.url, body: Object.fromEntries(Object.entries(row).filter(([c]) => allowed.includes(c) && r.insertable.includes(c))) };
      }
      case 'update': {
        const allowed = r.access?.update[role]?.columns ?? r.updatable;
        const column = r.updatable.find((c) => allowed.includes(c))!;
        const target = r.name === 'organizations' ? A.org : ((await api.owner((q) => build(q, g, r.name, mine({})))) as Row).id as string;
        const value = column === 'settings' ? { x: 1 } : (await api.owner((q) => validRow(q, g, r.name)))[column];
        return { method: 'PATCH', url: item(target), body: { [column]: value } };
      }
      case 'delete': {
        const target = ((await api.owner((q) => build(q, g, r.name, mine({})))) as Row).id as string;
        return { method: 'DELETE', url: item(target) };
      }
      default:
        throw new Error(`no request for ${spec.operation}`);
    }
  }

  const matrix = routes.filter((s) => s.resource !== null).flatMap((spec) => auth.roles.map((role) => ({ role, spec, label: `${spec.method} ${spec.url}` })));

  it.each(matrix)('$role: $label', async ({ role, spec }) => {
    const r = resource(spec.resource!);
    const op = PRIVILEGE[spec.operation]!;
    const child = spec.operation === 'children' ? resource(r.relations.find((x) => x.name === spec.relation)!.child) : null;
    const may = role in r.access![op] && (!child || role in child.access!.select);
    const req = await requestFor(spec, role);
    const res = await call(users[role]!, req.method, req.url, req.body);
    if (may) expect(res.status, `${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}: ${res.text}`).toBeLessThan(300);
    else {
      expectError(res, 403, 'forbidden');
      expect(res.body.message).toMatch(new RegExp(`^role ${role} may not (read|create|change|delete) `));
    }
  });

  it('OpenAPI says who may call each route (x-roles), as the matrix found', () => {
    for (const spec of routes.filter((s) => s.resource !== null)) {
      const r = resource(spec.resource!);
      const roles = auth.roles.filter((role) => role in r.access![PRIVILEGE[spec.operation]!]);
      expect((spec.schema as { 'x-roles'?: string[] })['x-roles'], `${spec.method} ${spec.url}`).toEqual(roles);
      expect(String((spec.schema as { description?: string }).description)).toContain(`Roles: ${roles.join(', ')}`);
    }
  });

  it('what the issue found: an assessor cannot delete an admin, change the organization or make itself admin; an admin cannot demote itself', async () => {
    const { admin, assessor } = users as { admin: string; assessor: string };
    const del = await call(assessor, 'DELETE', `/v1/users/${admin}`);
    expectError(del, 403, 'forbidden');
    expect(del.body.message).toBe('role assessor may not delete users');
    expectError(await call(assessor, 'PATCH', `/v1/organizations/${A.org}`, { name: 'Mine now' }), 403, 'forbidden');
    expectError(await call(assessor, 'PATCH', `/v1/users/${assessor}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await call(admin, 'PATCH', `/v1/users/${admin}`, { role: 'viewer' }), 403, 'forbidden');
    expectError(await call(admin, 'PATCH', `/v1/users/${assessor}`, { password_hash: 'x' }), 400, 'validation_failed');
    expect((await call(admin, 'GET', `/v1/users/${admin}`)).body.role).toBe('admin');
  });

  it('an assessor changes only the assessments it created: another one\'s is 403 (it exists), a missing one 404', async () => {
    const { admin, assessor } = users as { admin: string; assessor: string };
    const made = await call(assessor, 'POST', '/v1/assessments', { workflow_id: g.workflows, title: 'Mine' });
    expect(made.status, made.text).toBe(201);
    expect(made.body.created_by).toBe(assessor);
    expect((await call(assessor, 'PATCH', `/v1/assessments/${made.body.id}`, { title: 'Mine, renamed' })).status).toBe(200);
    const theirs = await call(admin, 'POST', '/v1/assessments', { workflow_id: g.workflows, title: 'Theirs' });
    const refused = await call(assessor, 'PATCH', `/v1/assessments/${theirs.body.id}`, { title: 'Taken' });
    expectError(refused, 403, 'forbidden');
    expect(refused.body.message).toContain('only the assessments rows its condition allows');
    expectError(await call(assessor, 'PATCH', `/v1/assessments/${crypto.randomUUID()}`, { title: 'x' }), 404, 'not_found');
    expectError(await call(assessor, 'POST', '/v1/assessments', { workflow_id: g.workflows, title: 'In their name', created_by: admin }), 403, 'forbidden');
  });

  it('the last admin cannot go: 409 last_role_holder; another admin first, then it can', async () => {
    const { admin } = users as { admin: string };
    const last = await call(admin, 'DELETE', `/v1/users/${admin}`);
    expectError(last, 409, 'last_role_holder');
    expect(last.body.message).toContain('at least one active admin');
    expectError(await call(admin, 'PATCH', `/v1/users/${admin}`, { is_active: false }), 409, 'last_role_holder');
    const second = await call(admin, 'POST', '/v1/users', { email: 'second-admin@org0.example', full_name: 'Second', role: 'admin' });
    expect(second.status, second.text).toBe(201);
    expect((await call(admin, 'PATCH', `/v1/users/${second.body.id}`, { is_active: false })).status).toBe(200);
    expect((await call(admin, 'DELETE', `/v1/users/${second.body.id}`)).status).toBe(204);
  });

  it('tokens do not outlive membership: a deactivated, deleted or foreign user is 401 not_a_member, and nothing is written', async () => {
    const viewer = await api.owner((q) => addUser(q, ir, A.org, 'viewer'));
    expect((await call(viewer, 'GET', '/v1/workflows')).status).toBe(200);
    await api.owner((q) => q.query(`UPDATE users SET is_active = false WHERE id = $1`, [viewer]));
    const inactive = await call(viewer, 'GET', '/v1/workflows');
    expectError(inactive, 401, 'not_a_member');
    expect(inactive.text).not.toContain(viewer);
    await api.owner((q) => q.query(`UPDATE users SET is_active = true WHERE id = $1`, [viewer]));
    expect((await call(viewer, 'GET', '/v1/workflows')).status).toBe(200);
    // A's admin with B's organization in the token
    expectError(await api.call('GET', '/v1/workflows', { token: token(B.org, users.admin!) }), 401, 'not_a_member');
    expectError(await api.call('POST', '/v1/workflows', { token: token(B.org, users.admin!), body: { name: 'planted' } }), 401, 'not_a_member');
    expect((await api.owner((q) => q.query(`SELECT 1 FROM workflows WHERE name = 'planted'`))).rowCount).toBe(0);
    await api.owner(async (q) => {
      await q.query(`SET LOCAL schemagen.maintenance = 'on'`);
      await q.query(`DELETE FROM users WHERE id = $1`, [viewer]);
    });
    expectError(await call(viewer, 'GET', '/v1/workflows'), 401, 'not_a_member');
  });

  it('property: no answer differs between "this value exists in another organization" and "it exists nowhere"', async () => {
    const admin = users.admin!;
    // for each tenant-scoped resource with a unique key: A creates a row whose key columns are B's row's values,
    // and one whose key values exist nowhere; references inside the key point at a fresh parent of A's
    const cases = ir.tables
      .filter((t) => t.tenancy === 'scoped' && resources.some((r) => r.name === t.name && r.operations.includes('create') && r.access?.insert.admin))
      .flatMap((t) =>
        [...t.uniques.map((u) => u.columns), ...t.indexes.filter((i) => i.unique).map((i) => i.columns.map((c) => c.name))]
          .map((cols) => cols.filter((c) => c !== ir.tenancy!.key && c !== t.primaryKey!.columns[0]))
          .filter((cols) => cols.length > 0 && cols.every((c) => resource(t.name).insertable.includes(c)))
          .map((cols) => ({ table: t.name, cols })),
      );
    expect(cases.map((c) => `${c.table}(${c.cols})`).sort()).toEqual(
      ['assessment_documents(storage_key)', 'assessment_results(assessment_id,criterion_id)', 'buckets(workflow_id,position)', 'criteria(bucket_id,position)', 'users(email)', 'workflows(name)'].sort(),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.boolean(), async ({ table, cols }, copyReferences) => {
        const r = resource(table);
        // a row of B's whose key values A does not have itself (an own duplicate is a fair 409)
        const same = cols.map((c) => `a."${c}" = b."${c}"`).join(' AND ');
        const theirs = (
          await api.owner((q) =>
            q.query<Row>(`SELECT b.* FROM "${table}" b WHERE b.organization_id = $1 AND NOT EXISTS (SELECT 1 FROM "${table}" a WHERE a.organization_id = $2 AND ${same}) LIMIT 1`, [B.org, A.org]),
          )
        ).rows[0];
        if (!theirs) return;
        // a fresh parent graph in A, so nothing of A's own collides
        const fresh = await api.owner(async (q) => {
          const ga: Graph = { organizations: A.org, users: admin };
          for (const t of ['workflows', 'buckets', 'criteria', 'assessments']) ga[t] = (await build(q, ga, t)).id as string;
          return { ga, base: await validRow(q, ga, table) };
        });
        const body = (values: Row) => Object.fromEntries(Object.entries({ ...fresh.base, ...values }).filter(([c]) => r.insertable.includes(c)));
        const refs = new Set(ir.tables.find((t) => t.name === table)!.foreignKeys.flatMap((fk) => fk.columns));
        const nowhere = (c: string, v: unknown) => (refs.has(c) ? crypto.randomUUID() : typeof v === 'number' ? 900_000 + Math.floor(Math.random() * 99_999) : `nowhere-${crypto.randomUUID()}`);
        // references inside the key either copied from B (then both point at no row of A's) or A's own fresh parents
        const pick = (c: string, v: unknown, other: unknown) => (refs.has(c) && !copyReferences ? fresh.base[c] : v ?? other);
        const existing = Object.fromEntries(cols.map((c) => [c, pick(c, theirs[c], null)]));
        const absent = Object.fromEntries(cols.map((c) => [c, pick(c, nowhere(c, theirs[c]), null)]));
        const a = await call(admin, 'POST', `/v1/${r.path.split('/').pop()}`, body(existing));
        const b = await call(admin, 'POST', `/v1/${r.path.split('/').pop()}`, body(absent));
        // an error's text with the values sent masked; a success is its status
        const scrub = (res: Reply, values: Row) => {
          if (res.status < 300) return 'created';
          let text = res.text;
          for (const v of Object.values(values)) if (v !== null && v !== undefined) text = text.replaceAll(String(v), '<value>');
          return text;
        };
        expect({ status: a.status, text: scrub(a, existing) }, `${table}(${cols}) copied from B: ${a.text} / nowhere: ${b.text}`).toEqual({ status: b.status, text: scrub(b, absent) });
      }),
      { seed: ORACLE_SEED, numRuns: ORACLE_RUNS, verbose: true },
    );
  });
});
