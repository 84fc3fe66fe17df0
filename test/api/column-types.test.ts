import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type DbPool } from '../golden/column-types/expected/api/app.ts';
import { createPgPool } from '../golden/column-types/expected/api/db.ts';
import { schemas } from '../golden/column-types/expected/api/schemas.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';
import { singleSessionPool } from '../../generator/runtime/pglite-pool.ts';
import { ROOT_DIR } from '../support/diff-case.ts';
import { describeEachEngine, type EngineHandle } from '../support/engines.ts';
import { isErrorShape } from './harness.ts';

/**
 * The API of test/golden/column-types (a fixture with every type beyond EPIC-01's): each value written
 * reads back the same, through create, get, list, update, filters and cursors; a bad value is a 400
 * naming its field, never a 500.
 */
const FIXTURE = join(ROOT_DIR, 'test/golden/column-types');
const SECRET = 'column-types-test-secret-0123456789abcdef';

interface Reply {
  readonly status: number;
  readonly body: any;
}

const b64 = (bytes: Buffer) => bytes.toString('base64');
/** 100 bytes: PostgreSQL's encode() would break their base64 into two lines. */
const LONG_BYTES = b64(randomBytes(100));

/** Values that must read back exactly as written (PostgreSQL's own forms of them). */
const FULL = {
  sku: 'AB-12',
  contact: 'Ann@Example.com',
  quantity: 32767,
  weight: 0.15625,
  price: 0.1,
  opens_at: '23:59:59.999999',
  lead_time: 'P1Y2M-3DT4H5M6.5S',
  thumbnail: LONG_BYTES,
  aliases: ['Widget', 'gadget'],
  sizes: [-32768, 0, 32767],
  ratios: [0.5, -1.25],
  slots: ['08:00:00', '12:30:00.5'],
};

const EDGES: Record<string, readonly unknown[]> = {
  quantity: [-32768, 0, 32767],
  weight: [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 0, -2.5],
  price: [1.7976931348623157e308, 5e-324, -0.1, 123456.789],
  opens_at: ['00:00:00', '24:00:00', '12:00:00.000001', '13:45:00.25'],
  lead_time: ['PT0S', 'PT-0.000001S', 'P-1Y', 'P1M-3D', 'PT100H', 'P1Y2M3DT4H5M6.789S'],
  thumbnail: ['', 'AA==', '3q2+7w==', LONG_BYTES],
  sku: ['A', 'ABCDEFGH', ' lead'],
  contact: ['x', 'ÜNICODE@Example.com'],
};

/** Values PostgreSQL keeps as the same duration or text but prints in its own form. */
const NORMALIZED: readonly [string, unknown, unknown][] = [
  ['lead_time', 'P2W', 'P14D'],
  ['lead_time', 'PT90M', 'PT1H30M'],
  ['lead_time', 'P0D', 'PT0S'],
  ['sku', 'AB  ', 'AB'],
  ['weight', 0.1, 0.1],
  ['weight', 1.401298464324817e-45, 1e-45],
];

const BAD: readonly [string, unknown][] = [
  ['quantity', 32768],
  ['quantity', -32769],
  ['quantity', 1.5],
  ['quantity', '1'],
  ['weight', 1e39],
  ['weight', 1e-50],
  ['weight', 'x'],
  ['price', '0.1'],
  ['opens_at', '24:00:01'],
  ['opens_at', '9:30:00'],
  ['opens_at', '12:00'],
  ['opens_at', '12:00:00.1234567'],
  ['lead_time', '1 day'],
  ['lead_time', 'P'],
  ['lead_time', 'PT'],
  ['lead_time', 'P1.5D'],
  ['lead_time', 'P999999999Y'],
  ['lead_time', 'PT9999999999H'],
  ['thumbnail', 'abc'],
  ['thumbnail', 'not base64!'],
  ['thumbnail', 12],
  ['sku', 'TOO-LONG-SKU'],
  ['contact', 5],
  ['sizes', [40000]],
  ['ratios', [1e39]],
  ['slots', ['25:00:00']],
];

