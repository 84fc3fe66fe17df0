/**
 * The hand-written baseline of the API load bench: the workflows endpoints as a Fastify + pg developer would write
 * them by hand for this schema, sharing no code and no SQL with generated/api. What a production service needs,
 * it has: the same JWT check (@fastify/jwt, HS256 pinned, `exp`, `sub` and `org` required, both uuids), the
 * security headers of @fastify/helmet, one transaction per request that checks membership and acts as the
 * user's role (read from its row) with the tenant and user set for the transaction, so row-level security
 * applies; input checked by hand; nested create of buckets and criteria; keyset pages. No OpenAPI, no
 * request ids, no retries, no error catalogue.
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=3001 node --import tsx test/bench/baseline-server.ts
 */
import helmet from '@fastify/helmet';
import jwt from '@fastify/jwt';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import pg from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, organization_id, name, description, status, created_by, settings, created_at, updated_at';
const STATUSES = new Set(['draft', 'active', 'archived']);
const SORTS: Record<string, string> = { id: 'id', name: 'name', created_at: 'created_at', updated_at: 'updated_at' };

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 20), application_name: 'bench-baseline' });
pool.on('error', () => {});
pool.on('connect', (c) => c.on('error', () => {}));
const app = Fastify({ logger: false });
app.register(helmet);
app.register(jwt, { secret: process.env.JWT_SECRET!, verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'org'] } });

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
  const status = err instanceof HttpError ? err.statusCode : err.code === '23505' ? 409 : err.code?.startsWith('23') ? 422 : (err.statusCode ?? 500);
  return reply.code(status).send({ error: err.message });
});

interface Who {
  readonly user: string;
  readonly org: string;
}

async function who(req: FastifyRequest): Promise<Who> {
  const claims = (await req.jwtVerify()) as { sub?: unknown; org?: unknown };
  if (typeof claims.sub !== 'string' || !UUID.test(claims.sub) || typeof claims.org !== 'string' || !UUID.test(claims.org)) throw new HttpError(401, 'bad claims');
  return { user: claims.sub.toLowerCase(), org: claims.org.toLowerCase() };
}

/** One transaction as the user's role: membership and role from the user row, the tenant and user for RLS. */
async function tx<T>(w: Who, readOnly: boolean, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    const member = await c.query(
      `SELECT set_config('statement_timeout', '30000', true), set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true),
              set_config('role', 'app_user_' || role, true)
         FROM users WHERE id = $2::uuid AND organization_id = $1::uuid AND is_active`,
      [w.org, w.user],
    );
    if (member.rowCount === 0) throw new HttpError(401, 'not a member');
    const value = await fn(c);
    await c.query('COMMIT');
    c.release();
    return value;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    c.release();
    throw err;
  }
}

const cursorOf = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');

app.get('/health', async () => ({ status: 'ok' }));

interface ListQuery {
  limit?: string;
  sort?: string;
  cursor?: string;
  status?: string;
  created_by?: string;
}

app.get<{ Querystring: ListQuery }>('/v1/workflows', async (req) => {
  const w = await who(req);
  const q = req.query;
  const limit = q.limit === undefined ? 20 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit');
  const desc = q.sort?.startsWith('-') ?? false;
  const column = SORTS[(q.sort ?? 'id').replace(/^-/, '')];
  if (!column) throw new HttpError(400, 'sort');
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.status !== undefined) {
    const status = q.status.replace(/^eq\./, '');
    if (!STATUSES.has(status)) throw new HttpError(400, 'status');
    params.push(status);
    where.push(`status = $${params.length}`);
  }
  if (q.created_by !== undefined) {
    const by = q.created_by.replace(/^eq\./, '');
    if (!UUID.test(by)) throw new HttpError(400, 'created_by');
    params.push(by);
    where.push(`created_by = $${params.length}`);
  }
  const op = desc ? '<' : '>';
  if (q.cursor !== undefined) {
    let after: [string, string];
    try {
      after = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [string, string];
    } catch {
      throw new HttpError(400, 'cursor');
    }
    if (column === 'id') {
      params.push(after[1]);
      where.push(`id ${op} $${params.length}`);
    } else {
      params.push(after[0], after[1]);
      where.push(`(${column}, id) ${op} ($${params.length - 1}, $${params.length})`);
    }
  }
  params.push(limit + 1);
  const dir = desc ? 'DESC' : 'ASC';
  const order = column === 'id' ? `id ${dir}` : `${column} ${dir}, id ${dir}`;
  const sql = `SELECT ${COLUMNS}, ${column}::text AS cursor_value FROM workflows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT $${params.length}`;
  const rows = await tx(w, true, async (c) => (await c.query(sql, params)).rows);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(({ cursor_value: _v, ...row }) => row),
    next_cursor: rows.length > limit && last ? cursorOf(last.cursor_value, last.id) : null,
  };
});

