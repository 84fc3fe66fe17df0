import { resolve } from 'node:path';
import type { Db } from './db.ts';
import { describeUrl, openPg } from './pg-db.ts';
import { openPglite } from './pglite-db.ts';

export interface OpenDbOptions {
  /** A PostgreSQL URL; when set, PGlite is not used. */
  readonly databaseUrl?: string;
  /** PGlite data directory; `.data/` under the current directory by default. */
  readonly dataDir?: string;
}

export function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  if (opts.databaseUrl) return openPg(opts.databaseUrl);
  return openPglite({ dataDir: resolve(opts.dataDir ?? '.data') });
}

/** What a message calls the database: `host:port/db as user` (never the password), or `PGlite at <dir>`. */
export const describeTarget = (databaseUrl: string | undefined, dataDir: string): string =>
  databaseUrl ? describeUrl(databaseUrl) : `PGlite at ${dataDir}`;