describeEachEngine('API: column types beyond EPIC-01', (engine) => {
  let handle: EngineHandle;
  let pool: DbPool;
  let app: ReturnType<typeof buildApp>;
  let token: string;
  let otherToken: string;

  const call = async (method: string, url: string, body?: unknown, as = token): Promise<Reply> => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
  };
  const create = (values: Record<string, unknown>) => call('POST', '/v1/products', { sku: 'S', ...values });

  beforeAll(async () => {
    handle = await engine.open();
    await migrateUp(handle.db, await readMigrations(join(FIXTURE, 'expected/migrations')));
    const shop = randomUUID();
    const other = randomUUID();
    await handle.db.exec(`insert into shops (id, name) values ('${shop}', 'Shop'), ('${other}', 'Other')`);
    pool = engine.name === 'pg' ? createPgPool({ url: handle.url!, max: 5 }) : singleSessionPool(handle.db);
    app = buildApp({ pool, jwt: { secret: SECRET } });
    await app.ready();
    token = devToken(SECRET, { userId: randomUUID(), orgId: shop });
    otherToken = devToken(SECRET, { userId: randomUUID(), orgId: other });
  });
  afterAll(async () => {
    await app?.close();
    if (engine.name === 'pg') await pool?.end();
    await handle?.close();
  });

  it('a row of every type reads back as written: create, get, list, update', async () => {
    const created = await create(FULL);
    expect(created.status).toBe(201);
    // total and sku_key are computed by the database (double precision arithmetic, as JavaScript's)
    const expected = { ...FULL, id: expect.any(String), shop_id: expect.any(String), sku: 'AB-12', total: FULL.price * FULL.quantity, sku_key: 'ab-12' };
    expect(created.body).toEqual(expected);
    expect((await call('GET', `/v1/products/${created.body.id}`)).body).toEqual(expected);
    const listed = await call('GET', `/v1/products?sku=eq.AB-12`);
    expect(listed.body.data).toEqual([expected]);
    const change = { quantity: -32768, weight: -2.5, price: 1e-300, opens_at: '00:00:00.000001', lead_time: 'PT-0.5S', thumbnail: '', contact: null, slots: [] };
    const patched = await call('PATCH', `/v1/products/${created.body.id}`, change);
    expect(patched.status).toBe(200);
    const after = { ...expected, ...change, total: change.price * change.quantity };
    expect(patched.body).toEqual(after);
    expect((await call('GET', `/v1/products/${created.body.id}`)).body).toEqual(after);
  });

  it('edge values of each type read back exactly; PostgreSQL normalizes some forms to its own', async () => {
    for (const [field, values] of Object.entries(EDGES))
      for (const value of values) {
        const r = await create({ [field]: value });
        expect(r.status, `${field} ${JSON.stringify(value)}: ${JSON.stringify(r.body)}`).toBe(201);
        // a real reads back as the shortest decimal that names the stored float4 (0.1 as 0.1, 3.4028234663852886e38 as 3.4028235e38)
        if (field === 'weight') expect(Math.fround(r.body[field]), `${field} ${JSON.stringify(value)}`).toBe(Math.fround(value as number));
        else expect(r.body[field], `${field} ${JSON.stringify(value)}`).toEqual(field === 'sku' ? (value as string).trimEnd() : value);
        expect((await call('GET', `/v1/products/${r.body.id}`)).body[field]).toEqual(r.body[field]);
        await call('DELETE', `/v1/products/${r.body.id}`);
      }
    const max = await create({ weight: 3.4028234663852886e38 });
    expect(max.body.weight).toBe(3.4028235e38);
    await call('DELETE', `/v1/products/${max.body.id}`);
    for (const [field, given, read] of NORMALIZED) {
      const r = await create({ [field]: given });
      expect(r.body[field], `${field} ${String(given)}`).toEqual(read);
      await call('DELETE', `/v1/products/${r.body.id}`);
    }
  });

  it('a bad value is a 400 naming its field, in a create and in an update; nothing is written', async () => {
    const kept = await create({ sku: 'KEPT' });
    for (const [field, value] of BAD) {
      for (const [method, url, body] of [
        ['POST', '/v1/products', { sku: 'BAD', [field]: value }],
        ['PATCH', `/v1/products/${kept.body.id}`, { [field]: value }],
      ] as const) {
        const r = await call(method, url, body);
        expect(r.status, `${method} ${field} ${JSON.stringify(value)}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(isErrorShape(r.body, 400)).toBe(true);
        expect(r.body.field ?? JSON.stringify(r.body), `${method} ${field} ${JSON.stringify(value)}`).toMatch(new RegExp(`^${field}(\\.\\d+)?$`));
        expect(r.body.message).not.toMatch(/must match \^/);
      }
    }
    const words = await create({ opens_at: '9:30', lead_time: '1 day', thumbnail: '%%' });
    expect(words.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'opens_at must be a time of day such as 13:45:00 or 13:45:00.25 (HH:MM:SS, up to 6 fractional digits)',
      'lead_time must be an ISO 8601 duration such as P1DT2H30M or PT0.5S',
      'thumbnail must be a valid base64 string (bytes are sent as base64)',
    ]);
    expect((await call('GET', '/v1/products?sku=eq.BAD')).body.data).toEqual([]);
    expect((await call('GET', `/v1/products/${kept.body.id}`)).body.quantity).toBe(0);
    await call('DELETE', `/v1/products/${kept.body.id}`);
  });

  it('filters take each type in its wire form (citext and char compare as the column does); a bad filter value is a 400 naming it', async () => {
    const a = await create({ sku: 'F-1', contact: 'Filter@Example.com', quantity: 5, weight: 0.5, price: 2.5, opens_at: '08:00:00', lead_time: 'PT30M', thumbnail: '3q2+7w==' });
    const b = await create({ sku: 'F-2', contact: 'other@example.com', quantity: 9, weight: 1.5, price: 9.5, opens_at: '18:00:00', lead_time: 'P1D', thumbnail: LONG_BYTES });
    const ids = async (query: string) => ((await call('GET', `/v1/products?${query}`)).body.data as { id: string }[]).map((r) => r.id).sort();
    const both = [a.body.id, b.body.id].sort();
    expect(await ids('contact=eq.filter@EXAMPLE.com')).toEqual([a.body.id]);
    expect(await ids('sku=eq.F-1')).toEqual([a.body.id]);
    expect(await ids('sku=in.(F-1,F-2)')).toEqual(both);
    expect(await ids('quantity=gt.5')).toEqual([b.body.id]);
    expect(await ids('weight=eq.0.5')).toEqual([a.body.id]);
    expect(await ids('price=lt.3&quantity=in.(5,9)')).toEqual([a.body.id]);
    expect(await ids('opens_at=gte.12:00:00')).toEqual([b.body.id]);
    expect(await ids('lead_time=gt.PT1H')).toEqual([b.body.id]);
    expect(await ids(`thumbnail=eq.${encodeURIComponent('3q2+7w==')}`)).toEqual([a.body.id]);
    expect(await ids(`thumbnail=in.(${encodeURIComponent(`3q2+7w==,${LONG_BYTES}`)})`)).toEqual(both);
    for (const [field, value] of [['quantity', '40000'], ['weight', '1e39'], ['opens_at', '25:00:00'], ['lead_time', '1day'], ['thumbnail', 'abc'], ['price', 'NaN']] as const) {
      const r = await call('GET', `/v1/products?${field}=eq.${value}`);
      expect(r.status, `${field} ${value}`).toBe(400);
      expect(r.body).toMatchObject({ code: 'invalid_filter', field });
    }
    await call('DELETE', `/v1/products/${a.body.id}`);
    await call('DELETE', `/v1/products/${b.body.id}`);
  });

  it('every sortable column pages with cursors through each row once, in the order PostgreSQL sorts it', async () => {
    const made: string[] = [];
    const times = ['07:00:00', '07:00:00', null, '23:00:00.5', '00:00:01'];
    const durations = ['PT1M', 'P1D', 'PT24H', null, 'P-1D'];
    const bytes = ['AA==', null, '/w==', 'AAA=', LONG_BYTES];
    for (let i = 0; i < 5; i++)
      made.push((await create({ sku: `P-${i}`, contact: i % 2 ? `c${i}@X.com` : `C${i}@x.com`, quantity: (i * 7) % 5, weight: i / 4, price: -i, opens_at: times[i], lead_time: durations[i], thumbnail: bytes[i] })).body.id);
    for (const column of ['sku', 'contact', 'quantity', 'weight', 'price', 'opens_at', 'lead_time', 'thumbnail'])
      for (const sort of [column, `-${column}`]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: Reply = await call('GET', `/v1/products?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.status, `${sort}: ${JSON.stringify(page.body)}`).toBe(200);
          seen.push(...(page.body.data as { id: string }[]).map((r) => r.id));
          cursor = page.body.next_cursor;
        } while (cursor);
        expect(seen.filter((id) => made.includes(id)).sort(), sort).toEqual([...made].sort());
        const order = await handle.db.query<{ id: string }>(
          `select id::text as id from products order by "${column}" ${sort.startsWith('-') ? 'desc' : 'asc'}, id ${sort.startsWith('-') ? 'desc' : 'asc'}`,
        );
        expect(seen, sort).toEqual(order.rows.map((r) => r.id));
      }
    for (const id of made) await call('DELETE', `/v1/products/${id}`);
  });

  it('generated columns: computed on create and on every update, filterable and sortable, never in a request', async () => {
    const a = await create({ sku: 'G-1', price: 2.5, quantity: 4 });
    expect(a.body).toMatchObject({ total: 10, sku_key: 'g-1' });
    const b = await create({ sku: 'G-2 ', quantity: 3 });
    expect(b.body).toMatchObject({ total: null, sku_key: 'g-2' });
    expect((await call('PATCH', `/v1/products/${b.body.id}`, { price: 1.5 })).body).toMatchObject({ total: 4.5 });
    const ids = async (query: string) => ((await call('GET', `/v1/products?${query}`)).body.data as { id: string }[]).map((r) => r.id);
    expect(await ids('total=gt.5&sku_key=in.(g-1,g-2)')).toEqual([a.body.id]);
    expect(await ids('sort=-total&sku_key=in.(g-1,g-2)')).toEqual([a.body.id, b.body.id]);
    for (const [method, url] of [['POST', '/v1/products'], ['PATCH', `/v1/products/${a.body.id}`]] as const)
      for (const field of ['total', 'sku_key']) {
        const r = await call(method, url, { sku: 'G-3', [field]: field === 'total' ? 1 : 'x' });
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'validation_failed', field, message: `${field} is not a known field` });
      }
    await call('DELETE', `/v1/products/${a.body.id}`);
    await call('DELETE', `/v1/products/${b.body.id}`);
  });

  it('identity columns: numbered by the database; an ALWAYS one is never in a request, a BY DEFAULT one may be', async () => {
    const first = await call('POST', '/v1/counters', { label: 'a' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.stringMatching(/^\d+$/), ticket: expect.any(Number), label: 'a' });
    const second = await call('POST', '/v1/counters', [{ label: 'b' }, { label: 'c', ticket: 7 }]);
    expect(second.body.map((r: { id: string; ticket: number }) => [BigInt(r.id) - BigInt(first.body.id), r.ticket - first.body.ticket])).toEqual([[1n, 5], [2n, 7 - first.body.ticket]]);
    expect((await call('GET', `/v1/counters/${first.body.id}`)).body).toEqual(first.body);
    expect((await call('GET', '/v1/counters?ticket=eq.7')).body.data).toEqual([second.body[1]]);
    const given = await call('POST', '/v1/counters', { label: 'x', id: '5' });
    expect(given.status).toBe(400);
    expect(given.body).toMatchObject({ code: 'validation_failed', field: 'id', message: 'id is not a known field' });
    const patchId = await call('PATCH', `/v1/counters/${first.body.id}`, { id: '9' });
    expect(patchId.status).toBe(400);
    expect(patchId.body.field).toBe('id');
    const patched = await call('PATCH', `/v1/counters/${first.body.id}`, { ticket: 99 });
    expect(patched.body).toEqual({ ...first.body, ticket: 99 });
    expect((await call('DELETE', `/v1/counters/${first.body.id}`)).status).toBe(204);
  });

  it('citext keys are unique whatever the case; another shop may use the same value', async () => {
    const first = await create({ sku: 'U-1', contact: 'Dup@Example.com' });
    expect(first.status).toBe(201);
    const clash = await create({ sku: 'U-2', contact: 'dup@example.COM' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'unique_violation', field: 'contact' });
    const elsewhere = await call('POST', '/v1/products', { sku: 'U-2', contact: 'dup@example.COM' }, otherToken);
    expect(elsewhere.status).toBe(201);
  });
});

