import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kinds of change `changed` applies, one per changed entity, in turn. */
export const CHANGE_KINDS = ['add a column', 'drop a column', 'change a default', 'add an index', 'widen a varchar'] as const;

/**
 * Writes a project with a synthetic model of `entities` tenant-scoped
 * entities and about `4 × entities` relations (each entity references up to
 * four earlier ones, with an index per foreign key), for generator benchmarks.
 *
 * `changed` > 0 alters that many entities (spread evenly), one change each,
 * cycling through CHANGE_KINDS: the "after" side of a snapshot diff.
 */
export function writeSyntheticProject(dir: string, entities: number, generatorDir: string, changed = 0): void {
  mkdirSync(join(dir, 'model'), { recursive: true });
  symlinkSync(generatorDir, join(dir, 'generator'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const step = changed > 0 ? Math.floor(entities / changed) : 0;
  const changeOf = (i: number): (typeof CHANGE_KINDS)[number] | null =>
    changed > 0 && i % step === 0 && i / step < changed ? CHANGE_KINDS[(i / step) % CHANGE_KINDS.length]! : null;
  const lines = [
    "import { boolean, defineModel, entity, index, integer, jsonb, text, timestamptz, uuid, varchar, type ColumnRef } from '../generator/dsl/index.ts';",
    '',
    "/** The tenant. */",
    "export const orgs = entity('orgs', { id: uuid().primaryKey().defaultRandom(), name: text().notNull() }, { tenancy: 'root' });",
  ];
  for (let i = 0; i < entities; i++) {
    const refs = [1, 2, 3, 4].map((k) => i - k * 7).filter((j) => j >= 0);
    const change = changeOf(i);
    lines.push(
      '',
      `/** Synthetic entity ${i}. */`,
      `export const e${i} = entity('e${i}', {`,
      "  id: uuid().primaryKey().defaultRandom(),",
      "  org_id: uuid().notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
      `  /** Name of ${i}. */`,
      `  name: varchar(${change === 'widen a varchar' ? 300 : 200}).notNull(),`,
      `  amount: integer().notNull().default(${change === 'change a default' ? 1 : 0}).min(0),`,
      "  active: boolean().notNull().default(true),",
      ...(change === 'drop a column' ? [] : ['  data: jsonb(),']),
      ...(change === 'add a column' ? ['  /** Added by the change. */', '  note: text(),'] : []),
      "  created_at: timestamptz().notNull().defaultNow(),",
      ...refs.map((j) => `  ref_${j}: uuid().references((): ColumnRef => e${j}.id, { onDelete: '${j % 2 ? 'cascade' : 'setNull'}' }),`),
      '}, {',
      "  tenancy: 'scoped',",
      `  constraints: (t) => [index(t.org_id, t.created_at)${change === 'add an index' ? ', index(t.org_id, t.name)' : ''}${refs.map((j) => `, index(t.ref_${j})`).join('')}],`,
      '});',
    );
  }
  lines.push('', `export default defineModel({ schema: { orgs, ${Array.from({ length: entities }, (_, i) => `e${i}`).join(', ')} }, tenancy: { root: orgs, key: 'org_id' } });`, '');
  writeFileSync(join(dir, 'model/index.ts'), lines.join('\n'));
}
