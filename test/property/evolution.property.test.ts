import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff } from '../../generator/diff/diff.ts';
import { formatProblem } from '../../generator/diff/problems.ts';
import { evolve } from '../../generator/emit/evolve.ts';
import { makeSnapshot, parseSnapshot, renderSnapshot, type Snapshot } from '../../generator/emit/snapshot.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { checksum, migrateDown, migrateUp, type Migration } from '../../generator/runtime/migrations.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';
import { quoteIdent as q } from '../../generator/sql/quote.ts';
import { initialMigration, irOf } from '../support/diff-case.ts';
import { resetPublicSchema } from '../support/engines.ts';
import { applyEdit, editSeed, initialSpec, toModel, valueFor, type ModelSpec } from '../support/random-model.ts';

/**
 * The property that makes schema evolution trustworthy. From a random valid
 * model, a random sequence of valid edits; after each, gen writes the
 * migration (destructive steps allowed) and the runner applies it, with rows
 * in every table. Then:
 * (a) the schema equals that of a fresh database built from the final model's
 *     initial migration;
 * (b) every down, newest first, leaves an empty schema;
 * (c) rows present before each migration are still there after it, with the
 *     same values in every column the migration did not drop or retype.
 * FC_SEED / FC_PATH replay a failure (fast-check prints both); FC_RUNS sets the number of runs, FC_EDITS the longest edit sequence.
 */
const runs = Number(process.env.FC_RUNS ?? 50);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;

let db: Db;
beforeAll(async () => {
  db = await openPglite({});
});
afterAll(() => db?.close());

/** Row n of every table: ids are made from n and the table uid, so rows can be found again after renames. */
const rowId = (table: number, n: number) => `00000000-0000-4000-8000-${String(table).padStart(4, '0')}${String(n).padStart(8, '0')}`;

async function insertRows(tx: Queryable, spec: ModelSpec, n: number): Promise<void> {
  for (const t of spec.tables) {
    const cols = t.columns.filter((c) => c.type !== 'uuid');
    const names = ['id', ...cols.map((c) => c.name)];
    const values = [rowId(t.uid, n), ...cols.map((c) => valueFor(c.type, n))];
    await tx.query(`insert into ${q(t.name)} (${names.map(q).join(', ')}) values (${names.map((_, i) => `$${i + 1}`).join(', ')})`, values);
  }
}

/** Every row of every table as text, keyed by table uid, row id and column uid. */
async function readRows(tx: Queryable, spec: ModelSpec): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const t of spec.tables) {
    const cols = t.columns.map((c) => `${q(c.name)}::text as ${q(`c${c.uid}`)}`);
    const { rows } = await tx.query<Record<string, string | null>>(`select id::text as id${cols.length ? `, ${cols.join(', ')}` : ''} from ${q(t.name)}`);
    for (const r of rows) {
      out.set(`${t.uid}/${r.id}`, null);
      for (const c of t.columns) out.set(`${t.uid}/${r.id}/${c.uid}`, r[`c${c.uid}`] ?? null);
    }
  }
  return out;
}

/** What must survive a migration from `a` to `b`: rows of tables both have, values of columns both have with the same type. */
function survivors(a: ModelSpec, b: ModelSpec, rows: Map<string, string | null>): Map<string, string | null> {
  const kept = new Map<string, string | null>();
  for (const [key, value] of rows) {
    const [table, , column] = key.split('/');
    const tb = b.tables.find((t) => t.uid === Number(table));
    if (!tb) continue;
    if (column !== undefined) {
      const before = a.tables.find((t) => t.uid === Number(table))!.columns.find((c) => c.uid === Number(column))!;
      const after = tb.columns.find((c) => c.uid === Number(column));
      if (!after || after.type !== before.type) continue;
      // a NULL the migration fills because the column became NOT NULL (its backfill is the default): checked as such
      if (value === null && after.notNull && !before.notNull) {
        kept.set(key, `=${after.default}`);
        continue;
      }
    }
    kept.set(key, value);
  }
  return kept;
}

function snapshotOf(ir: Ir, parent: string | null): Snapshot {
  // through the file format, as gen reads it back
  return parseSnapshot(renderSnapshot(makeSnapshot(ir, parent)), 'snapshot.json');
}

describe('schema evolution property (PGlite)', () => {
  it(`random models and edits: migrated = fresh, down to empty, rows survive (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(initialSpec, fc.array(editSeed, { minLength: 1, maxLength: Number(process.env.FC_EDITS ?? 6) }), async (start, edits) => {
        await resetPublicSchema(db);
        const empty = await readCatalog(db);
        let spec = start;
        let ir = irOf(toModel(spec), 'initial model');
        const first = initialMigration(ir);
        const migrations: Migration[] = [first];
        await migrateUp(db, migrations);
        let snapshot = snapshotOf(ir, null);
        const steps: string[] = [];
        let n = 0;
        for (const e of edits) {
          const edited = applyEdit(spec, e);
          if (!edited) continue;
          const nextIr = irOf(toModel(edited.spec), `after: ${[...steps, edited.label].join(' → ')}`);
          const { problems } = diff(snapshot.ir, nextIr);
          expect(problems.map(formatProblem), `a valid edit (${edited.label}) has no problems`).toEqual([]);
          const folders = migrations.map((m) => m.name);
          const { files, pending } = evolve(nextIr, folders, snapshot, { name: `edit_${migrations.length}`, allowDestructive: true });
          steps.push(edited.label);
          if (!pending) {
            spec = edited.spec;
            continue;
          }
          await db.transaction((tx) => insertRows(tx, spec, ++n));
          const rowsBefore = await readRows(db, spec);
          for (const folder of pending.written) {
            const up = files.find((f) => f.path === `migrations/${folder}/up.sql`)!.contents;
            const down = files.find((f) => f.path === `migrations/${folder}/down.sql`)!.contents;
            migrations.push({ version: Number(folder.slice(0, 4)), name: folder, up, down, checksum: checksum(up, down) });
          }
          await migrateUp(db, migrations);
          // (c) rows and the values of columns kept as they were survive
          const rowsAfter = await readRows(db, edited.spec);
          for (const [key, value] of survivors(spec, edited.spec, rowsBefore)) {
            const actual = rowsAfter.get(key);
            // `=x`: filled with the default x (compared as a number when it is one: numeric(14,4) prints 1.5 as 1.5000)
            if (value?.startsWith('=')) expect(Number.isNaN(Number(value.slice(1))) ? actual : Number(actual), `${key} after ${edited.label}`).toBe(Number.isNaN(Number(value.slice(1))) ? value.slice(1) : Number(value.slice(1)));
            else expect(actual, `${key} after ${edited.label}`).toBe(value);
          }
          spec = edited.spec;
          ir = nextIr;
          snapshot = snapshotOf(ir, snapshot.id);
        }
        // (a) migrated schema = fresh schema of the final model
        const migrated = await readCatalog(db);
        // (b) every down, newest first, leaves nothing
        // (the rows go first: a down that re-adds a dropped NOT NULL column cannot fill it)
        if (spec.tables.length > 0) await db.exec(`truncate ${spec.tables.map((t) => q(t.name)).join(', ')} cascade`);
        await migrateDown(db, migrations, { to: 0 });
        expect(await readCatalog(db), 'all downs leave an empty schema').toEqual(empty);
        await migrateUp(db, [initialMigration(ir)]);
        expect(migrated, `migrated through: ${steps.join(' → ')}`).toEqual(await readCatalog(db));
        await migrateDown(db, [initialMigration(ir)], { to: 0 });
      }),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }), endOnFailure: false },
    );
  });
});
