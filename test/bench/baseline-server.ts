/**
 * The hand-written baseline for the API load bench: the smallest Fastify + pg
 * server that does what the generated API does for the four load profiles,
 * and nothing else. Same JWT verification (@fastify/jwt, HS256 pinned, `exp`,
 * `sub` and `org` required, both uuids), same transaction per request (BEGIN,
 * one round trip reading the user's role and setting statement_timeout, role, tenant and user,
 * the query, COMMIT), the same SQL. No request validation schemas, no
 * response schemas, no OpenAPI, no request ids, no retries, no error mapping.
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=3001 node --import tsx test/bench/baseline-server.ts
 */
import jwt from '@fastify/jwt';
import Fastify, { type FastifyRequest } from 'fastify';
import pg from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT = `"id", "organization_id", "name", "description", "status", "created_by", "settings", to_jsonb("created_at") AS "created_at", to_jsonb("updated_at") AS "updated_at"`;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 20), application_name: 'schemagen-baseline' });
pool.on('error', () => {});
const app = Fastify({ logger: false });
app.register(jwt, { secret: process.env.JWT_SECRET!, verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'org'] } });

interface Who {
  readonly user: string;
  readonly org: string;
}

async function who(req: FastifyRequest): Promise<Who> {
  const claims = (await req.jwtVerify()) as { sub?: unknown; org?: unknown };
  if (typeof claims.sub !== 'string' || !UUID.test(claims.sub) || typeof claims.org !== 'string' || !UUID.test(claims.org)) throw Object.assign(new Error('bad claims'), { statusCode: 401 });
  return { user: claims.sub.toLowerCase(), org: claims.org.toLowerCase() };
}

async function tx<T>(w: Who, readOnly: boolean, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    // membership and role from the user row, as a developer would write it (the login here is the owner)
    const { rows } = await c.query(
      `SELECT set_config('statement_timeout', '30000', true), set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true), set_config('role', 'app_user_' || role, true)
         FROM users WHERE id = $2::uuid AND organization_id = $1::uuid AND is_active`,
      [w.org, w.user],
    );
    if (rows.length === 0) throw Object.assign(new Error('not a member'), { statusCode: 401 });
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

app.get('/health', async () => ({ status: 'ok' }));

app.get('/v1/workflows', async (req) => {
  const w = await who(req);
  const rows = await tx(w, true, async (c) => (await c.query(`SELECT ${SELECT}, "created_at"::text AS "__sort", "id"::text AS "__key" FROM "workflows" ORDER BY "workflows"."created_at" DESC, "workflows"."id" DESC LIMIT 21`)).rows);
  const page = rows.slice(0, 20);
  const last = page.at(-1);
  return {
    data: page.map(({ __sort: _s, __key: _k, ...row }) => row),
    next_cursor: rows.length > 20 && last ? Buffer.from(JSON.stringify(['-created_at', last.__sort, last.__key])).toString('base64url') : null,
  };
});

app.get<{ Params: { id: string } }>('/v1/workflows/:id', async (req, reply) => {
  const w = await who(req);
  if (!UUID.test(req.params.id)) return reply.code(400).send({ error: 'bad id' });
  const row = await tx(w, true, async (c) => (await c.query(`SELECT ${SELECT} FROM "workflows" WHERE "id" = $1::text::uuid`, [req.params.id])).rows[0]);
  return row ?? reply.code(404).send({ error: 'not found' });
});

app.post<{ Body: { name?: unknown; description?: unknown } }>('/v1/workflows', async (req, reply) => {
  const w = await who(req);
  const { name, description } = req.body ?? {};
  if (typeof name !== 'string') return reply.code(400).send({ error: 'name' });
  const row = await tx(w, false, async (c) =>
    (await c.query(`INSERT INTO "workflows" ("organization_id", "name", "description") VALUES ($1::text::uuid, $2::text::text, $3::text::text) RETURNING ${SELECT}`, [w.org, name, typeof description === 'string' ? description : null])).rows[0],
  );
  return reply.code(201).send(row);
});

app.patch<{ Params: { id: string }; Body: { description?: unknown } }>('/v1/workflows/:id', async (req, reply) => {
  const w = await who(req);
  const { description } = req.body ?? {};
  if (!UUID.test(req.params.id) || typeof description !== 'string') return reply.code(400).send({ error: 'bad request' });
  const row = await tx(w, false, async (c) => (await c.query(`UPDATE "workflows" SET "description" = $1::text::text WHERE "id" = $2::text::uuid RETURNING ${SELECT}`, [description, req.params.id])).rows[0]);
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
