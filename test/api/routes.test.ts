import { afterAll, beforeAll, expect, it } from 'vitest';
import { routes } from '../../generated/api/schemas.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fingerprint, isErrorShape, openApi, seedTenants, TABLES, type Api, type Reply, type Tenant } from './harness.ts';

/** Every route of the generated API: app.inject on PGlite, real HTTP on PostgreSQL. */
describeEachEngine('api routes', (engine) => {
  let api: Api;
  let A: Tenant;
  let B: Tenant;
  const as = (t: Tenant) => ({
    get: (url: string) => api.call('GET', url, { token: t.token }),
    post: (url: string, body: unknown) => api.call('POST', url, { token: t.token, body }),
    patch: (url: string, body: unknown) => api.call('PATCH', url, { token: t.token, body }),
    del: (url: string) => api.call('DELETE', url, { token: t.token }),
  });
  const expectError = (r: Reply, status: number, code?: string) => {
    expect(r.status, r.text).toBe(status);
    expect(isErrorShape(r.body, status), r.text).toBe(true);
    if (code) expect(r.body.code, r.text).toBe(code);
  };
  const ids = (r: Reply) => (r.body.data as { id: string }[]).map((x) => x.id);
  /** Every page of a list, following next_cursor. */
  const allPages = async (t: Tenant, url: string) => {
    const out: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r = await as(t).get(`${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, r.text).toBe(200);
      out.push(...r.body.data);
      cursor = r.body.next_cursor;
      if (!cursor) return out;
    }
    throw new Error('pagination did not end');
  };

  beforeAll(async () => {
    api = await openApi(engine);
    [A, B] = (await seedTenants(api, [
      { users: 2, workflows: [{ buckets: [2, 1], assessments: [{ documents: 1, results: 2 }] }, { buckets: [], assessments: [] }] },
      { users: 1, workflows: [{ buckets: [1], assessments: [] }] },
    ])) as [Tenant, Tenant];
  });
  afterAll(() => api?.close());

  it('/health and /ready answer without a token, with a request id', async () => {
    const h = await api.call('GET', '/health');
    expect([h.status, h.body]).toEqual([200, { status: 'ok' }]);
    expect(h.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const r = await api.call('GET', '/ready', { headers: { 'x-request-id': 'trace-42' } });
    expect([r.status, r.body, r.headers['x-request-id']]).toEqual([200, { status: 'ok' }, 'trace-42']);
  });

  it('list shows only the caller’s rows, never sensitive columns', async () => {
    const r = await as(A).get('/v1/workflows');
    expect(r.status).toBe(200);
    expect(new Set(ids(r))).toEqual(new Set(A.rows.workflows!.map((w) => w.id)));
    expect(r.body.next_cursor).toBeNull();
    const users = await as(A).get('/v1/users');
    expect(users.body.data).toHaveLength(2);
    for (const u of users.body.data) {
      expect(u).not.toHaveProperty('password_hash');
      expect(u.organization_id).toBe(A.org);
    }
    expect(users.text).not.toContain('secret-');
  });

  it('create: one row (201), server-set tenant key, timestamps as ISO text with the database’s precision', async () => {
    const r = await as(A).post('/v1/workflows', { name: 'Single', description: 'one', settings: { a: [1, 2] } });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ name: 'Single', description: 'one', status: 'draft', settings: { a: [1, 2] }, organization_id: A.org, created_by: A.user });
    expect(r.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d$/);
    expect((await as(A).get(`/v1/workflows/${r.body.id}`)).body).toEqual(r.body);
  });

  it('create: a bulk array in one transaction, in request order; over 1000 refused; one bad row writes nothing', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `Bulk ${String(i).padStart(2, '0')}`);
    const r = await as(A).post('/v1/workflows', names.map((name, i) => ({ name, status: i % 3 === 0 ? 'active' : 'draft' })));
    expect(r.status, r.text).toBe(201);
    expect(r.body.map((w: { name: string }) => w.name)).toEqual(names);
    expectError(await as(A).post('/v1/workflows', Array.from({ length: 1001 }, (_, i) => ({ name: `x${i}` }))), 400, 'validation_failed');
    expectError(await as(A).post('/v1/workflows', []), 400, 'validation_failed');
    const before = await fingerprint(api, TABLES);
    expectError(await as(A).post('/v1/workflows', [{ name: 'Fresh 1' }, { name: 'Bulk 03' }]), 409, 'unique_violation');
    expect(await fingerprint(api, TABLES)).toEqual(before);
  });

  it('create: nested workflow → buckets → criteria in one request; a failing child rolls back the parent', async () => {
    const body = {
      name: 'Nested',
      buckets: [
        { name: 'B0', position: 0, criteria: [{ title: 'C0', position: 0 }, { title: 'C1', position: 1, weight: 2.5, is_mandatory: false }] },
        { name: 'B1', position: 1 },
      ],
    };
    const r = await as(A).post('/v1/workflows', body);
    expect(r.status, r.text).toBe(201);
    expect(r.body.buckets).toHaveLength(2);
    expect(r.body.buckets[0].workflow_id).toBe(r.body.id);
    expect(r.body.buckets[0].criteria.map((c: { title: string; weight: number }) => [c.title, c.weight])).toEqual([['C0', 1], ['C1', 2.5]]);
    const buckets = await as(A).get(`/v1/workflows/${r.body.id}/buckets?sort=position`);
    expect(buckets.body.data.map((b: { name: string }) => b.name)).toEqual(['B0', 'B1']);
    const criteria = await as(A).get(`/v1/buckets/${r.body.buckets[0].id}/criteria?sort=-position`);
    expect(criteria.body.data.map((c: { title: string }) => c.title)).toEqual(['C1', 'C0']);

    const before = await fingerprint(api, TABLES);
    const bad = await as(A).post('/v1/workflows', { name: 'Nested 2', buckets: [{ name: 'x', position: 0 }, { name: 'y', position: 0 }] });
    expectError(bad, 409, 'unique_violation');
    expect(bad.body.field).toBe('workflow_id');
    expectError(await as(A).post('/v1/workflows', { name: 'Nested 3', buckets: [{ name: 'x', position: 0, workflow_id: A.rows.workflows![0]!.id }] }), 400, 'validation_failed');
    expect(await fingerprint(api, TABLES)).toEqual(before);
  });

  it('keyset pagination visits every row once, in order, for every sort (ties broken by id, NULLs last ascending)', async () => {
    const all = (await allPages(A, '/v1/workflows?limit=100')).map((w) => w as { id: string; name: string; created_at: string; updated_at: string });
    expect(all.length).toBeGreaterThan(25);
    for (const sort of ['created_at', '-created_at', 'name', '-name', 'updated_at']) {
      const rows = await allPages(A, `/v1/workflows?limit=7&sort=${sort}`);
      expect(rows.map((w) => w.id).sort(), sort).toEqual(all.map((w) => w.id).sort());
      const key = sort.replace('-', '') as 'name';
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1] as Record<string, string>, rows[i] as Record<string, string>];
        const cmp = a[key]! === b[key]! ? (a.id! < b.id! ? -1 : 1) : key === 'name' ? (a[key]! < b[key]! ? -1 : 1) : Date.parse(a[key]!) - Date.parse(b[key]!) || (a[key]! < b[key]! ? -1 : 1);
        expect(sort.startsWith('-') ? -cmp : cmp, `${sort} at ${i}`).toBeLessThan(0);
      }
    }
    // a nullable sort column: assessment results by confidence, several NULLs and ties
    const wf = await as(A).post('/v1/workflows', { name: 'Scored', buckets: [{ name: 'b', position: 0, criteria: Array.from({ length: 12 }, (_, i) => ({ title: `c${i}`, position: i })) }] });
    const assessment = await as(A).post('/v1/assessments', { workflow_id: wf.body.id, title: 'run' });
    expect(assessment.status, assessment.text).toBe(201);
    const confidences = [null, 0.5, 0.25, null, 0.5, 1, 0, null, 0.25, 0.5, 0.75, null];
    const created = await as(A).post('/v1/assessment-results', wf.body.buckets[0].criteria.map((c: { id: string }, i: number) => ({ assessment_id: assessment.body.id, criterion_id: c.id, outcome: 'pass', confidence: confidences[i] })));
    expect(created.status, created.text).toBe(201);
    type R = { id: string; confidence: number | null };
    const mine = created.body as R[];
    const asc = [...mine].sort((a, b) => (a.confidence === b.confidence ? (a.id < b.id ? -1 : 1) : a.confidence === null ? 1 : b.confidence === null ? -1 : a.confidence - b.confidence));
    const url = `/v1/assessments/${assessment.body.id}/assessment-results?limit=3&sort=`;
    expect((await allPages(A, `${url}confidence`)).map((r) => r.id)).toEqual(asc.map((r) => r.id));
    expect((await allPages(A, `${url}-confidence`)).map((r) => r.id)).toEqual([...asc].reverse().map((r) => r.id));
  });

  it('filters: typed operators on the allow-list; count=exact on request', async () => {
    const active = await as(A).get('/v1/workflows?status=eq.active&limit=100&count=exact');
    expect(active.body.data.length).toBeGreaterThan(0);
    expect(active.body.total).toBe(active.body.data.length);
    expect(active.body.data.every((w: { status: string }) => w.status === 'active')).toBe(true);
    const notActive = await as(A).get('/v1/workflows?status=ne.active&limit=100&count=exact');
    const all = await as(A).get('/v1/workflows?limit=1&count=exact');
    expect(all.body.data).toHaveLength(1);
    expect(active.body.total + notActive.body.total).toBe(all.body.total);
    expect((await as(A).get('/v1/workflows?status=in.(active,archived)&count=exact')).body.total).toBe(active.body.total);
    // seeded workflows name A's admin; the API's default the caller, A's admin too
    const mine = (await as(A).get(`/v1/workflows?created_by=eq.${A.user}&count=exact`)).body.total;
    const nobody = (await as(A).get('/v1/workflows?created_by=is.null&count=exact')).body.total;
    expect(mine).toBeGreaterThanOrEqual(A.rows.workflows!.length);
    expect(mine + nobody).toBe(all.body.total);
    expect((await as(A).get('/v1/workflows?created_by=is.notnull&created_by=is.null')).body.data).toEqual([]);
    const first = (await as(A).get('/v1/workflows?sort=created_at&limit=1')).body.data[0];
    const since = await as(A).get(`/v1/workflows?created_by=is.null&status=eq.draft&count=exact`);
    expect(since.status).toBe(200);
    const users = await as(A).get(`/v1/users?email=eq.u1@org0.example&is_active=eq.true`);
    expect(users.body.data.map((u: { email: string }) => u.email)).toEqual(['u1@org0.example']);
    expect((await as(A).get('/v1/criteria?is_mandatory=eq.false')).body.data.map((c: { title: string }) => c.title)).toEqual(['C1']);
    expect((await as(A).get(`/v1/assessment-documents?mime_type=in.("application/pdf","x,y")&count=exact`)).body.total).toBe(1);
    expect(first).toBeDefined();

    expectError(await as(A).get('/v1/workflows?status=eq.bogus'), 400, 'invalid_filter');
    expectError(await as(A).get('/v1/workflows?created_by=eq.not-a-uuid'), 400, 'invalid_filter');
    expectError(await as(A).get('/v1/workflows?status=like.x'), 400, 'validation_failed');
    expectError(await as(A).get('/v1/workflows?name=eq.x'), 400, 'validation_failed'); // not on the allow-list
    expectError(await as(A).get(`/v1/workflows?organization_id=eq.${B.org}`), 400, 'validation_failed');
    expectError(await as(A).get('/v1/workflows?sort=description'), 400, 'validation_failed');
    expectError(await as(A).get('/v1/workflows?limit=101'), 400, 'validation_failed');
    expectError(await as(A).get('/v1/workflows?limit=0'), 400, 'validation_failed');
    expectError(await as(A).get('/v1/workflows?cursor=garbage'), 400, 'invalid_cursor');
    const page = await as(A).get('/v1/workflows?limit=1&sort=name');
    expectError(await as(A).get(`/v1/workflows?limit=1&sort=-name&cursor=${page.body.next_cursor}`), 400, 'invalid_cursor');
  });

  it('get: 200 for the caller’s row; 404 for a missing id and for another tenant’s, alike; 400 for a non-uuid', async () => {
    const own = A.rows.workflows![0]!.id as string;
    expect((await as(A).get(`/v1/workflows/${own}`)).body.id).toBe(own);
    const foreign = await as(A).get(`/v1/workflows/${B.rows.workflows![0]!.id}`);
    const missing = await as(A).get('/v1/workflows/00000000-0000-4000-8000-00000000ffff');
    expectError(foreign, 404, 'not_found');
    expectError(missing, 404, 'not_found');
    expectError(await as(A).get('/v1/workflows/123'), 400, 'validation_failed');
    expectError(await as(A).get(`/v1/workflows/${B.rows.workflows![0]!.id}/buckets`), 404, 'not_found');
    expect((await as(A).get(`/v1/organizations/${A.org}`)).body).toMatchObject({ id: A.org, name: 'Org 0' });
    expectError(await as(A).get(`/v1/organizations/${B.org}`), 404, 'not_found');
  });

  it('patch: changes only updatable fields; tenant key, immutable and unknown fields are refused; another tenant’s row is 404', async () => {
    const id = A.rows.workflows![1]!.id as string;
    const before = (await as(A).get(`/v1/workflows/${id}`)).body;
    const r = await as(A).patch(`/v1/workflows/${id}`, { description: 'changed', status: 'archived' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ id, description: 'changed', status: 'archived', created_at: before.created_at });
    expect(Date.parse(r.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
    for (const body of [{ organization_id: B.org }, { created_at: '2020-01-01T00:00:00Z' }, { updated_at: '2020-01-01T00:00:00Z' }, { id }, { nope: 1 }, {}])
      expectError(await as(A).patch(`/v1/workflows/${id}`, body), 400, 'validation_failed');
    expectError(await as(A).patch(`/v1/workflows/${B.rows.workflows![0]!.id}`, { name: 'taken' }), 404, 'not_found');
    expectError(await as(A).patch(`/v1/workflows/${id}`, { name: '  ' }), 422, 'check_violation');
    expectError(await as(A).patch(`/v1/workflows/${id}`, { name: null }), 400, 'validation_failed');
    expectError(await as(A).patch(`/v1/workflows/${id}`, { created_by: B.user }), 422, 'reference_not_found');
    const org = await as(A).patch(`/v1/organizations/${A.org}`, { name: 'Org Zero' });
    expect([org.status, org.body.name]).toEqual([200, 'Org Zero']);
    // the slug is unique across organizations: not writable through the API, so no clash can tell another's exists
    const taken = await as(A).patch(`/v1/organizations/${A.org}`, { slug: 'org-1' });
    const free = await as(A).patch(`/v1/organizations/${A.org}`, { slug: 'org-nobody-has' });
    expectError(taken, 400, 'validation_failed');
    expect(taken.text).toBe(free.text.replace('org-nobody-has', 'org-1'));
    expect(taken.text).not.toContain(B.org);
  });

  it('references: a missing or another tenant’s parent is 422 with the same message; deleting a referenced row is 409', async () => {
    const foreign = await as(A).post('/v1/buckets', { workflow_id: B.rows.workflows![0]!.id, name: 'x', position: 9 });
    const missing = await as(A).post('/v1/buckets', { workflow_id: '00000000-0000-4000-8000-00000000ffff', name: 'x', position: 9 });
    expectError(foreign, 422, 'reference_not_found');
    expectError(missing, 422, 'reference_not_found');
    expect(foreign.body.message).toBe(missing.body.message);
    expect(foreign.body.field).toBe('workflow_id');
    const withAssessment = A.rows.workflows![0]!.id as string;
    expectError(await as(A).del(`/v1/workflows/${withAssessment}`), 409, 'still_referenced');
    expectError(await as(A).post('/v1/buckets', { workflow_id: withAssessment, name: 'x', position: -1 }), 422, 'check_violation');
    expectError(await as(A).post('/v1/buckets', { workflow_id: withAssessment, name: 'x' }), 400, 'validation_failed');
    expectError(await as(A).post('/v1/workflows', { name: 'x'.repeat(256) }), 400, 'validation_failed');
  });

  it('delete: 204, then 404; another tenant’s row is 404 and stays', async () => {
    const created = await as(A).post('/v1/workflows', { name: 'Doomed', buckets: [{ name: 'b', position: 0 }] });
    expect((await as(A).del(`/v1/workflows/${created.body.id}`)).status).toBe(204);
    expectError(await as(A).get(`/v1/workflows/${created.body.id}`), 404, 'not_found');
    expectError(await as(A).get(`/v1/buckets/${created.body.buckets[0].id}`), 404, 'not_found');
    expectError(await as(A).del(`/v1/workflows/${created.body.id}`), 404, 'not_found');
    expectError(await as(A).del(`/v1/users/${B.user}`), 404, 'not_found');
    expect((await as(B).get(`/v1/users/${B.user}`)).status).toBe(200);
  });

  it('users: password_hash is never written or read through the API (a sensitive column no role was given)', async () => {
    expectError(await as(A).post('/v1/users', { email: 'new@org0.example', full_name: 'New', password_hash: '$argon2id$secret' }), 400, 'validation_failed');
    const r = await as(A).post('/v1/users', { email: 'new@org0.example', full_name: 'New' });
    expect(r.status, r.text).toBe(201);
    expect(r.body).not.toHaveProperty('password_hash');
    expectError(await as(A).patch(`/v1/users/${r.body.id}`, { password_hash: '$argon2id$other' }), 400, 'validation_failed');
    const p = await as(A).patch(`/v1/users/${r.body.id}`, { role: 'viewer' });
    expect([p.status, p.body.role]).toEqual([200, 'viewer']);
    expectError(await as(A).post('/v1/users', { email: 'new@org0.example', full_name: 'Twin' }), 409, 'unique_violation');
    // the same e-mail in another organization is fine: uniqueness is per tenant
    expect((await as(B).post('/v1/users', { email: 'new@org0.example', full_name: 'Twin' })).status).toBe(201);
  });

  it('audit logs: list and get only (append-only); writes by the API carry the acting user', async () => {
    const logs = await as(A).get(`/v1/audit-logs?table_name=eq.users&user_id=eq.${A.user}&sort=-created_at&limit=5`);
    expect(logs.status).toBe(200);
    expect(logs.body.data.length).toBeGreaterThan(0);
    expect(logs.body.data.every((l: { organization_id: string; user_id: string }) => l.organization_id === A.org && l.user_id === A.user)).toBe(true);
    expect(logs.text).not.toContain('secret-');
    expect((await as(A).get(`/v1/audit-logs/${logs.body.data[0].id}`)).status).toBe(200);
    // a known path with a method it lacks: 405 naming the allowed ones
    const post = await as(A).post('/v1/audit-logs', { action: 'insert' });
    expectError(post, 405, 'method_not_allowed');
    expect(post.headers.allow).toBe('GET, HEAD');
    const del = await as(A).del(`/v1/audit-logs/${logs.body.data[0].id}`);
    expectError(del, 405, 'method_not_allowed');
    expect(del.headers.allow).toBe('GET, HEAD');
  });

  it('every route of the route table answers a valid request with 2xx', async () => {
    const hit = new Set<string>();
    const call = async (method: string, url: string, spec: string, body?: unknown) => {
      const r = await api.call(method, url, { token: A.token, ...(body === undefined ? {} : { body }) });
      expect(r.status, `${method} ${url}: ${r.text}`).toBeLessThan(300);
      hit.add(spec);
      return r.body;
    };
    const made: Record<string, string> = {};
    const bodies: Record<string, () => unknown> = {
      users: () => ({ email: 'every@org0.example', full_name: 'Every' }),
      workflows: () => ({ name: 'Every route' }),
      buckets: () => ({ workflow_id: made.workflows, name: 'Every', position: 0 }),
      criteria: () => ({ bucket_id: made.buckets, title: 'Every', position: 0 }),
      assessments: () => ({ workflow_id: made.workflows, title: 'Every' }),
      assessment_documents: () => ({ assessment_id: made.assessments, file_name: 'every.pdf', mime_type: 'application/pdf', size_bytes: '12345678901', storage_key: 'every/route' }),
      assessment_results: () => ({ assessment_id: made.assessments, criterion_id: made.criteria, outcome: 'partial', confidence: '0.125' }),
    };
    const patches: Record<string, unknown> = {
      organizations: { name: 'Org Zero' }, users: { full_name: 'Every One' }, workflows: { description: 'all' }, buckets: { description: 'all' }, criteria: { guidance: 'all' },
      assessments: { title: 'Every run' }, assessment_documents: { page_count: 3 }, assessment_results: { reasoning: 'all' },
    };
    const byResource = (name: string, op: string) => routes.find((r) => r.resource === name && r.operation === op);
    const key = (r: (typeof routes)[number]) => `${r.method} ${r.url}`;
    for (const name of Object.keys(bodies)) {
      const spec = byResource(name, 'create')!;
      made[name] = (await call('POST', spec.url, key(spec), bodies[name]!())).id;
    }
    made.organizations = A.org;
    made.audit_logs = (await api.call('GET', '/v1/audit-logs?limit=1', { token: A.token })).body.data[0].id;
    expect((await api.call('GET', `/v1/assessment-documents/${made.assessment_documents}`, { token: A.token })).body.size_bytes).toBe('12345678901');
    for (const spec of routes.filter((r) => r.resource !== null && r.method !== 'POST' && r.method !== 'DELETE')) {
      const url = spec.url.replace(':id', made[spec.resource!]!);
      await call(spec.method, url, key(spec), spec.method === 'PATCH' ? patches[spec.resource!] : undefined);
    }
    for (const name of Object.keys(bodies).reverse()) {
      const spec = byResource(name, 'delete')!;
      await call('DELETE', spec.url.replace(':id', made[name]!), key(spec));
    }
    for (const spec of routes.filter((r) => r.operation === 'health' || r.operation === 'ready')) await call(spec.method, spec.url, key(spec));
    expect([...hit].sort()).toEqual(routes.map(key).sort());
  });

  it('request errors keep the one error shape: bad JSON, wrong media type, oversized body, unknown route', async () => {
    expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: '{"name":' }), 400);
    expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: 'name=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectError(await api.call('POST', '/v1/workflows', { token: A.token, body: { name: 'x', description: 'y'.repeat(1_100_000) } }), 413, 'payload_too_large');
    expectError(await api.call('GET', '/v1/nothing', { token: A.token }), 404, 'route_not_found');
    expectError(await api.call('POST', '/v1/workflows', { token: A.token, body: { name: 'x', settings: { a: 'nul\u0000' } } }), 400, 'invalid_value');
  });
});
