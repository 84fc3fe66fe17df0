import type { Change } from '../diff/changes.ts';
import { GENERATED_HEADER } from './header.ts';
import { planChange, type PlannedStep } from './plan-change.ts';
import { render } from './templates.ts';

export interface MigrationSql {
  readonly up: string;
  readonly down: string;
}

/** Up runs the steps in order; down runs their inverses in reverse, skipping what a DROP in the same down removes anyway. */
export function renderMigration(name: string, changes: readonly Change[]): MigrationSql {
  const steps = changes.map(planChange);
  const created = new Set(changes.flatMap((c) => (c.kind === 'createTable' ? [c.table.name] : c.kind === 'createEnum' ? [c.enum.name] : [])));
  const downSteps = steps.filter((s) => s.droppedWith === null || !created.has(s.droppedWith)).reverse();
  const view = (list: readonly PlannedStep[], pick: (s: PlannedStep) => string) => ({
    header: GENERATED_HEADER,
    name,
    steps: list.map((s) => ({ comment: s.comment, sql: pick(s).trimEnd() })),
  });
  return {
    up: render('migration/up.sql', view(steps, (s) => s.up)),
    down: render('migration/down.sql', view(downSteps, (s) => s.down)),
  };
}
