import { databaseFilled } from '../../ir/permissions.ts';
import type { Column, Ir, Privilege, Table } from '../../ir/types.ts';
import { type ApiModel, type ApiRelation, type ApiResource } from './api-model.ts';
import { columnSchema, type JsonSchema } from './json-schema.ts';
import { ERROR_CODES } from './error-codes.ts';
import { pascal, schemaStem, singular } from './names.ts';

/**
 * The JSON Schemas (shared, by `$id`) and the route table of the generated
 * API. Fastify validates and serialises with them, and @fastify/swagger turns
 * them into the OpenAPI document (`openapi.ts` does the same at gen time).
 */

export const MAX_BULK = 1000;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;
export const MAX_FILTERS_PER_COLUMN = 8;

export type RouteOperation = 'list' | 'get' | 'create' | 'update' | 'delete' | 'children' | 'health' | 'ready';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify syntax: `/v1/workflows/:id`. */
  readonly url: string;
  readonly operation: RouteOperation;
  readonly resource: string | null;
  readonly relation: string | null;
  readonly schema: JsonSchema;
}

export interface ApiSchemas {
  /** Shared schemas, each with its `$id`, in a stable order. */
  readonly components: readonly JsonSchema[];
  readonly routes: readonly RouteSpec[];
  readonly tags: readonly { readonly name: string; readonly description?: string }[];
}

const ref = (id: string) => ({ $ref: `${id}#` });
/** Routes without query parameters refuse any, as lists refuse unknown ones. */
const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false };
const ERROR = 'Error';
const errorResponses = {
  '4xx': { description: 'The request was refused; `code` says why and `field` names the offending input where known.', ...ref(ERROR) },
  '5xx': { description: 'The server or the database failed; the message never shows internals.', ...ref(ERROR) },
};

