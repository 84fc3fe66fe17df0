import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Privilege, RouteSpec } from '../../generated/api/types.ts';
import { describeEachEngine } from '../support/engines.ts';
import { tempDirs } from '../support/gen-cli.ts';
import { COMPOSITE_MODEL, compositeFingerprint, ROLES, seedComposite, type CompositeTenant } from './composite-fixture.ts';
import { schemaArbitraries, type Ids } from './arbitraries.ts';
import { generateFixtureApi } from './fixture-api.ts';
import { isErrorShape, openApi, SECRET, type Api, type Reply } from './harness.ts';

/**
 * Tables whose primary key has several columns (test/golden/composite-keys), served through every key column
 * but the tenant key: `/v1/memberships/:project_id/:user_id`. The model is generated into a temporary folder
 * and served on PGlite, and over HTTP on PostgreSQL.
 */
const fx = await generateFixtureApi(COMPOSITE_MODEL, tempDirs('sg-composite-').dir());
const { routes } = fx.schemas;
const resource = (name: string) => fx.model.resources.find((r) => r.name === name)!;
const PRIVILEGE: Record<string, Privilege> = { list: 'select', get: 'select', children: 'select', create: 'insert', update: 'update', delete: 'delete' };
const enc = encodeURIComponent;
/** Fixed: a failure prints the seed and path to replay; override to explore. */
const FUZZ_SEED = Number(process.env.API_COMPOSITE_SEED ?? 20261205);
const FUZZ_RUNS = Number(process.env.API_COMPOSITE_RUNS ?? 80);
type Row = Record<string, any>;

const expectError = (r: Reply, status: number, code: string) => {
  expect([r.status, r.body?.code], r.text.slice(0, 400)).toEqual([status, code]);
  expect(isErrorShape(r.body, status), r.text.slice(0, 400)).toBe(true);
};

it('every composite table is served, addressed by its key columns in key order, the tenant key left to the session', () => {
  const urls = (name: string) => routes.filter((r) => r.resource === name).map((r) => `${r.method} ${r.url}`);
  expect(urls('memberships')).toEqual([
    'GET /v1/memberships', 'POST /v1/memberships', 'GET /v1/memberships/:project_id/:user_id', 'PATCH /v1/memberships/:project_id/:user_id', 'DELETE /v1/memberships/:project_id/:user_id',
  ]);
  // no role may delete a milestone: no DELETE route, and the milestone is a parent through its composite key
  expect(urls('milestones')).toEqual([
    'GET /v1/milestones', 'POST /v1/milestones', 'GET /v1/milestones/:project_id/:number', 'PATCH /v1/milestones/:project_id/:number', 'GET /v1/milestones/:project_id/:number/tasks',
  ]);
  expect(urls('labels')).toContain('GET /v1/labels/:project_id/:name');
  expect(resource('memberships').keys).toEqual(['project_id', 'user_id']);
  // each segment is typed as its column: the document says so, in path order
  const params = (path: string) => (fx.openapi.paths[path].get.parameters as Row[]).filter((p) => p.in === 'path').map((p) => [p.name, p.schema]);
  expect(params('/v1/milestones/{project_id}/{number}')).toEqual([
    ['project_id', { type: 'string', format: 'uuid' }],
    ['number', { type: 'integer', minimum: -2147483648, maximum: 2147483647 }],
  ]);
  expect(params('/v1/labels/{project_id}/{name}')).toEqual([['project_id', { type: 'string', format: 'uuid' }], ['name', { type: 'string', maxLength: 40 }]]);
  // the tenant key is in no request: no path, query or body names it
  for (const r of routes) expect(JSON.stringify([r.schema.params ?? null, r.schema.querystring ?? null]), r.url).not.toContain('organization_id');
  for (const s of fx.schemas.schemas) if (/(Create(In.*)?|Patch)$/.test(s.$id)) expect(Object.keys((s as Row).properties ?? {}), s.$id).not.toContain('organization_id');
  // key columns are never patched (they are the row's address)
  expect(Object.keys((fx.schemas.schemas.find((s) => s.$id === 'MembershipPatch') as Row).properties).sort()).toEqual(['hours_per_week', 'note', 'role']);
});

