import { BASE64_PATTERN, INTERVAL_PATTERN, TIME_PATTERN } from '../../ir/seed-values.ts';
import type { Ir } from '../../ir/types.ts';
import type { GeneratedFile } from '../generate.ts';
import { GENERATED_HEADER } from '../header.ts';
import { render } from '../templates.ts';
import { buildApiModel } from './api-model.ts';
import { buildOpenApi, swaggerOptions } from './openapi.ts';
import { renderApiPackage, type PackageLock, type RootPackage } from './package.ts';
import { buildSchemas, DEFAULT_LIMIT, MAX_BULK, MAX_LIMIT } from './routes.ts';

/** Rows one create request may insert, nested children included. */
export const MAX_ROWS_PER_REQUEST = 10_000;

/** The generic runtime: templates with nothing model-specific but the header. */
const RUNTIME = ['app.ts', 'auth.ts', 'config.ts', 'crud.ts', 'db.ts', 'errors.ts', 'input.ts', 'query.ts', 'routes.ts', 'server.ts', 'tsconfig.json', 'types.ts', 'validation.ts'];

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The project's root package.json and package-lock.json, from which the API's own package is derived. */
export interface ApiPackageInputs {
  readonly lock: PackageLock;
  readonly root: RootPackage;
}

/**
 * `generated/api/*` (a self-contained Fastify app) and `generated/openapi.json`; with the project's lock,
 * also the API's own package.json and package-lock.json (a deployable package).
 */
export function renderApi(ir: Ir, pkg?: ApiPackageInputs): GeneratedFile[] {
  const model = buildApiModel(ir);
  const schemas = buildSchemas(ir, model);
  const header = GENERATED_HEADER;
  // the text forms the schemas require of time, interval and bytea values, as JavaScript string literals
  const patterns = { timePattern: JSON.stringify(TIME_PATTERN), intervalPattern: JSON.stringify(INTERVAL_PATTERN), base64Pattern: JSON.stringify(BASE64_PATTERN) };
  const files: GeneratedFile[] = RUNTIME.map((name) => ({ path: `api/${name}`, contents: render(`api/${name}`, { header, ...patterns }) }));
  files.push(
    {
      path: 'api/model.ts',
      contents: render('api/model.ts', {
        header,
        tenancy: json(model.tenancy),
        limits: json({ maxBulk: MAX_BULK, maxRowsPerRequest: MAX_ROWS_PER_REQUEST, maxLimit: MAX_LIMIT, defaultLimit: DEFAULT_LIMIT }),
        resources: json(model.resources),
        constraints: json(model.constraints),
      }),
    },
    {
      path: 'api/schemas.ts',
      contents: render('api/schemas.ts', { header, openapi: json(swaggerOptions(schemas)), components: json(schemas.components), routes: json(schemas.routes) }),
    },
    { path: 'openapi.json', contents: `${json(buildOpenApi(schemas))}\n` },
  );
  if (pkg) files.push(...renderApiPackage(files.filter((f) => f.path.startsWith('api/')), pkg.lock, pkg.root, header));
  return files;
}
