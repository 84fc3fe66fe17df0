import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '../../generator/emit/generate.ts';
import { formatDiagnostic } from '../../generator/ir/diagnostics.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import type { Db } from '../../generator/runtime/db.ts';
import { migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';
import { ROOT } from '../support/db-helpers.ts';

/** The generated app's modules, as generated/api has them (the same runtime, another model's data). */
export interface FixtureApi {
  readonly ir: Ir;
  /** Where gen wrote it: `<dir>/api/*.ts`, `<dir>/migrations/0001_initial/*`, `<dir>/openapi.json`. */
  readonly dir: string;
  readonly app: typeof import('../../generated/api/app.ts');
  readonly model: typeof import('../../generated/api/model.ts');
  readonly schemas: typeof import('../../generated/api/schemas.ts');
  readonly query: typeof import('../../generated/api/query.ts');
  readonly openapi: Record<string, any>;
  /** Applies the model's initial migration. */
  migrate(db: Db): Promise<void>;
}

/**
 * Runs gen on the model in `<root>/model` (e.g. a test/golden case) into `dir` (an empty temporary folder,
 * `tempDirs(...).dir()`, which the test file removes when it ends) and imports the API it wrote. The folder
 * links the project's node_modules, so the app imports fastify and pg as generated/api does.
 */
export async function generateFixtureApi(root: string, dir: string): Promise<FixtureApi> {
  const { ir, diagnostics } = await loadModel(root);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${root}: the model does not validate:\n${errors.map(formatDiagnostic).join('\n')}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const f of generate(ir, { folders: [], latest: null }).files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.contents);
  }
  const load = (name: string) => import(pathToFileURL(join(dir, 'api', name)).href);
  const migrations = await readMigrations(join(dir, 'migrations'));
  return {
    ir,
    dir,
    app: await load('app.ts'),
    model: await load('model.ts'),
    schemas: await load('schemas.ts'),
    query: await load('query.ts'),
    openapi: JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8')),
    migrate: async (db) => {
      await migrateUp(db, migrations);
    },
  };
}
