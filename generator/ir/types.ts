/**
 * The intermediate representation: plain, JSON-serialisable, sorted data.
 * No classes, no functions. Every later stage (validation, diff, emitters,
 * snapshots) reads only this.
 */

/** Bumped whenever the snapshot shape changes incompatibly. */
export const IR_FORMAT_VERSION = 1;

/**
 * Version of schemagen's SQL library (the functions behind triggers, policies and requests).
 * 1: the first release; 2: every function pins its search_path, audit rows are written by a
 * SECURITY DEFINER function, roles and membership are read from the user row, audit chain.
 * Snapshots record it, so a migration replaces the functions of an older version.
 */
export const LIBRARY_VERSION = 2;

export type ColumnType =
  | { readonly kind: 'uuid' }
  | { readonly kind: 'text' }
  | { readonly kind: 'varchar'; readonly length: number }
  /** character(n): blank-padded to n; trailing blanks are not part of the value. */
  | { readonly kind: 'char'; readonly length: number }
  /** citext (the extension of that name): text compared case-insensitively. */
  | { readonly kind: 'citext' }
  | { readonly kind: 'smallint' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'numeric'; readonly precision: number | null; readonly scale: number | null }
  | { readonly kind: 'real' }
  /** double precision */
  | { readonly kind: 'double' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'timestamptz' }
  | { readonly kind: 'date' }
  /** time without time zone: a time of day. */
  | { readonly kind: 'time' }
  | { readonly kind: 'interval' }
  | { readonly kind: 'bytea' }
  | { readonly kind: 'jsonb' }
  | { readonly kind: 'inet' }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'array'; readonly of: ColumnType };

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export type ColumnDefault =
  /** A constant; rendered as a typed SQL literal. */
  | { readonly kind: 'literal'; readonly value: JsonValue }
  | { readonly kind: 'now' }
  | { readonly kind: 'randomUuid' }
  /** Raw SQL expression, written by the model author (e.g. `sql\`...\``). */
  | { readonly kind: 'sql'; readonly expr: string };

/**
 * `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (...)`: the column takes the next value of its own sequence.
 * Options are whole numbers as strings (a bigint's may pass 2^53); null leaves PostgreSQL's default.
 */
export interface Identity {
  /** `always`: only the database sets it (an insert or update naming it fails); `byDefault`: a value given wins. */
  readonly generation: 'always' | 'byDefault';
  readonly start: string | null;
  readonly increment: string | null;
  readonly minValue: string | null;
  readonly maxValue: string | null;
  readonly cache: string | null;
  readonly cycle: boolean;
}

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
  readonly default: ColumnDefault | null;
  /** An identity column (absent otherwise: snapshots of columns without one do not mention it). */
  readonly identity?: Identity;
  /**
   * GENERATED ALWAYS AS (<this>) STORED: the SQL expression computing the column from its row, identifiers
   * quoted (absent for a column the application writes).
   */
  readonly generated?: string;
  readonly comment: string | null;
  /** Kept current by a BEFORE UPDATE trigger (`updated_at`). */
  readonly updatedAt: boolean;
  /** Left out of audit payloads and logs (e.g. password hashes). */
  readonly sensitive: boolean;
  /** Set on insert, never updated by the application (e.g. created_at). */
  readonly immutable: boolean;
  /** Previous name, for an explicit rename in a later migration. */
  readonly renamedFrom: string | null;
  /**
   * SQL filling existing rows when a later migration adds this column as NOT NULL
   * or sets NOT NULL on it (`.backfill(sql\`...\`)`). A hint for one migration:
   * snapshots do not record it.
   */
  readonly backfill: string | null;
}

export type ReferentialAction = 'cascade' | 'setNull' | 'restrict' | 'noAction';