it('/docs/json, which @fastify/swagger makes at run time from the routes, is the openapi.json gen wrote', async () => {
  const app = fx.app.buildApp({ pool: { connect: () => Promise.reject(new Error('no database')), end: async () => {} }, jwt: { secret: SECRET } });
  expect((await app.inject({ method: 'GET', url: '/docs/json' })).json()).toEqual(fx.openapi);
  await app.close();
});

it('routes and OpenAPI follow the grants: an operation no role may do has no route, and every route says which roles may call it', () => {
  const documented = Object.entries(fx.openapi.paths as Record<string, Row>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`).sort());
  const ops = ['list', 'get', 'create', 'update', 'delete'] as const;
  for (const t of fx.ir.tables) {
    const r = resource(t.name);
    for (const op of ops) {
      const anyRole = t.permissions.some((p) => p.operation === PRIVILEGE[op]) && (op !== 'update' || r.updatable.length > 0) && t.api.operations.includes(op);
      expect(routes.some((s) => s.resource === t.name && s.operation === op), `${t.name} ${op}`).toBe(anyRole);
    }
  }
  for (const spec of routes.filter((s) => s.resource !== null)) {
    const roles = mayRoles(spec);
    expect(roles.length, `${spec.method} ${spec.url}: a route no role may use`).toBeGreaterThan(0);
    const op = fx.openapi.paths[spec.url.replace(/:(\w+)/g, '{$1}')][spec.method.toLowerCase()];
    expect(op['x-roles'], `${spec.method} ${spec.url}`).toEqual(roles);
    expect(op.description).toContain(`Roles: ${roles.join(', ')}; other roles get 403.`);
  }
  // labels are admins' alone: the project's label collection says so, though every role reads projects
  expect(fx.openapi.paths['/v1/projects/{id}/labels'].get['x-roles']).toEqual(['admin']);
});

/** The roles that may call a route: its operation on its resource, and for a child collection reading the children too. */
function mayRoles(spec: RouteSpec): string[] {
  const r = resource(spec.resource!);
  const op = PRIVILEGE[spec.operation]!;
  const child = spec.operation === 'children' ? resource(r.relations.find((x) => x.name === spec.relation)!.child) : null;
  return ROLES.filter((role) => role in r.access![op] && (!child || role in child.access!.select));
}

describeEachEngine('composite keys through the API', (engine) => {
  let api: Api;
  let A: CompositeTenant;
  let B: CompositeTenant;
  const call = (t: CompositeTenant, role: (typeof ROLES)[number], method: string, url: string, body?: unknown) =>
    api.call(method, url, { token: t.token(role), ...(body === undefined ? {} : { body }) });
  const admin = (method: string, url: string, body?: unknown) => call(A, 'admin', method, url, body);
  /** Every page of a list, following next_cursor. */
  const allPages = async (url: string, role: (typeof ROLES)[number] = 'viewer') => {
    const out: Row[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const r = await call(A, role, 'GET', `${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${enc(cursor)}` : ''}`);
      expect(r.status, `${url}: ${r.text}`).toBe(200);
      out.push(...r.body.data);
      cursor = r.body.next_cursor;
      if (!cursor) return out;
    }
    throw new Error(`${url}: pagination did not end`);
  };

  beforeAll(async () => {
    api = await openApi(engine, { build: fx.app.buildApp, migrate: fx.migrate });
    [A, B] = await seedComposite(api);
  });
  afterAll(() => api?.close());

  it('get, create, patch and delete by the full key; the tenant key comes from the session; another tenant\'s key is 404 like a missing one', async () => {
    const [P1, , P3] = A.projects as [string, string, string];
    const u3 = A.users[3]!;
    const own = await admin('GET', `/v1/memberships/${P1}/${A.users[0]}`);
    expect(own.status, own.text).toBe(200);
    expect(own.body).toMatchObject({ organization_id: A.org, project_id: P1, user_id: A.users[0], role: 'lead' });

    const made = await admin('POST', '/v1/memberships', { project_id: P3, user_id: u3, role: 'lead', hours_per_week: 5 });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ organization_id: A.org, project_id: P3, user_id: u3, role: 'lead', hours_per_week: 5, note: null });
    const url = `/v1/memberships/${P3}/${u3}`;
    expect((await admin('GET', url)).body).toEqual(made.body);
    const changed = await admin('PATCH', url, { note: 'runs it', hours_per_week: null });
    expect([changed.status, changed.body.note, changed.body.hours_per_week]).toEqual([200, 'runs it', null]);

    const before = await compositeFingerprint(api);
    // the key is the address: not in a patch; the tenant key is in no body; the same key twice is a conflict
    expectError(await admin('PATCH', url, { project_id: A.projects[1] }), 400, 'validation_failed');
    expectError(await admin('POST', '/v1/memberships', { project_id: P3, user_id: u3, organization_id: B.org }), 400, 'validation_failed');
    const twice = await admin('POST', '/v1/memberships', { project_id: P3, user_id: u3 });
    expectError(twice, 409, 'unique_violation');
    expect(twice.text).not.toContain(u3);
    // a reference to another tenant's user reads as one to nobody
    const foreignRef = await admin('POST', '/v1/memberships', { project_id: P3, user_id: B.users[0] });
    const missingRef = await admin('POST', '/v1/memberships', { project_id: P3, user_id: '00000000-0000-4000-8000-00000000ffff' });
    expectError(foreignRef, 422, 'reference_not_found');
    expect(foreignRef.body.message).toBe(missingRef.body.message);
    // another tenant's row: 404, and the answer differs from a missing row's only by the key it was asked for
    const theirs = await admin('GET', `/v1/memberships/${B.projects[0]}/${B.users[0]}`);
    const nobody = await admin('GET', `/v1/memberships/${B.projects[0]}/00000000-0000-4000-8000-00000000ffff`);
    expectError(theirs, 404, 'not_found');
    expect(theirs.body.message).toBe(`memberships (project_id ${B.projects[0]}, user_id ${B.users[0]}) not found`);
    expect(theirs.body.message.replace(B.users[0]!, 'x')).toBe(nobody.body.message.replace('00000000-0000-4000-8000-00000000ffff', 'x'));
    expectError(await admin('PATCH', `/v1/memberships/${B.projects[0]}/${B.users[0]}`, { note: 'mine' }), 404, 'not_found');
    expectError(await admin('DELETE', `/v1/memberships/${B.projects[0]}/${B.users[0]}`), 404, 'not_found');
    // half a key is no route
    expectError(await admin('GET', `/v1/memberships/${P3}`), 404, 'route_not_found');
    expect(await compositeFingerprint(api)).toEqual(before);

    expect((await admin('DELETE', url)).status).toBe(204);
    expectError(await admin('GET', url), 404, 'not_found');
    expectError(await admin('DELETE', url), 404, 'not_found');
    expect((await call(B, 'admin', 'GET', `/v1/memberships/${B.projects[0]}/${B.users[0]}`)).status).toBe(200);
  });

  it('a path segment of the wrong type is 400 naming the parameter, on every method, and writes nothing', async () => {
    const P1 = A.projects[0]!;
    const before = await compositeFingerprint(api);
    const cases: [string, string, string][] = [
      [`/v1/memberships/not-a-uuid/${A.users[0]}`, 'project_id', 'path parameter project_id must be a valid uuid'],
      [`/v1/memberships/${P1}/123`, 'user_id', 'path parameter user_id must be a valid uuid'],
      [`/v1/milestones/${P1}/abc`, 'number', 'path parameter number must be an integer'],
      [`/v1/milestones/${P1}/1.5`, 'number', 'path parameter number must be an integer'],
      [`/v1/milestones/${P1}/2147483648`, 'number', 'path parameter number must be at most 2147483647'],
      [`/v1/labels/${P1}/${'x'.repeat(41)}`, 'name', 'path parameter name must be at most 40 characters long'],
      [`/v1/labels/${P1}/${enc('😀'.repeat(41))}`, 'name', 'path parameter name must be at most 40 characters long'],
    ];
    const patches: Record<string, Row> = { memberships: { note: 'x' }, milestones: { title: 'x' }, labels: { color: '#000000' } };
    for (const [url, field, message] of cases)
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const table = url.split('/')[2]!;
        if (method === 'DELETE' && table === 'milestones') continue; // no such route
        const r = await admin(method, url, method === 'PATCH' ? patches[table] : undefined);
        expectError(r, 400, 'validation_failed');
        expect([r.body.field, r.body.message], `${method} ${url}`).toEqual([field, message]);
        expect(r.body.errors[0]).toMatchObject({ in: 'path', field, pointer: `/${field}` });
      }
    // both segments wrong: both named
    const both = await admin('GET', '/v1/memberships/x/y');
    expect(both.body.errors.map((e: Row) => e.field)).toEqual(['project_id', 'user_id']);
    // a child collection's parent key is checked the same way
    expect((await admin('GET', `/v1/milestones/${P1}/one/tasks`)).body.field).toBe('number');
    expectError(await admin('GET', `/v1/labels/${P1}/%zz`), 400, 'invalid_url');
    expectError(await admin('GET', `/v1/milestones/${P1}/0`), 404, 'not_found');
    expect(await compositeFingerprint(api)).toEqual(before);
  });

  it('text keys travel percent-encoded: slashes, spaces, percent signs and emoji address their row', async () => {
    const P1 = A.projects[0]!;
    for (const name of ['bug', 'a/b c', 'Grüße 😀', '100%', ' lead']) {
      const url = `/v1/labels/${P1}/${enc(name)}`;
      const got = await admin('GET', url);
      expect([got.status, got.body?.name], url).toEqual([200, name]);
      expect((await admin('PATCH', url, { color: '#00ff00' })).body.color).toBe('#00ff00');
    }
    const made = await admin('POST', '/v1/labels', { project_id: P1, name: 'x?y#z&w=1' });
    expect(made.status, made.text).toBe(201);
    expect((await admin('DELETE', `/v1/labels/${P1}/${enc('x?y#z&w=1')}`)).status).toBe(204);
    expectError(await admin('GET', `/v1/labels/${P1}/${enc('x?y#z&w=1')}`), 404, 'not_found');
    // labels are admins' alone
    expectError(await call(A, 'member', 'GET', `/v1/labels/${P1}/bug`), 403, 'forbidden');
  });

  it('lists: filters, sorts and keyset pages over a composite key visit every row once, in order, ties broken by every key column', async () => {
    const mine = A.rows.memberships! as Row[];
    const all = await allPages('/v1/memberships?limit=100');
    expect(all).toHaveLength(mine.length);
    expect(all.every((m) => m.organization_id === A.org)).toBe(true);
    const key = (m: Row) => `${m.project_id}/${m.user_id}`;
    // default order: the key, column by column
    expect(all.map(key)).toEqual(mine.map(key).sort());
    const cmpKey = (a: Row, b: Row) => (a.project_id === b.project_id ? (a.user_id < b.user_id ? -1 : 1) : a.project_id < b.project_id ? -1 : 1);
    // an enum sorts in the order of its values
    const rank = (column: string, v: unknown): any => (column === 'role' ? ['lead', 'contributor'].indexOf(v as string) : v);
    const cmpBy = (column: string) => (a: Row, b: Row) => {
      const [x, y] = [rank(column, a[column]), rank(column, b[column])];
      if (x === y) return cmpKey(a, b);
      if (x === null) return 1; // NULLs last ascending
      if (y === null) return -1;
      return x < y ? -1 : 1;
    };
    for (const column of ['hours_per_week', 'role', 'created_at']) {
      const asc = [...all].sort(cmpBy(column)).map(key);
      expect((await allPages(`/v1/memberships?limit=3&sort=${column}`)).map(key), column).toEqual(asc);
      expect((await allPages(`/v1/memberships?limit=2&sort=-${column}`)).map(key), `-${column}`).toEqual([...asc].reverse());
    }
    // milestone numbers are integers: 10 after 5, however their text sorts
    const milestones = await allPages('/v1/milestones?limit=4');
    expect(milestones.filter((m) => m.project_id === A.projects[0]).map((m) => m.number)).toEqual([1, 2, 3, 4, 5, 10]);
    const byDue = await allPages('/v1/milestones?limit=2&sort=-due_on');
    expect(byDue).toHaveLength(milestones.length);
    expect(new Set(byDue.map((m) => `${m.project_id}/${m.number}`)).size).toBe(milestones.length);
    expect(byDue.slice(0, byDue.filter((m) => m.due_on === null).length).every((m) => m.due_on === null)).toBe(true);
    const labels = await allPages('/v1/labels?limit=2', 'admin');
    expect(labels.map((l) => l.name).sort()).toEqual(A.rows.labels!.map((l) => l.name).sort());

    // filters, count=exact
    const count = async (q: string) => (await call(A, 'viewer', 'GET', `/v1/memberships?count=exact&${q}`)).body.total;
    expect(await count('role=eq.lead')).toBe(mine.filter((m) => m.role === 'lead').length);
    expect(await count('hours_per_week=is.null')).toBe(mine.filter((m) => m.hours_per_week === null).length);
    expect(await count('hours_per_week=gte.10&hours_per_week=lt.40')).toBe(mine.filter((m) => m.hours_per_week !== null && m.hours_per_week >= 10 && m.hours_per_week < 40).length);
    expect(await count(`user_id=eq.${A.users[1]}`)).toBe(2);
    expect(await count(`user_id=eq.${B.users[0]}`)).toBe(0);
    expectError(await call(A, 'viewer', 'GET', '/v1/memberships?project_id=eq.x'), 400, 'validation_failed'); // not filterable

    // a child collection of a composite parent, and composite children of a single-key parent
    const tasks = await call(A, 'viewer', 'GET', `/v1/milestones/${A.projects[0]}/1/tasks`);
    expect(tasks.body.data.map((t: Row) => t.title).sort()).toEqual(['task 1', 'task 2']);
    expect((await call(A, 'viewer', 'GET', `/v1/milestones/${A.projects[0]}/2/tasks`)).body.data).toEqual([]);
    expectError(await call(A, 'viewer', 'GET', `/v1/milestones/${B.projects[0]}/1/tasks`), 404, 'not_found');
    const ofP1 = await allPages(`/v1/projects/${A.projects[0]}/memberships?limit=2&sort=-hours_per_week`);
    expect(ofP1.map(key)).toEqual(all.filter((m) => m.project_id === A.projects[0]).sort(cmpBy('hours_per_week')).reverse().map(key));

    // cursors carry every key column and belong to one sort
    const page = await call(A, 'viewer', 'GET', '/v1/memberships?limit=2&sort=role');
    const cursor = JSON.parse(Buffer.from(page.body.next_cursor, 'base64url').toString());
    expect(cursor).toEqual(['role', page.body.data[1].role, page.body.data[1].project_id, page.body.data[1].user_id]);
    expectError(await call(A, 'viewer', 'GET', `/v1/memberships?sort=-role&cursor=${page.body.next_cursor}`), 400, 'invalid_cursor');
    const forge = (c: unknown[]) => Buffer.from(JSON.stringify(c)).toString('base64url');
    expectError(await call(A, 'viewer', 'GET', `/v1/memberships?sort=role&cursor=${forge(cursor.slice(0, 3))}`), 400, 'invalid_cursor');
    expectError(await call(A, 'viewer', 'GET', `/v1/milestones?cursor=${forge(['project_id', A.projects[0], A.projects[0], 'two'])}`), 400, 'invalid_cursor');
  });

  it('nested create: composite-key children inside their parent, and children of a composite key inside theirs; a failing child writes nothing', async () => {
    const [u3, u4] = [A.users[3]!, A.users[4]!];
    const r = await admin('POST', '/v1/projects', {
      name: 'Nested',
      memberships: [{ user_id: u3, role: 'lead' }, { user_id: u4 }],
      milestones: [{ number: 1, title: 'First', tasks: [{ title: 'a' }, { title: 'b' }] }, { number: 2, title: 'Second' }],
      labels: [{ name: 'x/y' }],
    });
    expect(r.status, r.text).toBe(201);
    const id = r.body.id;
    expect(r.body.memberships.map((m: Row) => [m.project_id, m.user_id, m.role])).toEqual([[id, u3, 'lead'], [id, u4, 'contributor']]);
    expect(r.body.milestones[0].tasks.map((t: Row) => [t.project_id, t.milestone_number, t.title])).toEqual([[id, 1, 'a'], [id, 1, 'b']]);
    expect(r.body.labels[0]).toMatchObject({ project_id: id, name: 'x/y', organization_id: A.org });
    expect((await admin('GET', `/v1/milestones/${id}/1/tasks`)).body.data).toHaveLength(2);
    expect((await admin('GET', `/v1/labels/${id}/${enc('x/y')}`)).status).toBe(200);

    const before = await compositeFingerprint(api);
    const dup = await admin('POST', '/v1/projects', { name: 'Twice', memberships: [{ user_id: u3 }, { user_id: u3 }] });
    expectError(dup, 409, 'unique_violation');
    const badTask = await admin('POST', '/v1/projects', { name: 'Bad task', milestones: [{ number: 1, title: 'm', tasks: [{ title: 'ok' }, { title: 'x', milestone_number: 2 }] }] });
    expectError(badTask, 400, 'validation_failed');
    expect(badTask.body.field).toBe('milestones.0.tasks.1.milestone_number');
    // a member creates projects and milestones but not memberships: 403 for the whole tree
    const member = await call(A, 'member', 'POST', '/v1/projects', { name: 'By a member', memberships: [{ user_id: u3 }] });
    expectError(member, 403, 'forbidden');
    expect(member.body.message).toBe('role member may not create memberships');
    expect(await compositeFingerprint(api)).toEqual(before);
    const ok = await call(A, 'member', 'POST', '/v1/projects', { name: 'By a member', milestones: [{ number: 7, title: 'm', tasks: [{ title: 't' }] }] });
    expect(ok.status, ok.text).toBe(201);
  });

  it('every route × every role: 2xx exactly when the role may, else 403 naming role and operation; DELETE on a milestone is 405', async () => {
    let n = 0;
    const [P1, P2] = A.projects as [string, string];
    const fresh = async (table: string): Promise<string> => {
      n++;
      // (before the owner's transaction: PGlite has one session, a nested one would wait for it forever)
      const user = table === 'memberships' ? await fresh('users') : null;
      return api.owner(async (q) => {
        await q.query(`SET LOCAL schemagen.maintenance = 'on'`);
        const ins = async (sql: string, params: unknown[]) => (await q.query<{ k: string }>(sql, params)).rows[0]!.k;
        switch (table) {
          case 'users':
            return ins(`INSERT INTO users (organization_id, email) VALUES ($1, $2) RETURNING id::text AS k`, [A.org, `matrix${n}@org0.example`]);
          case 'projects':
            return ins(`INSERT INTO projects (organization_id, name) VALUES ($1, $2) RETURNING id::text AS k`, [A.org, `matrix ${n}`]);
          case 'memberships':
            return ins(`INSERT INTO memberships (organization_id, project_id, user_id) VALUES ($1, $2, $3) RETURNING project_id || '/' || user_id AS k`, [A.org, P2, user]);
          case 'milestones':
            return ins(`INSERT INTO milestones (organization_id, project_id, number, title) VALUES ($1, $2, $3, 'm') RETURNING project_id || '/' || number AS k`, [A.org, P2, 100 + n]);
          case 'labels':
            return ins(`INSERT INTO labels (organization_id, project_id, name) VALUES ($1, $2, $3) RETURNING project_id || '/' || name AS k`, [A.org, P2, `matrix ${n}`]);
          case 'tasks':
            return ins(`INSERT INTO tasks (organization_id, project_id, milestone_number, title) VALUES ($1, $2, 1, 't') RETURNING id::text AS k`, [A.org, P1]);
          default:
            throw new Error(`no fresh ${table}`);
        }
      });
    };
    const bodies: Record<string, () => Promise<Row>> = {
      users: async () => ({ email: `made${++n}@org0.example` }),
      projects: async () => ({ name: `made ${++n}` }),
      memberships: async () => ({ project_id: P2, user_id: await fresh('users') }),
      milestones: async () => ({ project_id: P2, number: 1000 + ++n, title: 'made' }),
      labels: async () => ({ project_id: P2, name: `made ${++n}` }),
      tasks: async () => ({ project_id: P1, milestone_number: 1, title: 'made' }),
    };
    const patches: Record<string, Row> = { users: { is_active: true }, projects: { name: 'patched' }, memberships: { note: 'patched' }, milestones: { title: 'patched' }, labels: { color: '#123456' }, tasks: { title: 'patched' } };
    const existing: Record<string, string> = { organizations: A.org, projects: P1, users: A.users[0]!, memberships: `${P1}/${A.users[0]}`, milestones: `${P1}/1`, labels: `${P1}/bug`, tasks: A.rows.tasks![0]!.id as string };
    const item = (spec: RouteSpec, key: string) => {
      const parts = key.split('/');
      let i = 0;
      return spec.url.replace(/:\w+/g, () => enc(parts[i++]!));
    };
    let checked = 0;
    for (const spec of routes.filter((s) => s.resource !== null))
      for (const role of ROLES) {
        const name = spec.resource!;
        let req: [string, string, unknown?];
        if (spec.operation === 'list') req = ['GET', spec.url];
        else if (spec.operation === 'get' || spec.operation === 'children') req = ['GET', item(spec, existing[name]!)];
        else if (spec.operation === 'create') req = ['POST', spec.url, await bodies[name]!()];
        else if (spec.operation === 'update') req = ['PATCH', item(spec, name === 'organizations' ? A.org : await fresh(name)), patches[name]];
        else req = ['DELETE', item(spec, await fresh(name))];
        const res = await call(A, role, ...req);
        const where = `${role} ${req[0]} ${req[1]} ${JSON.stringify(req[2] ?? null)}: ${res.text.slice(0, 300)}`;
        if (mayRoles(spec).includes(role)) expect(res.status, where).toBeLessThan(300);
        else {
          expectError(res, 403, 'forbidden');
          expect(res.body.message, where).toMatch(new RegExp(`^role ${role} may not (read|create|change|delete) `));
        }
        checked++;
      }
    expect(checked).toBe(routes.filter((s) => s.resource !== null).length * ROLES.length);
    const none = await admin('DELETE', `/v1/milestones/${P1}/1`);
    expectError(none, 405, 'method_not_allowed');
    expect(none.headers.allow).toBe('GET, HEAD, PATCH');
  });
  it('property: random keys and bodies on the composite routes never get a 500, always the error shape, and a refused request writes nothing', async () => {
    const arb = schemaArbitraries(fx.schemas.schemas, fx.model.constraints);
    const ids: Ids = { projects: [...A.projects, ...B.projects], users: [...A.users, ...B.users] };
    // routes addressed by a composite key, and the creates that hold composite children
    const specs = routes.filter((r) => r.resource !== null && (/:\w+\/:\w+/.test(r.url) || (r.method === 'POST' && fx.model.resources.some((x) => x.name === r.resource && x.keys.length > 1)) || r.url === '/v1/projects'));
    const texts = A.rows.labels!.map((l) => l.name as string);
    const odd = fc.constantFrom('', ' ', '0', '-1', '1.5', '1e3', ' 7', '0x10', '2147483648', 'null', '%', '%zz', '%FF', '..', 'a/b', '😀'.repeat(41), 'x'.repeat(300), "'; DROP TABLE memberships; --");
    const segment = (schema: Row): fc.Arbitrary<string> => {
      const right: fc.Arbitrary<string> =
        schema.format === 'uuid'
          ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids.projects!, ...ids.users!) }, { weight: 1, arbitrary: fc.uuid() })
          : schema.type === 'integer'
            ? fc.oneof(fc.integer({ min: -2, max: 12 }).map(String), fc.integer().map(String))
            : fc.oneof(fc.constantFrom(...texts), fc.string({ maxLength: 45, unit: 'binary' }));
      // mostly percent-encoded as a client would; now and then raw, malformed encoding included
      return fc.oneof({ weight: 8, arbitrary: right.map(enc) }, { weight: 2, arbitrary: odd.map(enc) }, { weight: 1, arbitrary: odd });
    };
    const request = fc.constantFrom(...specs).chain((spec) => {
      const params = ((spec.schema.params as Row | undefined)?.properties ?? {}) as Record<string, Row>;
      // a row's whole key (the caller's or another tenant's) as often as independent segments
      const r = resource(spec.resource!);
      const keys = [...A.rows[r.name]!, ...B.rows[r.name]!].map((row) => r.keys.map((k) => enc(String(row[k]))));
      const independent = fc.tuple(...Object.values(params).map(segment));
      return fc.record({
        spec: fc.constant(spec),
        role: fc.oneof({ weight: 3, arbitrary: fc.constant('admin' as const) }, { weight: 2, arbitrary: fc.constantFrom(...ROLES) }),
        segments: r.keys.length > 1 && keys.length ? fc.oneof(fc.constantFrom(...keys), independent) : independent,
        body: spec.method === 'POST' ? arb.createBody(spec, ids) : spec.method === 'PATCH' ? arb.objectFor(spec.schema.body as Row, ids) : fc.constant(undefined),
      });
    });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ spec, role, segments, body }) => {
        let i = 0;
        const url = spec.url.replace(/:\w+/g, () => segments[i++]!);
        const before = spec.method === 'GET' ? null : await compositeFingerprint(api);
        const r = await api.call(spec.method, url, { token: A.token(role), ...(body === undefined ? {} : { raw: JSON.stringify(body) }) });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        const where = `${role} ${spec.method} ${url.slice(0, 200)} ${JSON.stringify(body)?.slice(0, 300)} → ${r.status} ${r.text.slice(0, 300)}`;
        expect(r.status, where).toBeLessThan(500);
        if (r.status >= 400) {
          expect(isErrorShape(r.body, r.status), where).toBe(true);
          if (before) expect(await compositeFingerprint(api), `refused, but wrote: ${where}`).toEqual(before);
        }
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, verbose: true },
    );
    // the generator reaches both sides: accepted and refused requests
    const ok = [...seen].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(ok, JSON.stringify([...seen])).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(FUZZ_RUNS - ok, JSON.stringify([...seen])).toBeGreaterThan(FUZZ_RUNS / 4);
  });
});
