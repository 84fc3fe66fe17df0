import type { AnyEntity } from './entity.ts';
import type { SeedSpec } from './seed.ts';

export interface TenancySpec {
  /** The tenant root entity, e.g. `organizations`. */
  readonly root: AnyEntity;
  /** The tenant key column every scoped table carries. Default `organization_id`. */
  readonly key?: string;
  readonly tenantSetting?: string;
  readonly userSetting?: string;
  readonly appRole?: string;
}

export interface AuditSpec {
  /** The append-only entity audited entities write to (organization key, user_id, action, table_name, row_id, old_values, new_values). */
  readonly table: AnyEntity;
}

export interface ModelSpec {
  /** The model's exports (`import * as schema from './schema.ts'`): every entity and enum in them is included. */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly tenancy?: TenancySpec;
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
