import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineageEntry } from '../emit/lineage.ts';
import { folderVersion } from '../runtime/migration-files.ts';

/**
 * Each migration folder's number and snapshot id/parent, for fork detection.
 * Folders not named NNNN_slug and unreadable snapshots are left to the
 * readers that report them.
 */
export function readLineage(migrationsDir: string): LineageEntry[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && folderVersion(e.name) !== null)
    .map((e) => {
      const path = join(migrationsDir, e.name, 'snapshot.json');
      let snapshot: LineageEntry['snapshot'] = null;
      if (existsSync(path)) {
        try {
          const data = JSON.parse(readFileSync(path, 'utf8')) as { id?: unknown; parent?: unknown };
          if (typeof data.id === 'string') snapshot = { id: data.id, parent: typeof data.parent === 'string' ? data.parent : null };
        } catch {
          snapshot = null;
        }
      }
      return { folder: e.name, version: folderVersion(e.name)!, snapshot };
    });
}
