import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions, type DbPool } from '../../generated/api/app.ts';
import { createPgPool } from '../../generated/api/db.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { singleSessionPool } from '../../generator/runtime/pglite-pool.ts';
import { applyMigrations } from '../support/db-helpers.ts';
import type { Engine, EngineHandle } from '../support/engines.ts';
import { insertRows, rowsFor, type OrgShape, type Rows } from '../support/tenant-data.ts';

export const SECRET = 'api-test-secret-0123456789abcdef0123456789';

export interface Reply {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  /** Bearer token; null sends no Authorization header. */
  readonly token?: string | null;
  readonly body?: unknown;
  /** Sent as is, with content-type application/json unless headers say otherwise. */
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
}

export interface Api {
  readonly engine: 'pglite' | 'pg';
  readonly app: FastifyInstance;
  readonly pool: DbPool;
  readonly handle: EngineHandle;
  /** Over app.inject (PGlite) or real HTTP (PostgreSQL). */
  call(method: string, url: string, o?: CallOptions): Promise<Reply>;
  /** As the database owner (who bypasses row-level security), through the app's own pool, in one transaction. */
  owner<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenApiOptions {
  readonly http?: boolean;
  readonly poolMax?: number;
  /** pg only: where the app's pool connects, given the test database's URL (e.g. through PgBouncer); the owner's helpers use it too. */
  readonly poolUrl?: (databaseUrl: string) => string;
  readonly app?: Partial<AppOptions>;
  /** Another model's app and migrations (see fixture-api.ts); default: generated/api and generated/migrations. */
  readonly build?: typeof buildApp;
  readonly migrate?: (db: Db) => Promise<void>;
}

/** A migrated database of `engine` and the generated app on it: inject on PGlite, a listening server on PostgreSQL. */
export async function openApi(engine: Engine, o: OpenApiOptions = {}): Promise<Api> {
  const handle = await engine.open();
  await (o.migrate ?? applyMigrations)(handle.db);
  const pool: DbPool = engine.name === 'pg' ? createPgPool({ url: o.poolUrl ? o.poolUrl(handle.url!) : handle.url!, max: o.poolMax ?? 20 }) : singleSessionPool(handle.db);
  const app = (o.build ?? buildApp)({ pool, jwt: { secret: SECRET }, ...o.app });
  const http = o.http ?? engine.name === 'pg';
  let base = '';
  if (http) base = await app.listen({ port: 0, host: '127.0.0.1' });
  else await app.ready();
  const call = async (method: string, url: string, c: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...c.headers };
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    const payload = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    if (!http) {
      const r = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
      return { status: r.statusCode, text: r.body, body: parse(r.body), headers: r.headers as Reply['headers'] };
    }
    const r = await fetch(`${base}${url}`, { method, headers, ...(payload === undefined ? {} : { body: typeof payload === 'string' ? payload : new Uint8Array(payload) }) });
    const text = await r.text();
    return { status: r.status, text, body: parse(text), headers: Object.fromEntries(r.headers.entries()) };
  };
  const owner = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    const q: Queryable = {
      query: async (sql, params) => {
        const r = await client.query(sql, params as (string | null)[] | undefined);
        return { rows: r.rows as never[], rowCount: r.rowCount ?? 0 };
      },
      exec: async (sql) => {
        await client.query(sql);
      },
    };
    try {
      await client.query('BEGIN');
      const value = await fn(q);
      await client.query('COMMIT');
      client.release();
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw err;
    }
  };
  return {
    engine: engine.name,
    app,
    pool,
    handle,
    call,
    owner,
    async close() {
      await app.close();
      if (engine.name === 'pg') await pool.end();
      await handle.close();
    },
  };
}

function parse(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export interface Tenant {
  readonly org: string;
  readonly user: string;
  readonly token: string;
  readonly rows: Rows;
}

/** Organizations with users, workflows, buckets, criteria, assessments…, inserted as the owner; a token for each one's first user. */
export async function seedTenants(api: Api, shapes: readonly OrgShape[]): Promise<Tenant[]> {
  const data = rowsFor(shapes);
  await api.owner(async (q) => {
    for (const rows of data) await insertRows(q, rows);
  });
  return data.map((rows) => {
    const org = rows.organizations![0]!.id as string;
    const user = rows.users![0]!.id as string;
    return { org, user, rows, token: devToken(SECRET, { userId: user, orgId: org }) };
  });
}

/** A digest of every row of every table, as the owner: equal digests mean nothing was written. */
export async function fingerprint(api: Api, tables: readonly string[]): Promise<Record<string, string>> {
  return api.owner(async (q) => {
    const out: Record<string, string> = {};
    for (const t of tables) {
      const { rows } = await q.query<{ d: string | null }>(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x.id::text)), '') AS d FROM "${t}" x`);
      out[t] = rows[0]?.d ?? '';
    }
    return out;
  });
}

export const TABLES = ['organizations', 'users', 'workflows', 'buckets', 'criteria', 'assessments', 'assessment_documents', 'assessment_results', 'audit_logs'];

/** Every error the API sends has this shape; `errors`, when present, lists violations with place and message, the first one's being `field`/`message`. */
export function isErrorShape(body: unknown, status: number): boolean {
  const b = body as Record<string, unknown> | undefined;
  if (!b || b.statusCode !== status || typeof b.error !== 'string' || typeof b.message !== 'string' || typeof b.code !== 'string') return false;
  if (!Object.keys(b).every((k) => ['statusCode', 'error', 'message', 'code', 'field', 'errors'].includes(k))) return false;
  if (b.errors === undefined) return true;
  const errors = b.errors as Record<string, unknown>[];
  if (!Array.isArray(errors) || errors.length === 0 || !b.message.startsWith(String(errors[0]!.message))) return false;
  return errors.every((e) => ['body', 'query', 'path', 'header'].includes(String(e.in)) && typeof e.field === 'string' && typeof e.pointer === 'string' && typeof e.message === 'string' && /^(\/[^/]*)*$/.test(e.pointer));
}
