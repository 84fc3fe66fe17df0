export { me, sql } from './sql.ts';
export type { ColumnRef, SessionRef, SqlExpr } from './sql.ts';
export type { Operation, PermissionsSpec, RolePermissions, Rule } from './permissions.ts';
export { ColumnBuilder } from './column.ts';
export {
  uuid, text, varchar, char, citext, smallint, integer, bigint, numeric, real, doublePrecision, boolean, timestamptz, date, time, interval, bytea, jsonb, inet, array,
} from './types.ts';
export { pgEnum } from './enum.ts';
export { entity } from './entity.ts';
export type { Entity, EntityOptions, RowOf } from './entity.ts';
export { primaryKey, unique, check, foreignKey, index, desc } from './constraints.ts';
export { defineModel } from './model.ts';
export { defineSeeds, generated, ref, row, seededRandom } from './seed.ts';
export type { SeedGenerator, SeedProfile, SeedRef, SeedRowSpec, SeedSpec, SeedValues } from './seed.ts';
export type { Model } from './model.ts';
