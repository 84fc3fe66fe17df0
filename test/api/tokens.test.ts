import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JwtOptions } from '../../generated/api/app.ts';
import { loadConfig } from '../../generated/api/config.ts';
import { signJwt, type SigningKey } from '../../generator/runtime/dev-token.ts';
import { engines } from '../support/engines.ts';
import { isErrorShape, openApi, SECRET, seedTenants, type Api, type Tenant } from './harness.ts';

/** A JWKS endpoint the test controls: its key set can change (rotation), it counts fetches and can fail. */
interface JwksServer {
  readonly url: string;
  publish(keys: object[]): void;
  fetches(): number;
  fail(on: boolean): void;
  close(): Promise<void>;
}

async function startJwks(): Promise<JwksServer> {
  const state = { keys: [] as object[], fetches: 0, failing: false };
  const server: Server = createServer((req, res) => {
    state.fetches++;
    if (state.failing || req.url !== '/tenant/.well-known/jwks.json') {
      res.writeHead(state.failing ? 500 : 404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/tenant/.well-known/jwks.json`,
    publish: (keys) => void (state.keys = keys),
    fetches: () => state.fetches,
    fail: (on) => void (state.failing = on),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const rsaPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = (publicKey: KeyObject, kid: string, alg: 'RS256' | 'ES256') => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });

describe('tokens from an identity provider’s JWKS URL [pglite]', () => {
  let api: Api;
  let A: Tenant;
  let jwks: JwksServer;
  const rsa1 = rsaPair();
  const rsa2 = rsaPair();
  const ec1 = ecPair();
  const now = () => Math.floor(Date.now() / 1000);
  const token = (key: SigningKey, extra: Record<string, unknown> = {}) => signJwt({ sub: A.user, org: A.org, iat: now(), exp: now() + 600, ...extra }, key);
  let app: ReturnType<typeof buildApp>;
  const get = async (t: string) => {
    const r = await app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${t}` } });
    return { status: r.statusCode, body: r.json(), headers: r.headers };
  };

  beforeAll(async () => {
    jwks = await startJwks();
    jwks.publish([jwk(rsa1.publicKey, 'rsa-1', 'RS256'), jwk(ec1.publicKey, 'ec-1', 'ES256')]);
    api = await openApi(engines[0]!, { http: false });
    [A] = (await seedTenants(api, [{ users: 1, workflows: [{ buckets: [], assessments: [] }] }])) as [Tenant];
    app = buildApp({ pool: api.pool, jwt: { jwksUrl: jwks.url, jwks: { missIntervalMs: 0 } } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await api?.close();
    await jwks?.close();
  });

  it('RS256 and ES256 tokens whose kid the JWKS publishes are accepted; keys are cached, not fetched per request', async () => {
    const before = jwks.fetches();
    for (let i = 0; i < 3; i++) {
      expect((await get(token({ alg: 'RS256', privateKey: rsa1.privateKey, kid: 'rsa-1' }))).status).toBe(200);
      expect((await get(token({ alg: 'ES256', privateKey: ec1.privateKey, kid: 'ec-1' }))).status).toBe(200);
    }
    expect(jwks.fetches() - before).toBeLessThanOrEqual(2);
  });

  it('unknown kid, no kid, a kid with the wrong key, HS256 or none: 401 in the error shape, never 500', async () => {
    const cases = [
      token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: 'unknown' }),
      token({ alg: 'RS256', privateKey: rsa1.privateKey }),
      token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: 'rsa-1' }),
      token({ alg: 'ES256', privateKey: ec1.privateKey, kid: 'rsa-1' }),
      token({ alg: 'HS256', secret: SECRET }),
      token({ alg: 'none' }),
    ];
    for (const t of cases) {
      const r = await get(t);
      expect([r.status, r.body.code], JSON.stringify(r.body)).toEqual([401, 'unauthorized']);
      expect(isErrorShape(r.body, 401)).toBe(true);
    }
  });

  it('rotation: a token signed by a new key is refused until the JWKS publishes it, then accepted; the old key keeps working while published', async () => {
    const next = token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: 'rsa-2' });
    expect((await get(next)).status).toBe(401);
    jwks.publish([jwk(rsa2.publicKey, 'rsa-2', 'RS256'), jwk(rsa1.publicKey, 'rsa-1', 'RS256')]);
    expect((await get(next)).status).toBe(200);
    expect((await get(token({ alg: 'RS256', privateKey: rsa1.privateKey, kid: 'rsa-1' }))).status).toBe(200);
  });

  it('the JWKS endpoint failing: a cached key still verifies; an unseen kid is 503 jwks_unavailable with Retry-After', async () => {
    jwks.fail(true);
    try {
      expect((await get(token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: 'rsa-2' }))).status).toBe(200);
      const r = await get(token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: 'rsa-3' }));
      expect([r.status, r.body.code, r.headers['retry-after']]).toEqual([503, 'jwks_unavailable', '1']);
      expect(isErrorShape(r.body, 503)).toBe(true);
    } finally {
      jwks.fail(false);
    }
  });

  it('random kids cannot flood the identity provider: an unseen kid is looked up at most once per interval', async () => {
    const throttled = buildApp({ pool: api.pool, jwt: { jwksUrl: jwks.url, jwks: { missIntervalMs: 60_000 } } });
    try {
      const before = jwks.fetches();
      for (let i = 0; i < 10; i++) {
        const r = await throttled.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: `Bearer ${token({ alg: 'RS256', privateKey: rsa2.privateKey, kid: `random-${i}` })}` } });
        expect(r.statusCode).toBe(401);
      }
      expect(jwks.fetches() - before).toBe(1);
    } finally {
      await throttled.close();
    }
  });
});

