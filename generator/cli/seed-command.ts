import { irId } from '../emit/snapshot.ts';
import { SeedError } from '../runtime/seed-error.ts';
import { DEFAULT_CHUNK_ROWS, loadSeed, type SeedProgress } from '../runtime/seed-loader.ts';
import { resolveProfile } from '../runtime/seed-profile.ts';
import { UserError } from './errors.ts';
import { loadValidModel, openMigrated } from './open-migrated.ts';
import { MIGRATIONS_DIR, readHistory } from './project-files.ts';

export interface SeedOptions {
  readonly root: string;
  readonly profile: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** Parameters of a generated profile (`--orgs`, `--workflows`, `--seed`); undefined ones keep the profile's defaults. */
  readonly params: Readonly<Record<string, number | undefined>>;
  readonly batchRows?: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Milliseconds between progress lines. */
  readonly progressEveryMs?: number;
}

const n = (x: number) => x.toLocaleString('en-US');

/** `gen seed`: loads a profile into a migrated database, as its owner, in one transaction. */
export async function runSeed(o: SeedOptions): Promise<number> {
  const { ir, seeds } = await loadValidModel(o, 'seed');
  const profile = guard(() => resolveProfile(ir, seeds, o.profile, o.params));
  const { history } = readHistory(o.root);
  if (history.latest && history.latest.id !== irId({ ...ir, seeds: [] }))
    o.err(`warning: the model differs from ${MIGRATIONS_DIR}/${history.folders.at(-1)}/snapshot.json; the seed is checked against the model, the database has the migrated schema (run \`npx gen\` and migrate first)`);
  const { db, where } = await openMigrated(o, 'seed');
  try {
    const params = Object.entries(profile.params).map(([k, v]) => `${k}=${v}`).join(', ');
    const label = `profile ${profile.name}${params ? ` (${params})` : ''}`;
    if (profile.generated) o.out(`seeding ${label} on ${where}${profile.total ? `: ${n(profile.total)} rows` : ''}`);
    let lastProgress = performance.now();
    const progress = (p: SeedProgress) => {
      const now = performance.now();
      if (now - lastProgress < (o.progressEveryMs ?? 1000)) return;
      lastProgress = now;
      const pct = p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
      o.out(`  ${n(p.done)}${p.total ? ` / ${n(p.total)}` : ''} rows${pct}, ${n(Math.round(p.done / (p.ms / 1000)))} rows/s`);
    };
    const result = await guard(() =>
      loadSeed(db, ir, profile.rows, {
        batchRows: o.batchRows,
        chunkRows: profile.generated ? DEFAULT_CHUNK_ROWS : undefined,
        total: profile.total,
        onProgress: progress,
      }),
    );
    const existing = result.rows - result.inserted;
    const rate = result.ms > 0 ? `, ${n(Math.round(result.rows / (result.ms / 1000)))} rows/s` : '';
    o.out(
      `seeded ${label} on ${where}: ${n(result.rows)} rows in ${result.tables.length} tables, ` +
        `${n(result.inserted)} inserted, ${n(existing)} already present${result.inserted === 0 ? ' (nothing changed)' : ''} ` +
        `in ${(result.ms / 1000).toFixed(2)} s${rate}`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

/** A seed problem is the user's to fix: one message, exit 1. */
function guard<T>(task: () => T): T {
  const wrap = (err: unknown): never => {
    if (err instanceof SeedError) throw new UserError(err.message);
    throw err;
  };
  try {
    const value = task();
    return (value instanceof Promise ? value.catch(wrap) : value) as T;
  } catch (err) {
    return wrap(err);
  }
}