app.get<{ Params: { id: string } }>('/v1/workflows/:id', async (req, reply) => {
  const w = await who(req);
  if (!UUID.test(req.params.id)) throw new HttpError(400, 'id');
  const row = await tx(w, true, async (c) => (await c.query(`SELECT ${COLUMNS} FROM workflows WHERE id = $1`, [req.params.id])).rows[0]);
  return row ?? reply.code(404).send({ error: 'not found' });
});

interface CriterionIn {
  title?: unknown;
  position?: unknown;
}
interface BucketIn {
  name?: unknown;
  position?: unknown;
  criteria?: CriterionIn[];
}
interface WorkflowIn {
  name?: unknown;
  description?: unknown;
  buckets?: BucketIn[];
}

const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
const position = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

app.post<{ Body: WorkflowIn }>('/v1/workflows', async (req, reply: FastifyReply) => {
  const w = await who(req);
  const body = req.body;
  if (!body || !text(body.name, 255) || (body.description !== undefined && typeof body.description !== 'string')) throw new HttpError(400, 'body');
  for (const b of body.buckets ?? []) {
    if (!text(b.name, 255) || !position(b.position)) throw new HttpError(400, 'bucket');
    for (const c of b.criteria ?? []) if (!text(c.title, 500) || !position(c.position)) throw new HttpError(400, 'criterion');
  }
  const created = await tx(w, false, async (c) => {
    const workflow = (await c.query(`INSERT INTO workflows (organization_id, name, description) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [w.org, body.name, body.description ?? null])).rows[0];
    if (!body.buckets) return workflow;
    const buckets = [];
    for (const b of body.buckets) {
      const bucket = (await c.query('INSERT INTO buckets (organization_id, workflow_id, name, position) VALUES ($1, $2, $3, $4) RETURNING *', [w.org, workflow.id, b.name, b.position])).rows[0];
      const criteria = [];
      for (const k of b.criteria ?? [])
        criteria.push((await c.query('INSERT INTO criteria (organization_id, bucket_id, title, position) VALUES ($1, $2, $3, $4) RETURNING *', [w.org, bucket.id, k.title, k.position])).rows[0]);
      buckets.push({ ...bucket, criteria });
    }
    return { ...workflow, buckets };
  });
  return reply.code(201).send(created);
});

app.patch<{ Params: { id: string }; Body: { description?: unknown } }>('/v1/workflows/:id', async (req, reply) => {
  const w = await who(req);
  const { description } = req.body ?? {};
  if (!UUID.test(req.params.id) || typeof description !== 'string') throw new HttpError(400, 'bad request');
  const row = await tx(w, false, async (c) => (await c.query(`UPDATE workflows SET description = $1 WHERE id = $2 RETURNING ${COLUMNS}`, [description, req.params.id])).rows[0]);
  return row ?? reply.code(404).send({ error: 'not found' });
});

const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
await app.listen({ port: Number(process.env.PORT ?? 3001), host: process.env.HOST ?? '127.0.0.1' });
