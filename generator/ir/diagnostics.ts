/**
 * Every problem gen can find in a model. Diagnostics are data first:
 * collected (never stop at the first), then rendered one per line.
 * README's "Diagnostics" table lists the same codes (a test keeps them in step).
 */
export const CODES = {
  'invalid-identifier': 'a name is not a lower-case SQL identifier',
  'identifier-too-long': 'a name is longer than PostgreSQL\'s 63-byte limit',
  'reserved-word': 'a name is a PostgreSQL reserved key word',
  'duplicate-name': 'two things share a name that PostgreSQL keeps in one namespace',
  'unknown-table': 'a reference names an entity the model does not have',
  'unknown-column': 'a reference names a column the entity does not have',
  'unresolved-reference': 'a `references(() => ...)` thunk threw or returned something that is not a column',
  'foreign-column': 'a constraint or index of one entity uses another entity\'s column',
  'fk-type-mismatch': 'a foreign key column\'s type differs from the referenced column\'s',
  'fk-target-not-unique': 'a foreign key references columns that are not a primary key or unique',
  'set-null-not-null': 'ON DELETE/UPDATE SET NULL on a NOT NULL column',
  'missing-primary-key': 'an entity has no primary key',
  'conflicting-primary-key': 'an entity declares more than one primary key',
  'bad-type': 'a column type has impossible parameters',
  'bad-default': 'a default does not fit the column\'s type',
  'enum-conflict': 'two enums share a name but differ in values',
  'empty-enum': 'an enum has no values, or a value twice',
  'bad-identity': 'an identity column that is not smallint, integer or bigint, has a default too, or has impossible sequence options',
  'bad-generated': 'a generated column computes from another entity\'s columns, another generated column or the session, or also has a default, an identity, onUpdateNow or a backfill',
  'bad-updated-at': '`onUpdateNow()` on a column that is not timestamptz',
  'bad-api-option': 'an API option names a column the entity does not have',
  'tenancy-root': 'the tenant root is not an entity marked `tenancy: \'root\'`',
  'tenancy-key': 'a tenant-scoped entity lacks the tenant key, or it is not a NOT NULL uuid referencing the root',
  'tenancy-setting': 'the tenant or user setting is not a dotted custom setting name, or both are the same',
  'tenancy-global-ref': 'a global entity references a tenant-scoped one',
  'missing-tenancy': 'the model has tenancy but an entity does not say whether it is root, scoped or global',
  'audit-table': 'audited entities need an append-only audit table with the columns audit triggers write',
  'audit-entity': 'an entity cannot be audited (no single uuid primary key, global in a tenant model, or the audit table itself)',
  'users-entity': 'the user entity (`defineModel({ users })`) is missing, not tenant-scoped, or its role or active column does not fit',
  'missing-permissions': 'in a model with roles, an entity does not say what each role may do (`permissions`)',
  'permission-role': 'a permission names a role the user entity\'s role column does not have',
  'permission-operation': 'a permission names an unknown operation, or one that cannot apply (a write without select, an insert on the tenant root, a write on the audit table, a condition an operation cannot have)',
  'permission-column': 'a permission\'s columns name a column that operation never writes, or columns on select or delete',
  'tenant-oracle': 'a role may write a value that is unique across tenants, or choose a key the database would otherwise make: a conflict would tell it what another tenant has',
  'api-unserved': 'warning: an exposed entity gets no API routes (its key cannot address a row in a path)',
  'fk-without-index': 'a foreign key has no index starting with its columns (deletes on the parent scan the child)',
  'seed-profile': 'a seed profile is neither a list of rows nor generated({...}), or its name or parameters are bad',
  'seed-unknown-entity': 'a seed row names an entity the model does not have',
  'seed-unknown-column': 'a seed row sets a column its entity does not have',
  'seed-missing-column': 'a seed row leaves out a NOT NULL column that has no default',
  'seed-bad-value': 'a seed value does not fit its column\'s type, or is NULL in a NOT NULL column',
  'seed-generated-column': 'a seed row gives a value to a column the database fills: an identity or generated column',
  'seed-bad-key': 'a seed row\'s key is empty or used twice within its entity',
  'seed-bad-reference': '`ref(...)` on a column without a foreign key, to an entity the column does not reference, or ambiguous',
  'seed-dangling-reference': '`ref(...)` names a seed row the profile does not have',
  'seed-tenant-mismatch': 'a seed row references a row of another tenant',
  'seed-cycle': 'seed rows reference each other in a cycle, so no insert order satisfies every foreign key',
} as const;

export type DiagnosticCode = keyof typeof CODES;

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: DiagnosticCode;
  /** The model file at fault, relative to the project root. */
  readonly source: string;
  /** `entity`, `entity.column` or `entity.constraint`. */
  readonly path: string;
  /** What is wrong, with what was found. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

export const isError = (d: Diagnostic) => d.severity === 'error';

/** `model/schema.ts: workflows.created_by: error: ... — do ... [code]` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.source}: ${d.path}: ${d.severity}: ${d.message}; ${d.hint} [${d.code}]`;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  constructor(private readonly sourceOf: (table: string) => string) {}

  error(code: DiagnosticCode, path: string, message: string, hint: string): void {
    this.push('error', code, path, message, hint);
  }
  warning(code: DiagnosticCode, path: string, message: string, hint: string): void {
    this.push('warning', code, path, message, hint);
  }
  private push(severity: Diagnostic['severity'], code: DiagnosticCode, path: string, message: string, hint: string) {
    const table = path.split('.')[0] ?? '';
    this.list.push({ severity, code, source: this.sourceOf(table), path, message, hint });
  }
  sorted(): Diagnostic[] {
    return [...this.list].sort((a, b) =>
      a.source.localeCompare(b.source) || a.path.localeCompare(b.path) || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
    );
  }
}
