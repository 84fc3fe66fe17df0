import { folderVersion } from '../runtime/migration-files.ts';
import type { Change } from '../diff/changes.ts';
import { formatHazard, hazardsOf } from '../diff/destructive.ts';
import { createdTables, formatLock, lockOf } from '../diff/locks.ts';
import { diff } from '../diff/diff.ts';
import { formatProblem } from '../diff/problems.ts';
import { splitParts } from '../diff/split.ts';
import type { Ir } from '../ir/types.ts';
import { renderMigration } from './migration.ts';
import { planChange } from './plan-change.ts';
import { makeSnapshot, renderSnapshot, type Snapshot } from './snapshot.ts';

/** A migration slug: what `gen --name` accepts. */
export const SLUG = /^[a-z0-9_]+$/;

export interface EvolveOptions {
  /** Write the pending change as the next migration(s), `NNNN_<name>`. */
  readonly name?: string;
  /** Let drops, narrowing type changes and unsafe NOT NULLs through (`--allow-destructive`). */
  readonly allowDestructive?: boolean;
}

/** The model differs from the latest snapshot: what changed, and what gen makes of it. */
export interface PendingChange {
  /** The latest migration folder. */
  readonly since: string;
  /** Entities (`table`, `enum name`, `tenancy`) added, removed, or changed. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** One line per planned step, in order. */
  readonly steps: readonly string[];
  /** Why no migration can be made: fix the model. */
  readonly problems: readonly string[];
  /** Steps refused without `--allow-destructive`. */
  readonly hazards: readonly string[];
  /** Steps that hold a table lock as long as the table's size makes them take (rewrites, scans, index builds). */
  readonly locks: readonly string[];
  /** Folders of the migration(s) written for it (with `name`), in order; empty when none was. */
  readonly written: readonly string[];
}

export interface EvolveResult {
  readonly files: { readonly path: string; readonly contents: string }[];
  readonly pending: PendingChange | null;
}

/**
 * Compares the model with the latest snapshot. Nothing changed: no files, no
 * pending change. Otherwise the change is pending; with `name`, and when it
 * has no problems and no destructive step (or they are allowed), its
 * migration folders are returned as files too.
 */
export function evolve(ir: Ir, folders: readonly string[], latest: Snapshot, opts: EvolveOptions = {}): EvolveResult {
  const since = folders.at(-1)!;
  const { changes, problems } = diff(latest.ir, ir);
  if (changes.length === 0 && problems.length === 0) return { files: [], pending: null };
  const hazards = hazardsOf(changes).map(formatHazard);
  const created = createdTables(changes);
  const locks = changes.flatMap((c) => lockOf(c, created) ?? []).map(formatLock);
  const pending = { since, ...entities(changes), steps: changes.map((c) => planChange(c).comment), problems: problems.map(formatProblem), hazards, locks, written: [] as string[] };
  const refused = problems.length > 0 || (hazards.length > 0 && !opts.allowDestructive);
  if (opts.name === undefined || refused) return { files: [], pending };

  const files: EvolveResult['files'] = [];
  let version = Math.max(...folders.map((f) => folderVersion(f) ?? 0));
  let parent = latest.id;
  for (const part of splitParts(latest.ir, ir, changes)) {
    const folder = `${String(++version).padStart(4, '0')}_${opts.name}${part.suffix ? `_${part.suffix}` : ''}`;
    const sql = renderMigration(folder, part.changes, { noTransaction: part.noTransaction });
    const snapshot = makeSnapshot(part.ir, parent);
    files.push(
      { path: `migrations/${folder}/up.sql`, contents: sql.up },
      { path: `migrations/${folder}/down.sql`, contents: sql.down },
      { path: `migrations/${folder}/snapshot.json`, contents: renderSnapshot(snapshot) },
    );
    pending.written.push(folder);
    parent = snapshot.id;
  }
  return { files, pending };
}

/** The entities a change touches, for one line a reviewer can read. */
function entities(changes: readonly Change[]): Pick<PendingChange, 'added' | 'removed' | 'changed'> {
  const added = new Set<string>();
  const removed = new Set<string>();
  const changed = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'createTable') added.add(c.table.name);
    else if (c.kind === 'createEnum') added.add(`enum ${c.enum.name}`);
    else if (c.kind === 'dropTable') removed.add(c.table.name);
    else if (c.kind === 'dropEnum') removed.add(`enum ${c.enum.name}`);
    else if (c.kind === 'renameTable') changed.add(`${c.from} (renamed to ${c.to})`);
    else if (c.kind === 'addEnumValue') changed.add(`enum ${c.enum}`);
    else if (c.kind === 'createExtension' || c.kind === 'dropExtension') changed.add(`extension ${c.name}`);
    else if (c.kind === 'createRole' || c.kind === 'dropRole' || c.kind === 'alterRole' || c.kind === 'createFunction' || c.kind === 'dropFunction' || c.kind === 'replaceFunction') changed.add('tenancy');
    else if ('table' in c && typeof c.table === 'string') changed.add(c.table);
    else if (c.kind === 'commentOn') changed.add(c.target.kind === 'type' ? `enum ${c.target.name}` : c.target.table);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  for (const a of added) changed.delete(a);
  return { added: sorted(added), removed: sorted(removed), changed: sorted(changed) };
}
