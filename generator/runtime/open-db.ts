import { resolve } from 'node:path';
import type { Db } from './db.ts';
import { openPg } from './pg-db.ts';
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
