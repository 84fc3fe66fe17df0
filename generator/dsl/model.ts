import type { AnyEntity } from './entity.ts';
import type { SeedSpec } from './seed.ts';

export interface TenancySpec {
  /** The tenant root entity, e.g. `organizations`. */
  readonly root: AnyEntity;
  /** A unique column of the root that names a tenant for `gen tenant create|delete --slug`. Default `slug`. */
  readonly handle?: string;
  /** The tenant key column every scoped table carries. Default `organization_id`. */
  readonly key?: string;
  /** The setting each request's tenant is put in (`set_config`) and policies read. Default `app.<key>` (`app.organization_id`). */
  readonly tenantSetting?: string;
  /** The setting holding the request's user id. Default `app.user_id`. */
  readonly userSetting?: string;
  readonly appRole?: string;
}

export interface AuditSpec {
  /** The append-only entity audited entities write to (organization key, user_id, action, table_name, row_id, old_values, new_values). */
  readonly table: AnyEntity;
  /**
   * Tamper-evident: each audit row carries `seq` (its place in its organization's chain), `prev_hash`
   * and `hash` (SHA-256 over the row and the previous row's hash); `gen audit verify` checks the chain.
   */
  readonly chain?: boolean;
}

/**
 * The entity whose rows are the people who sign in ("the user"): requests run only for an active
 * member of the token's organization, and act with the role its row holds.
 */
export interface UsersSpec {
  readonly entity: AnyEntity;
  /** The column holding the role: an enum, or a column with `.oneOf([...])`; its values are the model's roles. */
  readonly role: string;
  /** A boolean column; a user whose value is false cannot act (their tokens stop working at once). */
  readonly active?: string;
  /** A role every organization keeps at least one active holder of (the last one cannot be removed, demoted or deactivated). */
  readonly keepOne?: string;
  /** The column `gen tenant create --admin-email` fills. Default `email`. */
  readonly email?: string;
  /** The column `gen tenant create --admin-name` fills, when the entity has it. Default `full_name`. */
  readonly name?: string;
}

export interface ModelSpec {
  /** The model's exports (`import * as schema from './schema.ts'`): every entity and enum in them is included. */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly tenancy?: TenancySpec;
  /** Who signs in, and with which roles; with it, every entity says what each role may do (`permissions`). */
  readonly users?: UsersSpec;
  readonly audit?: AuditSpec;
  /** Seed data by profile, from `defineSeeds({...})` (usually `model/seed.ts`). */
  readonly seeds?: SeedSpec;
}

export interface Model extends ModelSpec {
  readonly kind: 'model';
}

/**
 * The model's entry point (`model/index.ts`, default export).
 *
 * @example
 * import * as schema from './schema.ts';
 * export default defineModel({ schema, tenancy: { root: schema.organizations } });
 */
export const defineModel = (spec: ModelSpec): Model => ({ kind: 'model', ...spec });

export const isModel = (v: unknown): v is Model =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'model';
