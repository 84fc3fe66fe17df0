import { folderSlug } from '../runtime/migration-files.ts';
/** One migration folder as far as its history goes: its number and, when it has a snapshot, its id and parent. */
export interface LineageEntry {
  /** Folder name, e.g. `0002_add_slug`. */
  readonly folder: string;
  readonly version: number;
  /** Null for a folder without snapshot.json (hand-written): it is skipped in the parent chain. */
  readonly snapshot: { readonly id: string; readonly parent: string | null } | null;
}

const FIX = (dir: string, later: string) =>
  `keep the migration merged first; delete ${dir}/${later} and regenerate it on top with \`npx gen --name ${slugOf(later)}\` (a database that already applied ${later}: revert it there first with \`npx gen migrate down\`)`;

export const slugOf = folderSlug;

/**
 * Finds forks in the migration history: two folders with the same number, or
 * a snapshot whose parent is not the snapshot of the folder before it. Both
 * happen when two branches each add a migration and are merged; each line
 * says which folder to regenerate.
 */
export function checkLineage(entries: readonly LineageEntry[], dir = 'generated/migrations'): string[] {
  const problems: string[] = [];
  const sorted = [...entries].sort((a, b) => a.version - b.version || (a.folder < b.folder ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.version === b.version)
      problems.push(`${dir}/${b.folder}: number ${String(b.version).padStart(4, '0')} is also used by ${a.folder}: two branches each added a migration (a fork); ${FIX(dir, b.folder)}`);
  }
  let previous: LineageEntry | null = null;
  for (const e of sorted) {
    if (!e.snapshot) continue;
    if (previous?.snapshot && previous.version !== e.version && e.snapshot.parent !== previous.snapshot.id)
      problems.push(
        `${dir}/${e.folder}/snapshot.json: its parent is ${e.snapshot.parent ?? 'none'}, but the migration before it, ${previous.folder}, leaves snapshot ${previous.snapshot.id}: ` +
          `${e.folder} was generated on a branch that did not have ${previous.folder} (a fork); ${FIX(dir, e.folder)}`,
      );
    if (previous === null && e.snapshot.parent !== null)
      problems.push(`${dir}/${e.folder}/snapshot.json: the first migration's parent is ${e.snapshot.parent}, not none: restore the migrations before it from git`);
    previous = e;
  }
  return problems;
}