export function buildSchemas(ir: Ir, model: ApiModel): ApiSchemas {
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const resources = new Map(model.resources.map((r) => [r.name, r]));
  const enums = new Map(ir.enums.map((e) => [e.name, e.values]));
  const components = new Map<string, JsonSchema>();
  const add = (id: string, schema: JsonSchema) => {
    if (!components.has(id)) components.set(id, { $id: id, ...schema });
    return id;
  };
  const props = (t: Table, names: readonly string[], direction: 'input' | 'output', nullable: (c: Column) => boolean) =>
    Object.fromEntries(names.map((n) => t.columns.find((c) => c.name === n)!).map((c) => [c.name, columnSchema(c, enums, direction, nullable(c))]));

  add(ERROR, {
    type: 'object',
    description: 'Every error, whatever the route.',
    properties: {
      statusCode: { type: 'integer' },
      error: { type: 'string' },
      message: { type: 'string' },
      code: {
        type: 'string',
        enum: ERROR_CODES.map(([code]) => code),
        description: `Stable machine-readable reason:\n${ERROR_CODES.map(([code, status, meaning]) => `- \`${code}\` (${status}): ${meaning}`).join('\n')}`,
      },
      field: { type: 'string', description: 'The request field at fault, when known (dotted: `buckets.0.name`).' },
      errors: {
        type: 'array',
        description: 'Every violation of a request that failed validation (`validation_failed`), at most 50; `field` and `message` above are the first one’s.',
        items: {
          type: 'object',
          properties: {
            in: { type: 'string', enum: ['body', 'query', 'path', 'header'] },
            field: { type: 'string', description: 'Dotted path in the body, or the parameter’s name.' },
            pointer: { type: 'string', description: 'RFC 6901 JSON pointer into that part of the request, array indexes included.' },
            message: { type: 'string' },
          },
          required: ['in', 'field', 'pointer', 'message'],
          additionalProperties: false,
        },
      },
    },
    required: ['statusCode', 'error', 'message', 'code'],
    additionalProperties: false,
  });

  const nestedOf = (r: ApiResource) => r.relations.filter((rel) => rel.nested);
  // `workflow` and `workflows` would share a stem: such entities keep their full names
  // (one stem per resource and a count per stem: comparing every pair was quadratic in the number of entities)
  const stemCount = new Map<string, number>();
  for (const r of model.resources) stemCount.set(schemaStem(r.name), (stemCount.get(schemaStem(r.name)) ?? 0) + 1);
  const stems = new Map<string, string>();
  for (const r of model.resources) {
    const twin = stemCount.get(schemaStem(r.name))! > 1;
    stems.set(r.name, twin ? pascal(r.name) : schemaStem(r.name));
  }
  const rowId = (r: ApiResource) => stems.get(r.name)!;
  const row = (r: ApiResource) => {
    const t = tables.get(r.name)!;
    const visible = t.columns.filter((c) => !c.sensitive).map((c) => c.name);
    return add(rowId(r), { type: 'object', ...(t.comment ? { description: t.comment } : {}), properties: props(t, visible, 'output', (c) => !c.notNull), required: visible, additionalProperties: false });
  };
  /** The created row with the children created with it. */
  const created = (r: ApiResource): string => {
    const nested = nestedOf(r);
    if (nested.length === 0) return row(r);
    const base = components.get(row(r))!;
    const children = Object.fromEntries(nested.map((rel) => [rel.name, { type: 'array', items: ref(created(resources.get(rel.child)!)) }]));
    return add(`${rowId(r)}Created`, {
      type: 'object',
      description: `A created ${singular(r.name)} with the children created with it.`,
      properties: { ...(base.properties as object), ...children },
      required: base.required,
      additionalProperties: false,
    });
  };
  /** The create body; `parent` leaves out the column a nesting parent fills in. */
  const createBody = (r: ApiResource, parent: ApiRelation | null, parentName: string | null): string => {
    const t = tables.get(r.name)!;
    const cols = r.insertable.filter((n) => !parent?.columns.includes(n));
    const id = parent ? `${rowId(r)}CreateIn${stems.get(parentName!)}${twinSuffix(r, parent, model)}` : `${rowId(r)}Create`;
    if (components.has(id)) return id;
    components.set(id, {}); // reserved: a relation graph without cycles never comes back here
    const required = cols.filter((n) => {
      const c = t.columns.find((x) => x.name === n)!;
      return c.notNull && !databaseFilled(c);
    });
    const children = Object.fromEntries(
      nestedOf(r).map((rel) => [rel.name, { type: 'array', maxItems: MAX_BULK, items: ref(createBody(resources.get(rel.child)!, rel, r.name)) }]),
    );
    components.set(id, {
      $id: id,
      type: 'object',
      description: parent ? `A ${singular(r.name)} created inside its ${singular(parentName!)}: ${parent.columns.map((c) => `\`${c}\``).join(' and ')} ${parent.columns.length > 1 ? 'are' : 'is'} filled in.` : `A new ${singular(r.name)}.`,
      properties: { ...props(t, cols, 'input', (c) => !c.notNull), ...children },
      ...(required.length ? { required } : {}),
      additionalProperties: false,
    });
    return id;
  };
  const patchBody = (r: ApiResource) => {
    const t = tables.get(r.name)!;
    return add(`${rowId(r)}Patch`, {
      type: 'object',
      description: `Changes to a ${singular(r.name)}; fields left out keep their value.`,
      properties: props(t, r.updatable, 'input', (c) => !c.notNull),
      minProperties: 1,
      additionalProperties: false,
    });
  };
  const list = (r: ApiResource) =>
    add(`${rowId(r)}List`, {
      type: 'object',
      description: `A page of ${r.name}.`,
      properties: {
        data: { type: 'array', items: ref(row(r)) },
        next_cursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
        total: { type: 'integer', description: 'Rows matching the filters, when `count=exact` was asked for.' },
      },
      required: ['data', 'next_cursor'],
      additionalProperties: false,
    });

  const routes: RouteSpec[] = [
    {
      method: 'GET', url: '/health', operation: 'health', resource: null, relation: null,
      schema: {
        operationId: 'health', summary: 'Liveness: the process is up', tags: ['operations'], security: [], querystring: NO_QUERY,
        response: { 200: { description: 'Alive', type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
      },
    },
    {
      method: 'GET', url: '/ready', operation: 'ready', resource: null, relation: null,
      schema: {
        operationId: 'ready', summary: 'Readiness: the database answers', tags: ['operations'], security: [], querystring: NO_QUERY,
        response: { 200: { description: 'Ready', type: 'object', properties: { status: { type: 'string' } }, required: ['status'] }, 503: { description: 'The database is unreachable', ...ref(ERROR) } },
      },
    },
  ];
  /**
   * The path's key segments (`:id`, or one per column of a composite key), each typed as its column (path
   * parameters are text, coerced to integers where the column is one), so a bad segment is a 400 naming it.
   */
  const keyParams = (r: ApiResource) => {
    const t = tables.get(r.name)!;
    const properties = Object.fromEntries(
      r.keys.map((name, i) => {
        const { description: _, ...schema } = columnSchema(t.columns.find((c) => c.name === name)!, enums, 'input', false);
        return [r.params[i]!, { ...schema, description: `The ${singular(r.name)}'s ${name}.` }];
      }),
    );
    return { type: 'object', properties, required: [...r.params], additionalProperties: false };
  };

  for (const r of model.resources) {
    const t = tables.get(r.name)!;
    const S = rowId(r);
    const tag = [r.name];
    const itemUrl = `${r.path}/${r.params.map((p) => `:${p}`).join('/')}`;
    const ops = new Set(r.operations);
    const base = { resource: r.name, relation: null };
    const order = model.roles ?? [];
    /** Models with roles: who may call the route (`x-roles`), said in its description too; the others get 403. */
    const who = (privilege: Privilege, description?: string, also?: ApiResource) => {
      if (!r.access) return description ? { description } : {};
      // a child collection: roles that may read the parent and the children
      const roles = order.filter((role) => role in r.access![privilege] && (!also?.access || role in also.access[privilege]));
      const conditional = roles.filter((role) => r.access![privilege][role]!.conditional);
      const line = `Roles: ${roles.join(', ')}${conditional.length ? ` (${conditional.join(', ')}: only rows its condition allows)` : ''}; other roles get 403.`;
      return { description: description ? `${description} ${line}` : line, 'x-roles': roles };
    };
    if (ops.has('list'))
      routes.push({ ...base, method: 'GET', url: r.path, operation: 'list', schema: { operationId: `list${pascal(r.name)}`, summary: `List ${r.name}`, ...who('select'), tags: tag, querystring: listQuery(r, t), response: { 200: { description: `A page of ${r.name}`, ...ref(list(r)) }, ...errorResponses } } });
    if (ops.has('create')) {
      const body = createBody(r, null, null);
      const out = created(r);
      routes.push({
        ...base, method: 'POST', url: r.path, operation: 'create',
        schema: {
          operationId: `create${S}`,
          summary: `Create a ${singular(r.name)}, or up to ${MAX_BULK} in one transaction${nestedOf(r).length ? ', with nested children' : ''}`,
          ...who('insert', `Send one object, or an array of up to ${MAX_BULK}: all are created or none.${nestedOf(r).length ? ` Children (${nestedOf(r).map((n) => n.name).join(', ')}) may be nested and are created in the same transaction.` : ''}`),
          tags: tag,
          querystring: NO_QUERY,
          body: { oneOf: [ref(body), { type: 'array', minItems: 1, maxItems: MAX_BULK, items: ref(body) }] },
          response: { 201: { description: 'Created: the row, or the rows in request order for an array', anyOf: [ref(out), { type: 'array', items: ref(out) }] }, ...errorResponses },
        },
      });
    }
    if (ops.has('get'))
      routes.push({ ...base, method: 'GET', url: itemUrl, operation: 'get', schema: { operationId: `get${S}`, summary: `Get a ${singular(r.name)}`, ...who('select'), tags: tag, querystring: NO_QUERY, params: keyParams(r), response: { 200: { description: `The ${singular(r.name)}`, ...ref(row(r)) }, ...errorResponses } } });
    if (ops.has('update') && r.updatable.length > 0)
      routes.push({ ...base, method: 'PATCH', url: itemUrl, operation: 'update', schema: { operationId: `update${S}`, summary: `Change a ${singular(r.name)}`, ...who('update'), tags: tag, querystring: NO_QUERY, params: keyParams(r), body: ref(patchBody(r)), response: { 200: { description: `The changed ${singular(r.name)}`, ...ref(row(r)) }, ...errorResponses } } });
    if (ops.has('delete'))
      routes.push({ ...base, method: 'DELETE', url: itemUrl, operation: 'delete', schema: { operationId: `delete${S}`, summary: `Delete a ${singular(r.name)}`, ...who('delete'), tags: tag, querystring: NO_QUERY, params: keyParams(r), response: { 204: { description: 'Deleted', type: 'null' }, ...errorResponses } } });
    for (const rel of r.relations.filter((x) => x.route)) {
      const child = resources.get(rel.child)!;
      routes.push({
        resource: r.name, relation: rel.name, method: 'GET', url: `${itemUrl}/${rel.path}`, operation: 'children',
        schema: {
          operationId: `list${S}${pascal(rel.name)}`,
          summary: `List the ${rel.name} of a ${singular(r.name)}`,
          ...who('select', undefined, child),
          tags: tag,
          params: keyParams(r),
          querystring: listQuery(child, tables.get(child.name)!),
          response: { 200: { description: `A page of ${rel.name}`, ...ref(list(child)) }, ...errorResponses },
        },
      });
    }
  }

  const order = [...components.keys()].sort();
  return {
    components: order.map((k) => components.get(k)!),
    routes,
    tags: [
      { name: 'operations', description: 'Health and readiness probes.' },
      ...model.resources.map((r) => {
        const comment = tables.get(r.name)!.comment;
        return comment ? { name: r.name, description: comment } : { name: r.name };
      }),
    ],
  };
}

