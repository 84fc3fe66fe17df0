import fc from 'fast-check';
import { constraints } from '../../generated/api/model.ts';
import { routes, schemas } from '../../generated/api/schemas.ts';
import type { Constraint, RouteSpec } from '../../generated/api/types.ts';

/** fast-check arbitraries for requests to the generated API, guided by its own JSON Schemas but often wrong on purpose. */

type Schema = { readonly [k: string]: unknown };

/** Known row ids by table: the caller's and another tenant's. */
export type Ids = Readonly<Record<string, readonly string[]>>;

const all = (ids: Ids) => Object.values(ids).flat();

export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', 'null', '\u0000', '😀'.repeat(300), '1e309', '-0', "'; DROP TABLE workflows; --", '{"a":1}', '2026-02-30', '2026-11-25T25:61:00Z', '999999999999999999999'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e21, 0.1 + 0.2),
);

export interface SchemaArbitraries {
  /** A value for a JSON Schema: mostly of the right type (sometimes valid), now and then junk. */
  valueFor(schema: Schema, ids: Ids, depth?: number, name?: string): fc.Arbitrary<unknown>;
  /** An object for an object schema: required properties mostly present, others now and then; sometimes one too few or an unknown one. */
  objectFor(schema: Schema, ids: Ids, depth?: number): fc.Arbitrary<Record<string, unknown>>;
  /** A create body: one object or a small array of them (nested children included by the schema). */
  createBody(spec: RouteSpec, ids: Ids): fc.Arbitrary<unknown>;
}

/** Arbitraries for the requests of one generated API, from its shared schemas and its constraints (which column references which table). */
export function schemaArbitraries(schemaList: readonly { readonly $id: string }[], constraintMap: { readonly [name: string]: Constraint }): SchemaArbitraries {
  /** Which table a uuid column points at, from the model's foreign keys (`workflow_id` → workflows). */
  const references = new Map<string, string>();
  for (const c of Object.values(constraintMap)) if (c.kind === 'foreignKey' && c.fields.length === 1 && c.references) references.set(c.fields[0]!, c.references);
  const uuidFor = (name: string | undefined, ids: Ids): fc.Arbitrary<string> => {
    const table = name ? references.get(name) : undefined;
    const pool = table && ids[table]?.length ? ids[table]! : all(ids);
    return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.constantFrom(...all(ids)) }, { weight: 1, arbitrary: fc.uuid() });
  };
  const byId = new Map(schemaList.map((s) => [s.$id, s as Schema]));
  const deref = (s: Schema): Schema => (typeof s.$ref === 'string' ? byId.get(s.$ref.replace(/#$/, ''))! : s);

  function valueFor(schema: Schema, ids: Ids, depth = 0, name?: string): fc.Arbitrary<unknown> {
    const s = deref(schema);
    const types = [s.type ?? []].flat() as string[];
    const options: fc.Arbitrary<unknown>[] = [];
    if (Array.isArray(s.enum)) options.push(fc.constantFrom(...(s.enum as unknown[])));
    else if (types.includes('string')) {
      if (s.format === 'uuid') options.push(uuidFor(name, ids));
      else if (s.format === 'date-time') options.push(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      else if (s.format === 'date') options.push(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
      else if (typeof s.pattern === 'string') options.push(fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length < 40));
      else options.push(fc.string({ maxLength: typeof s.maxLength === 'number' ? Math.min(s.maxLength + 2, 80) : 40, unit: 'binary' }));
    }
    if (types.includes('integer')) options.push(fc.integer({ min: -5, max: 50 }), fc.integer());
    if (types.includes('number')) options.push(fc.double({ min: -2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 3 }));
    if (types.includes('boolean')) options.push(fc.boolean());
    if (types.includes('null') && !Array.isArray(s.enum)) options.push(fc.constant(null));
    if (types.includes('array') && s.items) options.push(fc.array(valueFor(s.items as Schema, ids, depth + 1), { maxLength: 2 }));
    if (types.includes('object') && s.properties && depth < 3) options.push(objectFor(s, ids, depth + 1));
    if (types.length === 0 && !s.enum) options.push(fc.jsonValue({ maxDepth: 2 }));
    return options.length === 0 ? junk : fc.oneof({ weight: 20, arbitrary: fc.oneof(...options) }, { weight: 1, arbitrary: junk });
  }

  function objectFor(schema: Schema, ids: Ids, depth = 0): fc.Arbitrary<Record<string, unknown>> {
    const s = deref(schema);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = ((s.required ?? []) as string[]).filter((k) => k in props);
    const record = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFor(v, ids, depth, k)]));
    const mutation = fc.oneof(
      { weight: 12, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('drop' as const), fc.constantFrom(...(required.length ? required : ['-']))) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('add' as const), fc.string({ minLength: 1, maxLength: 12 }), junk) },
    );
    return fc.tuple(fc.record(record, { requiredKeys: required }), mutation).map(([obj, m]) => {
      if (!m) return obj;
      const out: Record<string, unknown> = { ...obj };
      if (m[0] === 'drop') delete out[m[1]];
      else out[m[1]] = m[2];
      return out;
    });
  }

  function createBody(spec: RouteSpec, ids: Ids): fc.Arbitrary<unknown> {
    const body = (spec.schema.body as { oneOf: Schema[] }).oneOf[0]!;
    return fc.oneof({ weight: 8, arbitrary: objectFor(body, ids) }, { weight: 2, arbitrary: fc.array(objectFor(body, ids), { minLength: 0, maxLength: 3 }) }, { weight: 1, arbitrary: junk });
  }

  return { valueFor, objectFor, createBody };
}

