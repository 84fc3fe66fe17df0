/**
 * What stops a model change from becoming a migration at all, whatever the
 * flags: a rename hint that names nothing, an enum that lost or reordered
 * values. Data first; `formatProblem` renders one line.
 */
export type ProblemCode =
  | 'rename-source-missing'
  | 'rename-source-kept'
  | 'rename-ambiguous'
  | 'enum-value-removed'
  | 'enum-values-reordered';

export interface Problem {
  readonly code: ProblemCode;
  /** `table`, `table.column` or `enum <name>`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export const formatProblem = (p: Problem): string => `${p.path}: ${p.message}; ${p.fix} [${p.code}]`;
