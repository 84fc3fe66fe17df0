import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * drizzle-kit projects for the generator bench, run offline against local files only: a config
 * (dialect postgresql, no database credentials), a schema, `out` beside it. drizzle-kit `generate`
 * compares the schema with the latest snapshot in `out`, `check` checks the snapshots in `out`.
 */
function writeProject(dir: string, root: string): void {
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'drizzle.config.ts'),
    "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' });\n",
  );
}

/** EPIC-01's nine tables (test/bench/drizzle/epic-schema.ts). */
export function writeDrizzleEpicProject(dir: string, root: string): void {
  writeProject(dir, root);
  copyFileSync(join(root, 'test/bench/drizzle/epic-schema.ts'), join(dir, 'schema.ts'));
}

/**
 * The tables `writeSyntheticProject(dir, entities)` (synthetic-model.ts) gives, as gen writes them:
 * `orgs` and `entities` tenant-scoped tables, each referencing up to four earlier ones through the
 * tenant key (so each referenced table has UNIQUE (org_id, id)), with the same columns, defaults,
 * check, indexes and names.
 */
export function writeDrizzleSyntheticProject(dir: string, root: string, entities: number): void {
  writeProject(dir, root);
  const refsOf = (i: number) => [1, 2, 3, 4].map((k) => i - k * 7).filter((j) => j >= 0);
  const referenced = (i: number) => i + 7 < entities;
  const lines = [
    "import { sql } from 'drizzle-orm';",
    "import { boolean, check, foreignKey, index, integer, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';",
    '',
    "export const orgs = pgTable('orgs', { id: uuid('id').primaryKey().defaultRandom(), name: text('name').notNull() });",
  ];
  for (let i = 0; i < entities; i++) {
    const refs = refsOf(i);
    lines.push(
      '',
      `export const e${i} = pgTable('e${i}', {`,
      "  id: uuid('id').primaryKey().defaultRandom(),",
      "  org_id: uuid('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
      "  name: varchar('name', { length: 200 }).notNull(),",
      "  amount: integer('amount').notNull().default(0),",
      "  active: boolean('active').notNull().default(true),",
      "  data: jsonb('data'),",
      "  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
      ...refs.map((j) => `  ref_${j}: uuid('ref_${j}'),`),
      '}, (t) => [',
      `  check('e${i}_amount_check', sql\`\${t.amount} >= 0\`),`,
      ...(referenced(i) ? [`  unique('e${i}_org_id_id_key').on(t.org_id, t.id),`] : []),
      ...refs.map((j) => `  foreignKey({ name: 'e${i}_ref_${j}_fkey', columns: [t.org_id, t.ref_${j}], foreignColumns: [e${j}.org_id, e${j}.id] }).onDelete('${j % 2 ? 'cascade' : 'set null'}'),`),
      `  index('e${i}_org_id_created_at_idx').on(t.org_id, t.created_at),`,
      ...refs.map((j) => `  index('e${i}_ref_${j}_idx').on(t.ref_${j}),`),
      ']);',
    );
  }
  writeFileSync(join(dir, 'schema.ts'), `${lines.join('\n')}\n`);
}
