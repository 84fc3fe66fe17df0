import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../generated/api/app.ts';
import { devToken, signJwt, type SigningKey } from '../../generator/runtime/dev-token.ts';
import { engines } from '../support/engines.ts';
import { isErrorShape, openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('api identity (JWT) and request hygiene [pglite]', () => {
  let api: Api;
  let A: Tenant;
  let B: Tenant;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ sub: A.user, org: A.org, iat: now(), exp: now() + 600, ...extra });
  const get = (token: string | null, url = '/v1/workflows', headers: Record<string, string> = {}) => api.call('GET', url, { token, headers });
  const expect401 = async (p: Promise<{ status: number; body: unknown; text: string }>) => {
    const r = await p;
    expect(r.status, r.text).toBe(401);
    expect(isErrorShape(r.body, 401), r.text).toBe(true);
    expect((r.body as { code: string }).code).toBe('unauthorized');
  };

  beforeAll(async () => {
    api = await openApi(engines[0]!);
    [A, B] = (await seedTenants(api, [{ users: 1, workflows: [{ buckets: [], assessments: [] }] }, { users: 1, workflows: [{ buckets: [], assessments: [] }] }])) as [Tenant, Tenant];
  });
  afterAll(() => api?.close());

  it('accepts a valid HS256 token', async () => {
    expect((await get(devToken(SECRET, { userId: A.user, orgId: A.org }))).status).toBe(200);
  });

  it('401 for a missing, malformed, expired, unsigned, wrongly signed or claim-less token', async () => {
    const hs = (c: Record<string, unknown>, key: SigningKey = { alg: 'HS256', secret: SECRET }) => signJwt(c, key);
    await expect401(get(null));
    await expect401(api.call('GET', '/v1/workflows', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }));
    await expect401(get('not.a.token'));
    await expect401(get(hs(claims({ exp: now() - 10, iat: now() - 100 }))));
    await expect401(get(hs(claims({ nbf: now() + 600 }))));
    await expect401(get(signJwt(claims(), { alg: 'none' })));
    await expect401(get(hs(claims(), { alg: 'HS256', secret: 'another-secret-of-enough-length-0123456789' })));
    await expect401(get(hs({ sub: A.user, org: A.org, iat: now() }))); // no exp
    await expect401(get(hs({ sub: A.user, exp: now() + 600 }))); // no organization
    await expect401(get(hs({ org: A.org, exp: now() + 600 }))); // no user
    await expect401(get(hs(claims({ sub: 'alice' }))));
    await expect401(get(hs(claims({ org: 'acme' }))));
    await expect401(get(signJwt(claims(), { alg: 'RS256', privateKey: rsa.privateKey }))); // right claims, algorithm not accepted
    const token = hs(claims());
    await expect401(get(`${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`)); // tampered signature
    const [h, , s] = token.split('.');
    await expect401(get(`${h}.${Buffer.from(JSON.stringify(claims({ org: B.org }))).toString('base64url')}.${s}`)); // tampered payload
  });

  it('RS256 and ES256 public keys: only the pinned algorithm, no HS256 made with the public key as secret', async () => {
    const cases = [
      { publicKey: pem(rsa.publicKey), algorithm: 'RS256' as const, key: { alg: 'RS256' as const, privateKey: rsa.privateKey }, other: { alg: 'ES256' as const, privateKey: ec.privateKey } },
      { publicKey: pem(ec.publicKey), algorithm: 'ES256' as const, key: { alg: 'ES256' as const, privateKey: ec.privateKey }, other: { alg: 'RS256' as const, privateKey: rsa.privateKey } },
    ];
    for (const c of cases) {
      const app = buildApp({ pool: api.pool, jwt: { publicKey: c.publicKey, algorithm: c.algorithm } });
      const call = async (token: string) => (await app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${token}` } })).statusCode;
      expect(await call(signJwt(claims(), c.key)), c.algorithm).toBe(200);
      expect(await call(signJwt(claims(), c.other)), c.algorithm).toBe(401);
      expect(await call(signJwt(claims(), { alg: 'HS256', secret: c.publicKey })), c.algorithm).toBe(401);
      expect(await call(signJwt(claims(), { alg: 'none' })), c.algorithm).toBe(401);
      await app.close();
    }
  });

  it('issuer and audience, when configured, must match', async () => {
    const app = buildApp({ pool: api.pool, jwt: { secret: SECRET, issuer: 'https://id.example.com', audience: 'schemagen-api' } });
    const call = async (extra: Record<string, unknown>) =>
      (await app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${signJwt(claims(extra), { alg: 'HS256', secret: SECRET })}` } })).statusCode;
    expect(await call({ iss: 'https://id.example.com', aud: 'schemagen-api' })).toBe(200);
    expect(await call({ iss: 'https://evil.example.com', aud: 'schemagen-api' })).toBe(401);
    expect(await call({ iss: 'https://id.example.com', aud: 'other' })).toBe(401);
    expect(await call({})).toBe(401);
    await app.close();
  });

  it('the tenant comes from the token only: headers naming another organization change nothing', async () => {
    const token = devToken(SECRET, { userId: A.user, orgId: A.org });
    const r = await get(token, '/v1/workflows', { 'x-organization-id': B.org, 'x-tenant-id': B.org, 'organization-id': B.org });
    expect(r.body.data.map((w: { organization_id: string }) => w.organization_id)).toEqual([A.org]);
    const created = await api.call('POST', '/v1/workflows', { token, body: { name: 'Mine' }, headers: { 'x-organization-id': B.org } });
    expect(created.body.organization_id).toBe(A.org);
    expect((await api.call('POST', '/v1/workflows', { token, body: { name: 'Theirs', organization_id: B.org } })).status).toBe(400);
    expect((await api.call('GET', `/v1/workflows?organization_id=${B.org}`, { token })).status).toBe(400);
  });

  it('logs carry request ids but no tokens, bodies or query strings; a 500 shows no internals', async () => {
    const lines: string[] = [];
    const stream = { write: (l: string) => void lines.push(l) };
    const app = buildApp({ pool: api.pool, jwt: { secret: SECRET }, logLevel: 'info', logStream: stream });
    const token = devToken(SECRET, { userId: A.user, orgId: A.org });
    await app.inject({ method: 'POST', url: '/v1/workflows?trace=body-marker-q', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'body-marker-b' }) });
    await app.inject({ method: 'GET', url: '/v1/workflows?status=eq.active', headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-77' } });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('req-77');
    expect(log).toContain('/v1/workflows');
    for (const secret of [token, token.split('.')[2]!, 'body-marker-b', 'body-marker-q', 'eq.active', 'Bearer']) expect(log).not.toContain(secret);

    const broken = buildApp({
      pool: { connect: async () => ({ query: async () => { throw new Error('relation "secret_internal_table" exploded at 0xdeadbeef'); }, release: () => {} }), end: async () => {} },
      jwt: { secret: SECRET },
    });
    const r = await broken.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(500);
    expect(isErrorShape(r.json(), 500)).toBe(true);
    expect(r.body).not.toMatch(/secret_internal_table|deadbeef|at .*\.ts/);
    expect(r.json().message).toContain(r.headers['x-request-id']);
    const down = buildApp({ pool: { connect: async () => { throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }); }, end: async () => {} }, jwt: { secret: SECRET } });
    const d = await down.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${token}` } });
    expect([d.statusCode, d.json().code, d.body.includes('10.0.0.1')]).toEqual([503, 'database_unavailable', false]);
    expect((await down.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    await broken.close();
    await down.close();
  });

  it('CORS: only the allow-listed origins', async () => {
    const app = buildApp({ pool: api.pool, jwt: { secret: SECRET }, corsOrigins: ['https://app.example.com'] });
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/v1/workflows', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const ok = await preflight('https://app.example.com');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    expect((await preflight('https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    const get = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example.com' } });
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
    await app.close();
    const none = buildApp({ pool: api.pool, jwt: { secret: SECRET } });
    expect((await none.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example.com' } })).headers['access-control-allow-origin']).toBeUndefined();
    await none.close();
  });
});
