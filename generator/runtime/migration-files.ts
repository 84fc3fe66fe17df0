import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationError } from './migration-error.ts';

export interface Migration {
  readonly version: number;
  /** The folder name, e.g. `0001_initial`. */
  readonly name: string;
  readonly up: string;
  readonly down: string;
  /** sha256 hex of `up + "\0" + down`. */
  readonly checksum: string;
}

/** A migration folder's name: `NNNN_slug`. gen, the lineage check and the runner all use this rule. */
export const MIGRATION_FOLDER = /^(\d{4,})_[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The version of a folder named by MIGRATION_FOLDER, else null. */
export const folderVersion = (name: string): number | null => {
  const m = MIGRATION_FOLDER.exec(name);
  return m ? Number(m[1]) : null;
};

/** `0002_add_slug` → `add_slug`. */
export const folderSlug = (name: string): string => name.replace(/^\d+_/, '');

/** Reads `<dir>/NNNN_slug/{up.sql,down.sql}`, sorted by version. Files beside the folders are ignored. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new MigrationError(
      'missing_file',
      `No migrations folder at ${dir}: generate migrations first, or point to the folder that holds them.`,
      { cause: err },
    );
  });
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const match = MIGRATION_FOLDER.exec(entry.name);
    if (!match) {
      throw new MigrationError(
        'bad_folder',
        `${path}: a migration folder must be named NNNN_slug (e.g. 0001_initial); rename or remove it.`,
      );
    }
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash !== undefined) {
      throw new MigrationError(
        'bad_folder',
        `${path}: version ${version} is also used by ${clash}; each migration needs its own number. ` +
          `Two branches each added a migration (a fork): keep the one merged first, delete the other and regenerate it on top with \`npx gen --name <slug>\`.`,
      );
    }
    seen.set(version, entry.name);
    const up = await readSql(path, 'up.sql');
    const down = await readSql(path, 'down.sql');
    migrations.push({ version, name: entry.name, up, down, checksum: checksum(up, down) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

export function checksum(up: string, down: string): string {
  return createHash('sha256').update(`${up}\0${down}`).digest('hex');
}

async function readSql(folder: string, file: 'up.sql' | 'down.sql'): Promise<string> {
  const path = join(folder, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new MigrationError(
      'missing_file',
      `${path} is missing: every migration folder needs up.sql and down.sql (an empty file is allowed).`,
      { cause: err },
    );
  }
}