describe('token lifetime and secret strength', () => {
  let api: Api;
  let A: Tenant;
  beforeAll(async () => {
    api = await openApi(engines[0]!, { http: false, app: { jwt: { secret: SECRET, maxLifetimeSeconds: 3600 } } });
    [A] = (await seedTenants(api, [{ users: 1, workflows: [] }])) as [Tenant];
  });
  afterAll(() => api?.close());
  const now = () => Math.floor(Date.now() / 1000);
  const call = (claims: Record<string, unknown>) => api.call('GET', '/v1/workflows', { token: signJwt({ sub: A.user, org: A.org, ...claims }, { alg: 'HS256', secret: SECRET }) });

  it('exp - iat above the maximum, no iat, or an iat in the future: 401; at the maximum: 200', async () => {
    expect((await call({ iat: now(), exp: now() + 3600 })).status).toBe(200);
    for (const claims of [{ iat: now(), exp: now() + 3601 }, { iat: now(), exp: now() + 10 * 365 * 86400 }, { exp: now() + 600 }, { iat: now() + 3000, exp: now() + 3600 }, { iat: 'yesterday', exp: now() + 600 }]) {
      const r = await call(claims);
      expect([r.status, r.body.code], `${JSON.stringify(claims)} → ${r.text}`).toEqual([401, 'unauthorized']);
    }
    expect((await call({ iat: now(), exp: now() + 3601 })).body.message).toBe('the token lives 3601 s (exp - iat); at most 3600 s are accepted');
  });

  it('configuration: JWT_MAX_LIFETIME_SECONDS (default 24 h); a secret of one repeated letter or a repeated word is refused at start-up with a clear line; one of three key sources', () => {
    const base = { DATABASE_URL: 'postgres://app@db.internal:5432/app' };
    expect(loadConfig({ ...base, JWT_SECRET: SECRET }).jwt).toMatchObject({ maxLifetimeSeconds: 86400 });
    expect(loadConfig({ ...base, JWT_SECRET: SECRET, JWT_MAX_LIFETIME_SECONDS: '900' }).jwt).toMatchObject({ maxLifetimeSeconds: 900 });
    expect(() => loadConfig({ ...base, JWT_SECRET: 'a'.repeat(32) })).toThrow(/^JWT_SECRET: too predictable \(about 0 bits of entropy in 32 characters, 1 distinct\); use at least 32 random characters/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'password'.repeat(4) })).toThrow(/^JWT_SECRET: too predictable/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'password'.repeat(4) })).not.toThrow(/passwordpassword/);
    const jwt: JwtOptions = loadConfig({ ...base, JWKS_URL: 'https://example.eu.auth0.com/.well-known/jwks.json', JWT_ISSUER: 'https://example.eu.auth0.com/' }).jwt;
    expect(jwt).toMatchObject({ jwksUrl: 'https://example.eu.auth0.com/.well-known/jwks.json', issuer: 'https://example.eu.auth0.com/' });
    expect(() => loadConfig({ ...base, JWKS_URL: 'http://idp.example.com/jwks.json' })).toThrow(/^JWKS_URL: expected an https:\/\/ URL/);
    expect(() => loadConfig({ ...base, JWKS_URL: 'https://idp.example.com/jwks.json', JWT_SECRET: SECRET })).toThrow(/^JWT_SECRET: set one of/);
  });
});
