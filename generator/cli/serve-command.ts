import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApiModel } from '../emit/api/api-model.ts';
import { generate } from '../emit/generate.ts';
import { formatDiagnostic, isError } from '../ir/diagnostics.ts';
import { loadModel } from '../model/load.ts';
import type { Db } from '../runtime/db.ts';
import { devToken } from '../runtime/dev-token.ts';
import { migrateUp, readMigrations } from '../runtime/migrations.ts';
import { describeTarget, openDb } from '../runtime/open-db.ts';
import { singleSessionPool, type PoolLike } from '../runtime/pglite-pool.ts';
import { loadSeed } from '../runtime/seed-loader.ts';
import { resolveProfile } from '../runtime/seed-profile.ts';
import { devSecret, refuseInProduction, seededUsers } from './dev-identity.ts';
import { UserError } from './errors.ts';
import { compareFile, GENERATED_DIR, MIGRATIONS_DIR, readApiPackageInputs, readHistory } from './project-files.ts';
import { useTypeScriptLoader } from './typescript-loader.ts';

export interface ServeOptions {
  readonly root: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly seed: boolean;
  readonly logLevel: string;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  readonly until?: Promise<unknown>;
}

/** The part of generated/api this command uses; the generator never imports generated code statically. */
interface GeneratedApp {
  listen(o: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}
interface GeneratedApi {
  buildApp(o: { pool: PoolLike; jwt: { secret: string }; logLevel: string; corsOrigins: string[] }): GeneratedApp;
}
interface GeneratedDb {
  createPgPool(o: { url: string; max: number }): PoolLike;
}
interface GeneratedConfig {
  origins(env: Readonly<Record<string, string | undefined>>): string[];
}

/** CORS_ORIGINS as the deployed server reads it (generated/api/config.ts); without it, the server's own origins. */
export function serveCorsOrigins(config: GeneratedConfig, env: Readonly<Record<string, string | undefined>>, port: number): string[] {
  return env.CORS_ORIGINS?.trim() ? config.origins(env) : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

const SEED_PROFILE = 'default';

/**
 * `gen serve`: migrates (and seeds) the development database — embedded
 * PGlite in .data/ unless DATABASE_URL is given — and runs generated/api on
 * it, printing the URL, the docs and a curl with a development token.
 */
export async function runServe(o: ServeOptions): Promise<number> {
  refuseInProduction('serve');
  const appFile = join(o.root, GENERATED_DIR, 'api', 'app.ts');
  if (!existsSync(appFile)) throw new UserError(`${GENERATED_DIR}/api/app.ts: missing; run \`npx gen\` first`);
  const { ir, diagnostics, seeds } = await loadModel(o.root);
  const errors = diagnostics.filter(isError);
  if (errors.length > 0) {
    for (const d of errors) o.err(formatDiagnostic(d));
    throw new UserError(`the model has ${errors.length} error(s), listed above; fix them and run \`npx gen\` again`);
  }
  const stale = generate(ir, readHistory(o.root).history, {}, readApiPackageInputs(o.root)).files.filter((f) => compareFile(o.root, f) !== 'unchanged');
  if (stale.length > 0) o.err(`warning: ${stale.length} file(s) of ${GENERATED_DIR}/ differ from the model (${stale.slice(0, 3).map((f) => f.path).join(', ')}${stale.length > 3 ? ', …' : ''}); run \`npx gen\` to serve the current model`);

  const dataDir = o.dataDir ?? join(o.root, '.data');
  const where = describeTarget(o.databaseUrl, dataDir);
  const migrations = await readMigrations(join(o.root, MIGRATIONS_DIR));
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir });
  let pool: PoolLike | undefined;
  let app: GeneratedApp | undefined;
  try {
    const ran = await migrateUp(db, migrations);
    o.out(ran.length > 0 ? `migrated ${where}: ${ran.map((m) => m.name).join(', ')}` : `${where} is migrated`);
    if (o.seed) await seed(db, ir, seeds, o);
    const secret = devSecret(dataDir);
    await useTypeScriptLoader();
    const api = (await import(pathToFileURL(appFile).href)) as GeneratedApi;
    if (o.databaseUrl) {
      const { createPgPool } = (await import(pathToFileURL(join(o.root, GENERATED_DIR, 'api', 'db.ts')).href)) as GeneratedDb;
      pool = createPgPool({ url: o.databaseUrl, max: 20 });
    } else pool = singleSessionPool(db);
    const config = (await import(pathToFileURL(join(o.root, GENERATED_DIR, 'api', 'config.ts')).href)) as GeneratedConfig;
    let corsOrigins: string[];
    try {
      corsOrigins = serveCorsOrigins(config, process.env, o.port);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    app = api.buildApp({ pool, jwt: { secret }, logLevel: o.logLevel, corsOrigins });
    let address: string;
    try {
      address = await app.listen({ port: o.port, host: o.host });
    } catch (err) {
      throw new UserError(`cannot listen on ${o.host}:${o.port}: ${(err as Error).message}; pass --port to use another`);
    }
    o.out(`API on ${address} (${where}; development only)`);
    o.out(`  docs:  ${address}/docs   (OpenAPI: ${address}/docs/json)`);
    // users of the profile serve loads (now, or on an earlier start with --no-seed now)
    const users = seededUsers(ir, SEED_PROFILE);
    const user = users.find((u) => u.role === 'admin') ?? users[0];
    if (user) {
      const token = devToken(secret, { userId: user.userId, orgId: user.orgId });
      o.out(`  token: ${user.email} (valid 12 h; \`npx gen token --user <email>\` makes others)`);
      // an example that returns rows: the first listable resource the profile seeds
      const seeded = new Set(ir.seeds.filter((r) => r.profile === SEED_PROFILE).map((r) => r.table));
      const listable = buildApiModel(ir).resources.filter((r) => r.operations.includes('list'));
      const example = listable.find((r) => seeded.has(r.name)) ?? listable[0];
      if (example) o.out(`  try:   curl -H "Authorization: Bearer ${token}" ${address}${example.path}`);
    } else o.out('  token: no seeded users; `npx gen token --user-id <uuid> --org-id <uuid>` makes one');
    o.out('Ctrl+C stops it.');
    await (o.until ?? stopSignal());
    o.out('stopping…');
    return 0;
  } finally {
    await app?.close().catch(() => {});
    if (o.databaseUrl) await pool?.end().catch(() => {});
    await db.close();
  }
}

async function seed(db: Db, ir: Parameters<typeof loadSeed>[1], seeds: Parameters<typeof resolveProfile>[1], o: ServeOptions): Promise<void> {
  if (!seeds?.profiles[SEED_PROFILE]) {
    o.out('no default seed profile in the model: serving without seed data');
    return;
  }
  const profile = resolveProfile(ir, seeds, SEED_PROFILE);
  const result = await loadSeed(db, ir, profile.rows);
  o.out(result.inserted > 0 ? `seeded profile ${SEED_PROFILE}: ${result.inserted} rows inserted` : `seed profile ${SEED_PROFILE} already loaded`);
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => resolve(signal);
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
  });
}