describe('API schemas for the new types (OpenAPI)', () => {
  it('say how each value travels', () => {
    const create = schemas.find((s) => s.$id === 'ProductCreate') as unknown as { properties: Record<string, Record<string, unknown>> };
    const row = schemas.find((s) => s.$id === 'Product') as unknown as { properties: Record<string, Record<string, unknown>> };
    expect(create.properties.quantity).toEqual({ type: 'integer', minimum: -32768, maximum: 32767 });
    expect(create.properties.sku).toMatchObject({ type: 'string', maxLength: 8 });
    expect(create.properties.thumbnail).toMatchObject({ type: ['string', 'null'], format: 'byte', contentEncoding: 'base64' });
    expect(create.properties.lead_time).toMatchObject({ type: ['string', 'null'], pattern: expect.stringMatching(/^\^P/) });
    expect(create.properties.opens_at).toMatchObject({ type: ['string', 'null'], pattern: expect.any(String) });
    expect(create.properties.price).toEqual({ type: ['number', 'null'] });
    expect(row.properties.weight).toEqual({ type: ['number', 'null'] });
    expect(row.properties.quantity).toEqual({ type: 'integer' });
    const counter = schemas.find((s) => s.$id === 'Counter') as unknown as { properties: Record<string, Record<string, unknown>> };
    const counterCreate = schemas.find((s) => s.$id === 'CounterCreate') as unknown as { properties: Record<string, unknown>; required: string[] };
    expect(counter.properties.id).toMatchObject({ readOnly: true });
    expect(counter.properties.ticket).not.toHaveProperty('readOnly');
    expect(Object.keys(counterCreate.properties)).toEqual(['ticket', 'label']);
    expect(counterCreate.required).toEqual(['label']);
  });
});
