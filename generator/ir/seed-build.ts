import { isSeedGenerator, type SeedGenerator, type SeedSpec } from '../dsl/seed.ts';
import { SeedCompiler, type SeedReport } from './seed-compile.ts';
import { describeCycle, orderSeedRows } from './seed-order.ts';
import type { Ir, SeedRow } from './types.ts';

export const PROFILE_NAME = /^[a-z][a-z0-9_-]*$/;
/** A generated profile is checked at `gen` time with its default parameters, up to this many problems. */
const MAX_GENERATED_PROBLEMS = 20;

/**
 * The IR's seed rows: every static profile, compiled and checked. Generated
 * profiles are functions, so they stay out of the IR; `gen` runs each once
 * with its default parameters to report its problems early.
 */
export function buildSeeds(spec: SeedSpec | undefined, ir: Ir, report: SeedReport): SeedRow[] {
  if (!spec) return [];
  const rows: SeedRow[] = [];
  for (const name of Object.keys(spec.profiles).sort()) {
    const profile = spec.profiles[name];
    if (!PROFILE_NAME.test(name))
      report('seed-profile', `seeds.${name}`, `profile name "${name}" is not a lower-case word`, 'use letters, digits, - and _, starting with a letter (e.g. default, load)');
    if (Array.isArray(profile)) {
      const compiled = new SeedCompiler(ir, name, report).compileAll(profile);
      const order = orderSeedRows(compiled);
      if (!order.ok)
        report('seed-cycle', `seeds.${name}`, `rows reference each other in a cycle: ${describeCycle(order)}`, 'no insert order satisfies every foreign key; leave one of these references NULL in the seed');
      rows.push(...compiled);
    } else if (isSeedGenerator(profile)) {
      checkGenerator(name, profile, ir, report);
    } else {
      report('seed-profile', `seeds.${name}`, 'is neither a list of rows nor generated({...})', 'give a list of row(...) or a generated({ params, rows }) profile');
    }
  }
  return rows;
}

function checkGenerator(name: string, g: SeedGenerator, ir: Ir, report: SeedReport): void {
  for (const [param, value] of Object.entries(g.params))
    if (!Number.isInteger(value) || value < 0)
      report('seed-profile', `seeds.${name}`, `parameter ${param} defaults to ${String(value)}`, 'give every parameter a whole-number default ≥ 0');
  let problems = 0;
  const counting: SeedReport = (...args) => {
    if (++problems <= MAX_GENERATED_PROBLEMS) report(...args);
  };
  const compiler = new SeedCompiler(ir, name, counting, true);
  const rows: SeedRow[] = [];
  let i = 0;
  try {
    for (const spec of g.rows({ ...g.params })) {
      const row = compiler.compileNext(spec, i++);
      if (row) rows.push(row);
      if (problems >= MAX_GENERATED_PROBLEMS) return;
    }
  } catch (err) {
    report('seed-profile', `seeds.${name}`, `its rows() threw with the default parameters: ${(err as Error).message}`, 'fix the generator of this profile');
    return;
  }
  const order = orderSeedRows(rows);
  if (!order.ok)
    report('seed-cycle', `seeds.${name}`, `rows reference each other in a cycle: ${describeCycle(order)}`, 'no insert order satisfies every foreign key; leave one of these references NULL');
}
