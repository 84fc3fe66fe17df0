import type { GeneratedFile } from '../generate.ts';

/**
 * generated/api as a package of its own: package.json with exact versions and a package-lock.json, both
 * derived from the project's root package-lock.json, so the deployed API runs the very versions the
 * project tested. The lock is the transitive closure of the API's dependencies in the root lock, each
 * entry kept at the path npm installed it (a hoisted layout that already resolves), with the dev and
 * optional flags recomputed for this smaller tree.
 */

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [key: string]: unknown;
}

export interface PackageLock {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

export interface RootPackage {
  readonly name?: string;
  readonly version?: string;
  readonly engines?: Readonly<Record<string, string>>;
}

/** What the API needs to be built, beside its runtime dependencies. */
export const API_DEV_DEPENDENCIES = ['@types/node', '@types/pg', 'typescript'];

export class ApiPackageError extends Error {
  override readonly name = 'ApiPackageError';
}

/** The npm packages the rendered API sources import (`@scope/name` or `name`), sorted. */
export function importedPackages(files: readonly GeneratedFile[]): string[] {
  const found = new Set<string>();
  for (const f of files) {
    if (!f.path.endsWith('.ts')) continue;
    for (const [, spec] of f.contents.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) {
      if (spec!.startsWith('.') || spec!.startsWith('node:')) continue;
      const parts = spec!.split('/');
      found.add(spec!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return [...found].sort();
}

/** Where node would find `name` from the package at `from` (a lock path), as the root lock laid it out. */
function resolve(lock: PackageLock, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at === -1 ? '' : dir.slice(0, at);
  }
}

interface Edge {
  readonly name: string;
  readonly optional: boolean;
}

function edges(entry: LockEntry): Edge[] {
  const out: Edge[] = [];
  for (const name of Object.keys(entry.dependencies ?? {})) out.push({ name, optional: false });
  for (const name of Object.keys(entry.optionalDependencies ?? {})) out.push({ name, optional: true });
  for (const name of Object.keys(entry.peerDependencies ?? {})) out.push({ name, optional: entry.peerDependenciesMeta?.[name]?.optional === true });
  return out;
}

/** Lock paths reachable from `roots`; `requiredOnly` follows no optional edge. */
function closure(lock: PackageLock, roots: readonly string[], requiredOnly: boolean): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const name of roots) {
    const path = resolve(lock, '', name);
    if (!path) throw new ApiPackageError(`package-lock.json: ${name} is not installed at the project root; add it to package.json and run npm install`);
    queue.push(path);
  }
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const e of edges(lock.packages[path]!)) {
      if (requiredOnly && e.optional) continue;
      const dep = resolve(lock, path, e.name);
      if (dep) queue.push(dep);
      else if (!e.optional) throw new ApiPackageError(`package-lock.json: ${path.replace(/^.*node_modules\//, '')} needs ${e.name}, which the lock does not have; run npm install`);
    }
  }
  return seen;
}

const sortKeys = <T>(o: Readonly<Record<string, T>>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function renderApiPackage(sources: readonly GeneratedFile[], lock: PackageLock, root: RootPackage, header: string): GeneratedFile[] {
  const prod = importedPackages(sources);
  const dev = API_DEV_DEPENDENCIES.filter((d) => !prod.includes(d));
  const exact = (name: string) => {
    const v = lock.packages[`node_modules/${name}`]?.version;
    if (!v) throw new ApiPackageError(`package-lock.json: ${name} is not installed at the project root; add it to package.json and run npm install`);
    return v;
  };
  const dependencies = Object.fromEntries(prod.map((n) => [n, exact(n)]));
  const devDependencies = Object.fromEntries(dev.map((n) => [n, exact(n)]));
  const name = `${root.name ?? 'app'}-api`;
  const version = root.version ?? '0.0.0';
  const engines = root.engines ? { engines: sortKeys(root.engines) } : {};
  const pkg = {
    '//': header,
    name,
    version,
    private: true,
    description: 'The generated Fastify API: npm ci && npm run build && npm start (see the README, Deploy).',
    type: 'module',
    ...engines,
    // exec: npm's shell becomes node, so the SIGTERM npm forwards reaches the server (a shell in between would orphan it)
    scripts: { build: 'tsc -p tsconfig.json', start: 'exec node dist/server.js' },
    dependencies,
    devDependencies,
  };

  const prodAny = closure(lock, prod, false);
  const prodRequired = closure(lock, prod, true);
  const allAny = closure(lock, [...prod, ...dev], false);
  const allRequired = closure(lock, [...prod, ...dev], true);
  const packages: Record<string, unknown> = { '': { name, version, dependencies, devDependencies, ...engines } };
  for (const path of [...allAny].sort()) {
    const { dev: _d, optional: _o, devOptional: _do, peer: _p, ...entry } = lock.packages[path]!;
    let flags: Record<string, boolean> = {};
    if (prodRequired.has(path)) flags = {};
    else if (prodAny.has(path)) flags = allRequired.has(path) ? { devOptional: true } : { optional: true };
    else flags = allRequired.has(path) ? { dev: true } : { dev: true, optional: true };
    packages[path] = { ...entry, ...flags };
  }
  return [
    { path: 'api/package.json', contents: json(pkg) },
    { path: 'api/package-lock.json', contents: json({ name, version, lockfileVersion: 3, requires: true, packages }) },
  ];
}
