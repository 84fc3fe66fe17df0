import type { Change } from '../diff/changes.ts';
import { hazardOf } from '../diff/destructive.ts';
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

/**
 * Up runs the steps in order, each destructive one under a `-- DESTRUCTIVE:`
 * line; down runs their inverses in reverse. Each direction skips what a DROP
 * in the same direction removes anyway.
 */
export function renderMigration(name: string, changes: readonly Change[], opts: RenderOptions = {}): MigrationSql {
  const steps = changes.map((change) => ({ change, step: planChange(change) }));
  const keep = (direction: 'up' | 'down') => {
    const dropped = droppedIn(changes, direction);
    return ({ step }: { step: PlannedStep }) => {
      const owner = step.droppedWith[direction];
      return owner === null || !dropped.has(owner);
    };
  };
  const base = { header: GENERATED_HEADER, name, noTransaction: opts.noTransaction ?? false };
  const up = steps.filter(keep('up')).map(({ change, step }) => ({ comment: step.comment, warning: hazardOf(change)?.risk ?? '', sql: step.up.trimEnd() }));
  const down = steps.filter(keep('down')).reverse().map(({ step }) => ({ comment: step.downComment ?? step.comment, sql: step.down.trimEnd() }));
  return {
    up: render('migration/up.sql', { ...base, steps: up }),
    down: render('migration/down.sql', { ...base, steps: down }),
  };
}
