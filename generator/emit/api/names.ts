/** Names the API derives from table and column names; every one is computed here, before rendering. */

/** `assessment_documents` → `assessment-documents` (the URL segment). */
export const kebab = (name: string): string => name.replaceAll('_', '-');

/** `assessment_results` → `AssessmentResults`. */
export const pascal = (name: string): string =>
  name
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * A readable singular for schema names (`workflows` → `Workflow`, `criteria`
 * stays). English is irregular; a name that would come out wrong only reads
 * oddly in the OpenAPI document, nothing depends on it.
 */
export function singular(name: string): string {
  if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(name)) return name;
  if (/(ch|sh|x)es$/.test(name)) return name.slice(0, -2);
  if (/s$/.test(name)) return name.slice(0, -1);
  return name;
}

/** `workflows` → `Workflow`: the stem of the entity's schema names. */
export const schemaStem = (table: string): string => pascal(singular(table));
