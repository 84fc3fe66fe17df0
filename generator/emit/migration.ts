import type { Change } from '../diff/changes.ts';
import { hazardOf } from '../diff/destructive.ts';
import { createdTables, lockOf } from '../diff/locks.ts';
import { GENERATED_HEADER } from './header.ts';
import { planChange, type PlannedStep } from './plan-change.ts';
import { render } from './templates.ts';

export interface MigrationSql {
  readonly up: string;
  readonly down: string;
}

export interface RenderOptions {
  /** Both files start with the runner's NO_TRANSACTION_MARKER (CREATE / DROP INDEX CONCURRENTLY). */
  readonly noTransaction?: boolean;
}

/** Tables and types a direction drops outright: steps removing their parts are skipped in that direction. */
function droppedIn(changes: readonly Change[], direction: 'up' | 'down'): Set<string> {
  return new Set(
    changes.flatMap((c) => {
      if (direction === 'up') return c.kind === 'dropTable' ? [c.table.name] : c.kind === 'dropEnum' ? [c.enum.name] : [];
      return c.kind === 'createTable' ? [c.table.name] : c.kind === 'createEnum' ? [c.enum.name] : [];
    }),
  );
}

/** What a migration file waits for a lock at most, unless the runner set its own lock_timeout. */
export const LOCK_TIMEOUT = '5s';

/**
 * A check or foreign key added to a table that already exists (and may hold
 * rows) is added NOT VALID, which locks for a moment, and validated after
 * that commits, which lets reads and writes go on while it scans.
 */
function validatedLater(c: Change, created: ReadonlySet<string>): Change {
  if ((c.kind === 'addCheck' || c.kind === 'addForeignKey') && !created.has(c.table)) return { ...c, notValid: true };
  return c;
}

/**
 * Up runs the steps in order, each destructive one under a `-- DESTRUCTIVE:`
 * line; down runs their inverses in reverse. Each direction skips what a DROP
 * in the same direction removes anyway.
 */
export function renderMigration(name: string, changes: readonly Change[], opts: RenderOptions = {}): MigrationSql {
  const created = createdTables(changes);
  const steps = changes.map((c) => validatedLater(c, created)).map((change) => ({ change, step: planChange(change) }));
  const keep = (direction: 'up' | 'down') => {
    const dropped = droppedIn(changes, direction);
    return ({ step }: { step: PlannedStep }) => {
      const owner = step.droppedWith[direction];
      return owner === null || !dropped.has(owner);
    };
  };
  const base = { header: GENERATED_HEADER, name, noTransaction: opts.noTransaction ?? false, lockTimeout: LOCK_TIMEOUT };
  const kept = steps.filter(keep('up'));
  const up = kept.map(({ change, step }) => ({ comment: step.comment, warning: hazardOf(change)?.risk ?? '', lock: lockOf(change, created)?.effect ?? '', sql: step.up.trimEnd() }));
  const afterCommit = kept.flatMap(({ step }) => (step.afterCommit ? [step.afterCommit.trimEnd()] : []));
  const down = steps.filter(keep('down')).reverse().map(({ step }) => ({ comment: step.downComment ?? step.comment, sql: step.down.trimEnd() }));
  return {
    up: render('migration/up.sql', { ...base, steps: up, afterCommit }),
    down: render('migration/down.sql', { ...base, steps: down }),
  };
}