export interface PrimaryKey {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface Unique {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface Check {
  readonly name: string;
  /** SQL boolean expression over the table's columns, identifiers quoted. */
  readonly expr: string;
}

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  /**
   * For `ON DELETE SET NULL (cols)` (PostgreSQL 15+): the columns to null.
   * Null means all; a tenant-safe composite key nulls only the reference,
   * never the tenant key.
   */
  readonly onDeleteSetColumns: readonly string[] | null;
}

export type Privilege = 'select' | 'insert' | 'update' | 'delete';
export type PolicyCommand = 'select' | 'insert' | 'update' | 'delete' | 'all';

/** A permissive row-level-security policy. Expressions are SQL, identifiers quoted. */
export interface Policy {
  readonly name: string;
  readonly command: PolicyCommand;
  /**
   * `public`: everyone, the owner included (FORCE). `owner`: only the role
   * running the migration, so the application role's plans never carry the
   * owner's OR branch (which would stop the planner from using indexes).
   * A list: those database roles (one per role of the model).
   */
  readonly to: 'public' | 'owner' | readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

/**
 * Privileges of one database role on one table; `updateColumns` limits UPDATE to those columns,
 * `insertColumns` INSERT and `selectColumns` SELECT (null: the whole table).
 */
export interface Grant {
  readonly role: string;
  readonly privileges: readonly Privilege[];
  readonly updateColumns: readonly string[] | null;
  readonly insertColumns: readonly string[] | null;
  readonly selectColumns: readonly string[] | null;
}

/** What one role of the model may do on one table (`permissions` in the entity's options). */
export interface Permission {
  readonly role: string;
  readonly operation: Privilege;
  /** Rows it may read, change or delete, beyond the tenant's (SQL, identifiers quoted); null: all of them. */
  readonly using: string | null;
  /** What a row it inserts or updates must satisfy; null: `using` (update) or anything (insert). */
  readonly withCheck: string | null;
  /** Insert and update: the columns it may write. Null for select and delete. */
  readonly columns: readonly string[] | null;
}

/**
 * `keepRole`: the last active holder of `AuthConfig.keepOne` in an organization cannot go.
 * `auditChain`: links each new audit row to its organization's previous one (`AuditConfig.chain`).
 */
export type TriggerKind = 'updatedAt' | 'audit' | 'appendOnly' | 'keepRole' | 'auditChain';

/** A trigger calling one of schemagen's library functions (named by `kind`). */
export interface Trigger {
  readonly name: string;
  readonly kind: TriggerKind;
  readonly timing: 'before' | 'after';
  readonly events: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  readonly level: 'row' | 'statement';
  /** Literal arguments passed to the function. */
  readonly args: readonly string[];
  /**
   * A constraint trigger fired at commit (DEFERRABLE INITIALLY DEFERRED): the audit trigger, so that an
   * organization's audit chain is held only while its transaction commits, not while the client works.
   */
  readonly deferred: boolean;
}

export interface IndexColumn {
  readonly name: string;
  readonly order: 'asc' | 'desc';
}

export interface Index {
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  readonly unique: boolean;
  readonly method: 'btree' | 'gin';
  /** Partial index predicate, identifiers quoted. */
  readonly where: string | null;
  /**
   * Built with CREATE INDEX CONCURRENTLY when a later migration adds it to an
   * existing table (in a no-transaction migration of its own). A hint for
   * migrations: snapshots do not record it.
   */
  readonly concurrently: boolean;
}

export type Tenancy = 'root' | 'scoped' | 'global';

/** What the generated API may do with an entity. */
export interface ApiOptions {
  readonly expose: boolean;
  readonly operations: readonly ('list' | 'get' | 'create' | 'update' | 'delete')[];
  /** Columns a list may be filtered / sorted by. */
  readonly filterable: readonly string[];
  readonly sortable: readonly string[];
}

export interface Table {
  readonly name: string;
  readonly comment: string | null;
  /** Model file that declares it, relative to the project root (for diagnostics). */
  readonly source: string;
  readonly tenancy: Tenancy;
  readonly audited: boolean;
  /** Rows may be inserted but never updated or deleted. */
  readonly appendOnly: boolean;
  readonly renamedFrom: string | null;
  /** Declaration order (it is the column order of CREATE TABLE). */
  readonly columns: readonly Column[];
  readonly primaryKey: PrimaryKey | null;
  /** Sorted by name. */
  readonly uniques: readonly Unique[];
  readonly checks: readonly Check[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly indexes: readonly Index[];
  /** What the application role may do (before row-level security narrows it). */
  readonly privileges: readonly Privilege[];
  /** What each role of the model may do (models with `users`); sorted by role, then operation. */
  readonly permissions: readonly Permission[];
  /** ENABLE and FORCE ROW LEVEL SECURITY. */
  readonly rowLevelSecurity: boolean;
  /** Sorted by name. */
  readonly policies: readonly Policy[];
  readonly grants: readonly Grant[];
  /** Sorted by name. */
  readonly triggers: readonly Trigger[];
  readonly api: ApiOptions;
}

export interface EnumType {
  readonly name: string;
  readonly values: readonly string[];
  readonly comment: string | null;
}

export interface TenancyConfig {
  /** The tenant root table (e.g. organizations). */
  readonly root: string;
  /** The tenant key column carried by every scoped table (e.g. organization_id). */
  readonly key: string;
  /** Custom settings read by policies and triggers. */
  readonly tenantSetting: string;
  readonly userSetting: string;
  /** The non-owner role the API acts as (with roles: the role its login is granted; it acts as one database role per role of the model). */
  readonly appRole: string;
  /** The root's unique column naming a tenant for `gen tenant`; null when the root has none. */
  readonly handle: string | null;
}

/** Who signs in (`defineModel({ users })`): the entity, its role and activity columns, the roles. */
export interface AuthConfig {
  readonly table: string;
  readonly roleColumn: string;
  readonly activeColumn: string | null;
  /** The model's roles, in declaration order (the role column's values). */
  readonly roles: readonly string[];
  readonly keepOne: string | null;
  readonly emailColumn: string | null;
  readonly nameColumn: string | null;
}

/** One row of seed data (`model/seed.ts`), checked against the tables; static profiles only, in declaration order. */
export interface SeedRow {
  readonly profile: string;
  readonly table: string;
  /** Unique within the table and profile; the row's id is `seedId(table, key)` (UUID v5). */
  readonly key: string;
  /** Column values, the id and every reference already filled in; columns left out take their default. */
  readonly values: { readonly [column: string]: JsonValue };
  /** Columns whose value is another seed row's (`ref(...)`), and which row: the insert order follows these. */
  readonly refs: { readonly [column: string]: { readonly table: string; readonly key: string } };
}

/** Where audited entities write their changes. */
export interface AuditConfig {
  readonly table: string;
  /** Rows are chained per organization: `seq`, `prev_hash`, `hash`. */
  readonly chain: boolean;
}

export interface Ir {
  readonly formatVersion: typeof IR_FORMAT_VERSION;
  /** Version of the SQL library functions the schema uses (`LIBRARY_VERSION` for a model, older in old snapshots). */
  readonly library: number;
  readonly tenancy: TenancyConfig | null;
  readonly auth: AuthConfig | null;
  readonly audit: AuditConfig | null;
  /** Sorted by name. */
  readonly enums: readonly EnumType[];
  /** Sorted by name. */
  readonly tables: readonly Table[];
  readonly seeds: readonly SeedRow[];
}