function twinSuffix(r: ApiResource, rel: ApiRelation, model: ApiModel): string {
  const parent = model.resources.find((p) => p.relations.includes(rel))!;
  const twins = parent.relations.filter((x) => x.child === r.name).length > 1;
  return twins ? `By${pascal(rel.columns.join('_'))}` : '';
}

function listQuery(r: ApiResource, t: Table): JsonSchema {
  const sorts = r.sortable.flatMap((c) => [c, `-${c}`]);
  const filters = Object.fromEntries(
    r.filterable.map((name) => {
      const c = t.columns.find((x) => x.name === name)!;
      const ops = c.type.kind === 'jsonb' || c.type.kind === 'array' ? 'is' : 'eq|ne|lt|lte|gt|gte|in|is';
      return [
        name,
        {
          type: 'array',
          description: `Filter on ${name}: \`op.value\` with op one of ${ops.split('|').join(', ')} (\`in.(a,b)\`, \`is.null\`, \`is.notnull\`); repeat to combine with AND.`,
          maxItems: MAX_FILTERS_PER_COLUMN,
          items: { type: 'string', pattern: `^(${ops})\\.`, maxLength: 4096 },
        },
      ];
    }),
  );
  return {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Rows per page, at most ${MAX_LIMIT}.` },
      cursor: { type: 'string', maxLength: 4096, description: 'The `next_cursor` of the previous page.' },
      ...(sorts.length ? { sort: { type: 'string', enum: sorts, description: `Sort column, \`-\` for descending; ties are broken by ${r.keys.join(', ')}. Default: ${r.keys.join(', ')}.` } } : {}),
      count: { type: 'string', enum: ['exact'], description: 'Add `total`, the exact number of matching rows (costs a count query).' },
      ...filters,
    },
    additionalProperties: false,
  };
}

