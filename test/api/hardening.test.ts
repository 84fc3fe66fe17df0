import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../generated/api/app.ts';
import * as generatedConfig from '../../generated/api/config.ts';
import { loadConfig } from '../../generated/api/config.ts';
import { serveCorsOrigins } from '../../generator/cli/serve-command.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { engines } from '../support/engines.ts';
import { fingerprint, isErrorShape, openApi, SECRET, seedTenants, TABLES, type Api, type Reply, type Tenant } from './harness.ts';

const expectError = (r: Reply, status: number, code: string) => {
  expect([r.status, r.body?.code], r.text.slice(0, 400)).toEqual([status, code]);
  expect(isErrorShape(r.body, status), r.text.slice(0, 400)).toBe(true);
};

describe('api hardening [pglite]', () => {
  let api: Api;
  let A: Tenant;
  let B: Tenant;
  let workflow: string;
  beforeAll(async () => {
    api = await openApi(engines[0]!, { http: true, app: { bodyLimit: 64 * 1024, rateLimit: { perIp: 40, perUser: 25, windowMs: 60_000 } } });
    [A, B] = (await seedTenants(api, [{ users: 2, workflows: [{ buckets: [1], assessments: [] }] }, { users: 1, workflows: [] }])) as [Tenant, Tenant];
    workflow = A.rows.workflows![0]!.id as string;
  });
  afterAll(() => api?.close());

  /** Runs `fn` and checks that no table changed. */
  const writesNothing = async (fn: () => Promise<void>) => {
    const before = await fingerprint(api, TABLES);
    await fn();
    expect(await fingerprint(api, TABLES)).toEqual(before);
  };

  it('security headers from @fastify/helmet on every answer, errors included', async () => {
    for (const r of [await api.call('GET', '/health'), await api.call('GET', '/v1/workflows', { token: A.token }), await api.call('GET', '/nowhere')]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('405 with Allow for a known path and another method; 404 for an unknown path; both in the error shape', async () => {
    const put = await api.call('PUT', `/v1/workflows/${workflow}`, { token: A.token, body: { name: 'x' } });
    expectError(put, 405, 'method_not_allowed');
    expect(put.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
    const list = await api.call('DELETE', '/v1/workflows', { token: A.token });
    expectError(list, 405, 'method_not_allowed');
    expect(list.headers.allow).toBe('GET, HEAD, POST');
    expectError(await api.call('GET', '/v1/nothing-here', { token: A.token }), 404, 'route_not_found');
  });

  it('every validation error with its place (JSON pointer, array indexes included) in plain words; field and message are the first one’s', async () => {
    const r = await api.call('POST', '/v1/workflows', { token: A.token, body: { name: 'x'.repeat(256), status: 'paused', colour: 'red', buckets: [{ name: 'ok', position: 0 }, { position: 'first' }] } });
    expectError(r, 400, 'validation_failed');
    const errors = r.body.errors as { in: string; field: string; pointer: string; message: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/buckets/1/name', '/buckets/1/position', '/colour', '/name', '/status']);
    const by = (p: string) => errors.find((e) => e.pointer === p)!;
    expect(by('/name').message).toBe('name must be at most 255 characters long');
    expect(by('/status').message).toBe('status must be one of "draft", "active", "archived"');
    expect(by('/colour').message).toBe('colour is not a known field');
    expect(by('/buckets/1/name').message).toBe('buckets.1.name is required');
    expect(by('/buckets/1/position')).toEqual({ in: 'body', field: 'buckets.1.position', pointer: '/buckets/1/position', message: 'buckets.1.position must be an integer' });
    expect(r.body.field).toBe(errors[0]!.field);
    expect(r.body.message).toBe(`${errors[0]!.message} (and 4 more problems, listed in errors)`);
    expect(r.text).not.toMatch(/must NOT|must match "then"|instancePath/);
  });

  it('a bulk create names the bad item by index, and over 1,000 items names the limit; nothing is written', async () => {
    await writesNothing(async () => {
      const bad = await api.call('POST', '/v1/workflows', { token: A.token, body: [{ name: 'a' }, { name: 'b' }, { name: 7 }] });
      expectError(bad, 400, 'validation_failed');
      expect(bad.body.errors).toEqual([{ in: 'body', field: '2.name', pointer: '/2/name', message: '2.name must be a string' }]);
      const many = await api.call('POST', '/v1/workflows', { token: A.token, body: Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` })) });
      expectError(many, 400, 'validation_failed');
      expect(many.body.message).toBe('the body has more than 1000 items; one request creates at most 1000');
      expect(many.text).not.toContain('must be object');
    });
  });

  it('unknown query parameters are refused alike on every route: list, get, patch, delete, create, the probes', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/workflows?colour=red'],
      ['GET', `/v1/workflows/${workflow}?colour=red`],
      ['PATCH', `/v1/workflows/${workflow}?colour=red`, { name: 'p' }],
      ['DELETE', `/v1/workflows/${workflow}?colour=red`],
      ['POST', '/v1/workflows?colour=red', { name: 'q' }],
      ['GET', '/health?colour=red'],
    ];
    await writesNothing(async () => {
      for (const [method, url, body] of routes) {
        const r = await api.call(method, url, { token: A.token, ...(body ? { body } : {}) });
        expectError(r, 400, 'validation_failed');
        expect(r.body.errors[0], `${method} ${url}`).toEqual({ in: 'query', field: 'colour', pointer: '/colour', message: 'query parameter colour is not known' });
      }
    });
  });

  it('JSON nested deeper than the limit is 400 before parsing (5,000 deep: no stack overflow); a body over BODY_LIMIT is 413', async () => {
    await writesNothing(async () => {
      const deep = (n: number) => `{"name":"deep","settings":${'['.repeat(n)}${']'.repeat(n)}}`;
      expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: deep(5000) }), 400, 'json_too_deep');
      expectError(await api.call('PATCH', `/v1/workflows/${workflow}`, { token: A.token, raw: deep(40) }), 400, 'json_too_deep');
      // brackets inside strings are text, not nesting
      const text = await api.call('POST', '/v1/workflows', { token: A.token, raw: `{"name":"${'['.repeat(100)}","settings":${'['.repeat(100)}` });
      expectError(text, 400, 'json_too_deep');
      expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: `{"name":"${'x'.repeat(70 * 1024)}"}` }), 413, 'payload_too_large');
      expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: '{"name": "x",' }), 400, 'invalid_json');
      expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: '{"name": "x", "__proto__": {"admin": true}}' }), 400, 'invalid_json');
    });
    const ok = await api.call('POST', '/v1/workflows', { token: A.token, raw: `{"name":"brackets [[[ in text","settings":{"a":[[[1]]]}}` });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.name).toBe('brackets [[[ in text');
  });

  it('invalid UTF-8 in a body or a URL is 400, never stored as U+FFFD', async () => {
    await writesNothing(async () => {
      for (const bytes of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
        const raw = Buffer.concat([Buffer.from('{"name":"bad '), Buffer.from(bytes), Buffer.from('"}')]);
        expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw }), 400, 'invalid_utf8');
      }
      expectError(await api.call('GET', '/v1/workflows?status=eq.%FF', { token: A.token }), 400, 'invalid_url');
      expectError(await api.call('GET', '/v1/workflows?status=eq.%zz', { token: A.token }), 400, 'invalid_url');
      // in a path segment the router itself refuses it: the same shape, with the request id
      for (const segment of ['%FF', '%zz', '%C3%28']) {
        const r = await api.call('PATCH', `/v1/workflows/${segment}`, { token: A.token, body: { name: 'x' } });
        expectError(r, 400, 'invalid_url');
        expect(r.headers['x-request-id']).toBeTruthy();
      }
    });
    // a path segment longer than the router's default of 100 characters is judged by the route's schema, naming it
    const long = await api.call('GET', `/v1/workflows/${'a'.repeat(500)}`, { token: A.token });
    expectError(long, 400, 'validation_failed');
    expect(long.body.field).toBe('id');
    const ok = await api.call('POST', '/v1/workflows', { token: A.token, raw: Buffer.from('{"name":"Grüße 😀"}') });
    expect([ok.status, ok.body.name]).toEqual([201, 'Grüße 😀']);
  });

  it('415 for another media type; 431 for headers too large, in the error shape, from Node itself', async () => {
    expectError(await api.call('POST', '/v1/workflows', { token: A.token, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
    const address = api.app.server.address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d)).on('end', () => resolve(data)).on('error', reject);
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', message: 'the request headers are too large', code: 'headers_too_large' });
  });

  it('rate limits per user and per address: 429 in the error shape with Retry-After; other users and the probes go on', async () => {
    const other = devToken(SECRET, { userId: A.rows.users![1]!.id as string, orgId: A.org });
    let first429: Reply | undefined;
    let n = 0;
    for (; n < 30 && !first429; n++) {
      const r = await api.call('GET', '/v1/workflows?limit=1', { token: A.token });
      if (r.status === 429) first429 = r;
    }
    expect(first429, 'no 429 within 30 requests').toBeDefined();
    expectError(first429!, 429, 'rate_limited');
    expect(first429!.body.message).toMatch(/^too many requests by this user: at most 25 per 60 s; retry in \d+ s$/);
    expect(Number(first429!.headers['retry-after'])).toBeGreaterThan(0);
    // another user of the same address still has an allowance, until the address has used its own
    expect((await api.call('GET', '/v1/workflows?limit=1', { token: other })).status).toBe(200);
    let byAddress: Reply | undefined;
    for (let i = 0; i < 40 && !byAddress; i++) {
      const r = await api.call('GET', '/v1/workflows?limit=1', { token: B.token });
      if (r.status === 429) byAddress = r;
    }
    expectError(byAddress!, 429, 'rate_limited');
    expect(byAddress!.body.message).toMatch(/^too many requests from this address: at most 40 per 60 s/);
    expectError(await api.call('GET', '/nowhere'), 429, 'rate_limited');
    expect((await api.call('GET', '/health')).status).toBe(200);
    expect((await api.call('GET', '/ready')).status).toBe(200);
  });
});

describe('api hardening: configuration', () => {
  const BASE = { DATABASE_URL: 'postgres://app@db.internal:5432/app', JWT_SECRET: SECRET };

  it('/docs is off under NODE_ENV=production unless API_DOCS=true; off means neither the UI nor the document', async () => {
    expect(loadConfig(BASE).docs).toBe(true);
    expect(loadConfig({ ...BASE, NODE_ENV: 'production' }).docs).toBe(false);
    expect(loadConfig({ ...BASE, NODE_ENV: 'production', API_DOCS: 'true' }).docs).toBe(true);
    const app = buildApp({ pool: { connect: () => Promise.reject(new Error('no database')), end: async () => {} }, jwt: { secret: SECRET }, docs: false });
    for (const url of ['/docs', '/docs/json', '/docs/static/index.html']) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    await app.close();
  });

  it('rate limits and JSON depth come from the environment (0 turns a limit off)', () => {
    expect(loadConfig(BASE)).toMatchObject({ rateLimit: { perIp: 600, perUser: 300, windowMs: 60_000 }, jsonMaxDepth: 32 });
    expect(loadConfig({ ...BASE, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '50', RATE_LIMIT_WINDOW_MS: '1000', JSON_MAX_DEPTH: '8' })).toMatchObject({ rateLimit: { perIp: 0, perUser: 50, windowMs: 1000 }, jsonMaxDepth: 8 });
    expect(() => loadConfig({ ...BASE, RATE_LIMIT_PER_USER: 'many' })).toThrow(/^RATE_LIMIT_PER_USER: /);
  });

  it('gen serve honours CORS_ORIGINS, and allows only its own origins without it', () => {
    expect(serveCorsOrigins(generatedConfig, {}, 3000)).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
    expect(serveCorsOrigins(generatedConfig, { CORS_ORIGINS: 'http://localhost:5173, https://app.example.com' }, 3000)).toEqual(['http://localhost:5173', 'https://app.example.com']);
    expect(() => serveCorsOrigins(generatedConfig, { CORS_ORIGINS: 'localhost:5173' }, 3000)).toThrow(/^CORS_ORIGINS: /);
  });
});
