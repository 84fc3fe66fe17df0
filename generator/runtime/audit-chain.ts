import { FUNCTION_NAMES } from '../diff/changes.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Ir } from '../ir/types.ts';
import { quoteIdent as q, quoteString } from '../sql/quote.ts';
import type { Queryable } from './db.ts';

/** Where the chain of one organization breaks first, and why. */
export interface ChainBreak {
  readonly tenant: string;
  readonly seq: string;
  readonly id: string;
  readonly reason: string;
}

export interface ChainReport {
  readonly table: string;
  readonly tenants: number;
  /** Rows in a chain. */
  readonly rows: number;
  /** Rows written before the chain existed (no `seq`): not covered. */
  readonly unchained: number;
  /** Organizations whose chain starts after 1: their first rows were removed on the maintenance path (retention). */
  readonly trimmed: readonly { readonly tenant: string; readonly from: string }[];
  /** The newest link of each organization: record them elsewhere to detect a rewrite of the whole chain later. */
  readonly heads: readonly { readonly tenant: string; readonly seq: string; readonly hash: string }[];
  /** The first breaks, by organization then seq; empty when the chain is intact. */
  readonly breaks: readonly ChainBreak[];
}

const MAX_BREAKS = 20;

/**
 * Recomputes every link of the audit chain (`audit: { chain: true }`), as the owner on the maintenance path
 * (run it inside a transaction). A link is broken when the row's hash is not the digest of its content,
 * its prev_hash is not the previous row's hash, or a seq is missing in between.
 */
export async function verifyAuditChain(tx: Queryable, ir: Ir): Promise<ChainReport> {
  if (!ir.audit?.chain || !ir.tenancy) throw new Error('the model has no audit chain: defineModel({ audit: { table, chain: true } })');
  const table = q(ir.audit.table);
  const key = q(ir.tenancy.key);
  await tx.query(`SELECT set_config(${quoteString(MAINTENANCE_SETTING)}, 'on', true)`);
  const counts = await tx.query<{ tenants: string; rows: string; unchained: string }>(
    `SELECT count(DISTINCT ${key}) FILTER (WHERE "seq" IS NOT NULL)::text AS tenants, count("seq")::text AS rows, count(*) FILTER (WHERE "seq" IS NULL)::text AS unchained FROM ${table}`,
  );
  const links = `
    SELECT a.${key}::text AS tenant, a."seq", a."id"::text AS id, a."hash", a."prev_hash",
           ${q(FUNCTION_NAMES.auditDigest)}(a) AS digest,
           lag(a."hash") OVER w AS before_hash, lag(a."seq") OVER w AS before_seq
      FROM ${table} a WHERE a."seq" IS NOT NULL
    WINDOW w AS (PARTITION BY a.${key} ORDER BY a."seq")`;
  const { rows: broken } = await tx.query<ChainBreak>(
    `SELECT tenant, seq::text AS seq, id,
            CASE WHEN digest IS DISTINCT FROM hash THEN 'its hash is not the digest of its content: the row was changed'
                 WHEN before_seq IS NOT NULL AND seq <> before_seq + 1 THEN 'seq ' || (before_seq + 1) || CASE WHEN seq - before_seq > 2 THEN '–' || (seq - 1) ELSE '' END || ' missing: rows were removed'
                 WHEN before_seq IS NOT NULL AND prev_hash IS DISTINCT FROM before_hash THEN 'its prev_hash is not the previous row''s hash'
                 ELSE 'its prev_hash names no row before it' END AS reason
       FROM (${links}) l
      WHERE digest IS DISTINCT FROM hash
         OR (before_seq IS NOT NULL AND (seq <> before_seq + 1 OR prev_hash IS DISTINCT FROM before_hash))
         OR (before_seq IS NULL AND seq = 1 AND prev_hash IS NOT NULL)
      ORDER BY l.tenant, l.seq LIMIT ${MAX_BREAKS}`,
  );
  const { rows: ends } = await tx.query<{ tenant: string; first: string; seq: string; hash: string }>(
    `SELECT g.tenant::text AS tenant, g.first::text AS first, g.last::text AS seq, h."hash" AS hash
       FROM (SELECT ${key} AS tenant, min("seq") AS first, max("seq") AS last FROM ${table} WHERE "seq" IS NOT NULL GROUP BY ${key}) g
       JOIN ${table} h ON h.${key} = g.tenant AND h."seq" = g.last
      ORDER BY 1`,
  );
  const c = counts.rows[0]!;
  return {
    table: ir.audit.table,
    tenants: Number(c.tenants),
    rows: Number(c.rows),
    unchained: Number(c.unchained),
    trimmed: ends.filter((e) => e.first !== '1').map((e) => ({ tenant: e.tenant, from: e.first })),
    heads: ends.map((e) => ({ tenant: e.tenant, seq: e.seq, hash: e.hash })),
    breaks: broken,
  };
}