/** The arbitraries of generated/api (EPIC-01's model). */
export const { valueFor, objectFor, createBody } = schemaArbitraries(schemas, constraints);

const FILTER_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'is', 'like', ''];

/** A query string for a list route: real parameters with odd values, and unknown ones. */
export function queryString(spec: RouteSpec, ids: Ids): fc.Arbitrary<string> {
  const q = (spec.schema.querystring ?? { properties: {} }) as { properties: Record<string, Schema> };
  const keys = Object.keys(q.properties);
  const value = fc.oneof(
    fc.tuple(fc.constantFrom(...FILTER_OPS), fc.oneof(fc.constantFrom(...all(ids)), fc.string({ maxLength: 20 }), fc.constantFrom('null', 'notnull', '(a,b)', '("x,y",z)', 'true', '2026-01-01T00:00:00Z', '1.5', 'active'))).map(([op, v]) => `${op}.${v}`),
    fc.integer({ min: -3, max: 200 }).map(String),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('exact', 'name', '-created_at', 'id', '-id', 'W10=', 'WyJpZCIsbnVsbCwiMSJd'),
  );
  const pair = fc.tuple(fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...keys, 'limit', 'cursor', 'sort', 'count') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value);
  return fc.oneof(
    { weight: 10, arbitrary: fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '&&&', 'a=b=c', 'limit=1&limit=2', 'sort[]=name', 'cursor=%00', '=') },
  );
}

/** A path id: the caller's, another tenant's, unknown, or not a uuid at all. */
export const pathId = (table: string, ids: Ids): fc.Arbitrary<string> =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...(ids[table]?.length ? ids[table]! : all(ids))) }, { weight: 1, arbitrary: fc.constantFrom(...all(ids)) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'urn:uuid:00000000-0000-4000-8000-000000000000', '{00000000-0000-4000-8000-000000000000}', 'ZZZZZZZZ-0000-4000-8000-000000000000') });

export const resourceRoutes: readonly RouteSpec[] = routes.filter((r) => r.resource !== null);

/** A request: a route of the table with its path, query and body filled in. */
export function request(ids: Ids): fc.Arbitrary<{ spec: RouteSpec; method: string; url: string; body: unknown }> {
  return fc.constantFrom(...resourceRoutes).chain((spec) =>
    fc
      .record({
        id: pathId(spec.resource!, ids),
        // routes without parameters refuse every one: hostile() sends those
        query: Object.keys((spec.schema.querystring as { properties?: object } | undefined)?.properties ?? {}).length ? queryString(spec, ids) : fc.constant(''),
        body: spec.method === 'POST' ? createBody(spec, ids) : spec.method === 'PATCH' ? fc.oneof({ weight: 10, arbitrary: objectFor(spec.schema.body as Schema, ids) }, { weight: 1, arbitrary: junk }) : fc.constant(undefined),
      })
      .map(({ id, query, body }) => ({
        spec,
        method: spec.method,
        url: `${spec.url.replace(':id', encodeURIComponent(id))}${query ? `?${query}` : ''}`,
        body,
      })),
  );
}

export interface RawRequest {
  readonly spec: RouteSpec;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
}

const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/**
 * Hostile input no well-behaved client sends: deep JSON, UTF-8 that does not decode, a body over the size
 * limit, a bulk over its limit, a method a path lacks, unknown or badly encoded query parameters, other
 * media types. Each must be a 4xx in the error shape, and write nothing.
 */
export function hostile(ids: Ids): fc.Arbitrary<RawRequest> {
  const item = (spec: RouteSpec) => spec.url.replace(':id', ids.workflows?.[0] ?? '00000000-0000-0000-0000-000000000000');
  const writes = resourceRoutes.filter((r) => r.method === 'POST' || r.method === 'PATCH');
  const withId = resourceRoutes.filter((r) => r.url.includes(':id'));
  return fc.oneof(
    fc.tuple(fc.constantFrom(...writes), fc.constantFrom(33, 200, 5000), fc.boolean()).map(([spec, n, inField]) => ({
      spec, method: spec.method, url: item(spec), raw: inField ? `{"name":"deep","settings":${nest(n)}}` : nest(n),
    })),
    fc.tuple(fc.constantFrom(...writes), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])).map(([spec, bytes]) => ({
      spec, method: spec.method, url: item(spec), raw: Buffer.concat([Buffer.from('{"name":"bad '), Buffer.from(bytes), Buffer.from('"}')]),
    })),
    fc.constantFrom(...writes).map((spec) => ({ spec, method: spec.method, url: item(spec), raw: `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}` })),
    fc.constantFrom(...writes.filter((r) => r.method === 'POST')).map((spec) => ({ spec, method: 'POST', url: spec.url, body: Array.from({ length: 1001 }, (_, i) => ({ name: `bulk ${i}` })) })),
    fc.tuple(fc.constantFrom(...resourceRoutes), fc.constantFrom('PUT', 'OPTIONS', 'TRACE', 'PROPFIND')).map(([spec, method]) => ({ spec, method, url: item(spec), body: { name: 'x' } })),
    fc.tuple(fc.constantFrom(...withId), fc.constantFrom('foo=1', 'limit=5', 'organization_id=x', '%FF=1', 'a=%FF', 'a=%zz', 'sort=name&x')).map(([spec, q]) => ({
      spec, method: spec.method, url: `${item(spec)}?${q}`, ...(spec.method === 'POST' || spec.method === 'PATCH' ? { body: { name: 'q' } } : {}),
    })),
    fc.tuple(fc.constantFrom(...writes), fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x')).map(([spec, type]) => ({
      spec, method: spec.method, url: item(spec), raw: 'name=x', headers: { 'content-type': type },
    })),
  );
}
