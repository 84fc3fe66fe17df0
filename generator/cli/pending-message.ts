import type { PendingChange } from '../emit/evolve.ts';
import { MIGRATIONS_DIR } from './project-files.ts';

const bullets = (lines: readonly string[]) => lines.map((l) => `  - ${l}`).join('\n');

/** `the model differs from generated/migrations/0001_initial/snapshot.json (added: x; changed: y)` */
export function pendingLine(p: PendingChange): string {
  const parts = [
    p.added.length ? `added: ${p.added.join(', ')}` : '',
    p.removed.length ? `removed: ${p.removed.join(', ')}` : '',
    p.changed.length ? `changed: ${p.changed.join(', ')}` : '',
  ].filter(Boolean);
  return `the model differs from ${MIGRATIONS_DIR}/${p.since}/snapshot.json (${parts.join('; ') || 'changed: schema objects'})`;
}

/** Why gen wrote no migration for a pending change, and the command or edit that does. */
export function pendingRefusal(p: PendingChange, name: string | undefined): string {
  if (p.problems.length > 0)
    return `${pendingLine(p)}, but it cannot become a migration:\n${bullets(p.problems)}\nfix the model, then run \`npx gen --name ${name ?? '<slug>'}\``;
  if (name !== undefined)
    return (
      `refusing to write migration ${name}: ${p.hazards.length} destructive step(s) would lose data or fail on existing rows:\n${bullets(p.hazards)}\n` +
      `change the model as suggested, or run \`npx gen --name ${name} --allow-destructive\` if that is intended (up.sql marks each such step with -- DESTRUCTIVE)`
    );
  return (
    `${pendingLine(p)}; not yet captured in a migration. It would:\n${bullets(p.steps)}\n` +
    `write it as the next migration with \`npx gen --name <slug>\` (lower-case letters, digits and _, e.g. add_workflow_slug)` +
    (p.locks.length > 0 ? `; ${p.locks.length} step(s) would lock a table for as long as its size makes them take:\n${bullets(p.locks)}` : '') +
    (p.hazards.length > 0 ? `; it has ${p.hazards.length} destructive step(s), which also need --allow-destructive:\n${bullets(p.hazards)}` : '')
  );
}

/** One line per step of a written migration that holds a table lock for long (up.sql marks them `-- LOCKS:`). */
export function lockLines(p: PendingChange): string[] {
  if (p.locks.length === 0) return [];
  return [`${p.locks.length} step(s) lock a table for as long as its size makes them take (marked -- LOCKS: in up.sql):`, ...p.locks.map((l) => `  - ${l}`)];
}
