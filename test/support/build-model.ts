import { defineModel, type Model } from '../../generator/dsl/model.ts';
import { buildIr } from '../../generator/model/build-ir.ts';
import { Diagnostics, type Diagnostic } from '../../generator/ir/diagnostics.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { validateIr } from '../../generator/ir/validate.ts';

/** Builds and validates an in-memory model, as gen does, without files. */
export function build(schema: Record<string, unknown>, tenancy?: Model['tenancy']): { ir: Ir; diagnostics: Diagnostic[] } {
  const model = defineModel(tenancy ? { schema, tenancy } : { schema });
  const d = new Diagnostics(() => 'model/test.ts');
  const ir = buildIr(model, { comments: {}, files: {} }, d);
  validateIr(ir, d);
  return { ir, diagnostics: d.sorted() };
}

export const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.path}`);
