import { isSeedGenerator, type SeedGenerator, type SeedSpec } from '../dsl/seed.ts';
import { SeedCompiler } from '../ir/seed-compile.ts';
import type { Ir, SeedRow } from '../ir/types.ts';
import { SeedError } from './seed-error.ts';

export interface ResolvedProfile {
  readonly name: string;
  /** Rows in an order where each comes after the rows it references (static: any order, see `chunked`). */
  readonly rows: Iterable<SeedRow>;
  /** Rows expected, for the progress line; null when the generator does not say. */
  readonly total: number | null;
  /** Generated profiles stream: rows are inserted in chunks while they are generated. */
  readonly generated: boolean;
  /** The parameters used (defaults overridden by the caller's). */
  readonly params: Readonly<Record<string, number>>;
}

/**
 * The rows of profile `name`: a static profile's are the IR's (checked at gen
 * time); a generated profile's are compiled as they are produced, and the
 * first bad row stops the load with its problems.
 */
export function resolveProfile(ir: Ir, spec: SeedSpec | null, name: string, params: Readonly<Record<string, number | undefined>> = {}): ResolvedProfile {
  const given = Object.entries(params).filter((e): e is [string, number] => e[1] !== undefined);
  const profile = spec?.profiles[name];
  if (profile === undefined) {
    const names = Object.keys(spec?.profiles ?? {}).sort();
    throw new SeedError(names.length === 0
      ? 'the model has no seeds: add model/seed.ts with defineSeeds({ default: [...] }) and pass it to defineModel({ seeds })'
      : `no seed profile "${name}"; the model has: ${names.join(', ')}`);
  }
  if (!isSeedGenerator(profile)) {
    if (given.length > 0) throw new SeedError(`profile ${name} is a fixed list of rows and takes no parameters (got ${given.map(([k]) => `--${k}`).join(', ')})`);
    const rows = ir.seeds.filter((r) => r.profile === name);
    return { name, rows, total: rows.length, generated: false, params: {} };
  }
  const g = profile as SeedGenerator;
  const merged: Record<string, number> = { ...g.params };
  for (const [k, v] of given) {
    if (!(k in g.params)) throw new SeedError(`profile ${name} takes ${Object.keys(g.params).map((p) => `--${p}`).join(', ')}; not --${k}`);
    if (!Number.isInteger(v) || v < 0) throw new SeedError(`--${k} must be a whole number ≥ 0, got ${v}`);
    merged[k] = v;
  }
  return { name, rows: compileStream(ir, name, g, merged), total: g.count?.(merged) ?? null, generated: true, params: merged };
}

function* compileStream(ir: Ir, name: string, g: SeedGenerator, params: Record<string, number>): Generator<SeedRow> {
  const problems: string[] = [];
  const compiler = new SeedCompiler(ir, name, (code, path, message, hint) => problems.push(`${path}: ${message}; ${hint} [${code}]`), true);
  let i = 0;
  for (const spec of g.rows(params)) {
    const row = compiler.compileNext(spec, i++);
    if (!row || problems.length > 0)
      throw new SeedError(`profile ${name} (${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')}) produced a bad row; nothing was written:\n  ${problems.join('\n  ')}`);
    yield row;
  }
}
