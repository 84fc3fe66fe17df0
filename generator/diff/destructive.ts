import { databaseFilled } from '../ir/permissions.ts';
import type { ColumnType } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';
import type { Change } from './changes.ts';
import { isWidening } from './column-types.ts';

export type HazardCode = 'drop-table' | 'drop-column' | 'narrowing-type' | 'set-not-null' | 'add-not-null' | 'generate-column';

/**
 * A step that can lose data or fail on existing rows. gen refuses a plan with
 * any unless `--allow-destructive`; up.sql carries `-- DESTRUCTIVE: <risk>`
 * above each such step.
 */
export interface Hazard {
  readonly code: HazardCode;
  /** `table` or `table.column`. */
  readonly path: string;
  /** What would be lost or refused, one clause. */
  readonly risk: string;
  /** The model edit or flag that avoids it. */
  readonly fix: string;
}

const ALLOW = 'or, if that is intended, pass --allow-destructive';

/** The hazard of one planned change, or null when it is safe on a database that holds data. */
export function hazardOf(change: Change): Hazard | null {
  switch (change.kind) {
    case 'dropTable':
      return {
        code: 'drop-table',
        path: change.table.name,
        risk: `drops table ${change.table.name} and every row in it`,
        fix: `if it was renamed, add renamedFrom: '${change.table.name}' to the entity's options; ${ALLOW}`,
      };
    case 'dropColumn':
      return {
        code: 'drop-column',
        path: `${change.table}.${change.column.name}`,
        risk: `drops column ${change.table}.${change.column.name} and its value in every row`,
        fix: `if it was renamed, add .renamedFrom('${change.column.name}') to the new column; ${ALLOW}`,
      };
    case 'alterColumnType':
      if (isWidening(change.from, change.to)) return null;
      return {
        code: 'narrowing-type',
        path: `${change.table}.${change.column}`,
        risk: `changes ${change.table}.${change.column} from ${sqlType(change.from)} to ${sqlType(change.to)}, ${narrowingRisk(change.to)}`,
        fix: `keep a type at least as wide (e.g. ${sqlType(change.from)}), or add a new column and copy the data in steps; ${ALLOW}`,
      };
    case 'generateColumn':
      if (change.dropped) return null;
      return {
        code: 'generate-column',
        path: `${change.table}.${change.column.name}`,
        risk: `turns ${change.table}.${change.column.name} into a generated column: the values rows hold are replaced by computed ones`,
        fix: `add the generated column under another name and drop this one when its values are no longer needed; ${ALLOW}`,
      };
    case 'setNotNull':
      if (change.backfill !== null || change.default !== null) return null;
      return {
        code: 'set-not-null',
        path: `${change.table}.${change.column}`,
        risk: `sets NOT NULL on ${change.table}.${change.column}, which fails if any row holds NULL`,
        fix: `give the column a .default(...) or a .backfill(sql\`...\`) that fills those rows; ${ALLOW}`,
      };
    case 'addColumn':
      if (!change.column.notNull || databaseFilled(change.column) || change.column.backfill !== null) return null;
      return {
        code: 'add-not-null',
        path: `${change.table}.${change.column.name}`,
        risk: `adds ${change.table}.${change.column.name} as NOT NULL without a default, which fails if ${change.table} has rows`,
        fix: `give it a .default(...) or a .backfill(sql\`...\`) for the existing rows, or add it nullable; ${ALLOW} (the table is empty everywhere)`,
      };
    default:
      return null;
  }
}

/** What a type change that is not a widening can do to the values, by the type it changes to. */
const narrowingRisk = (to: ColumnType): string =>
  to.kind === 'citext'
    ? 'which compares values case-insensitively: a unique key on it fails on rows that differ only in case'
    : to.kind === 'real' || to.kind === 'double'
      ? 'which rounds values to its precision and fails on rows out of its range'
      : 'which can truncate values or fail on rows that do not fit';

export const hazardsOf = (changes: readonly Change[]): Hazard[] => changes.flatMap((c) => hazardOf(c) ?? []);

/** `users.email: drops column users.email and its value in every row; fix: ...` */
export const formatHazard = (h: Hazard): string => `${h.path}: ${h.risk} [${h.code}]; fix: ${h.fix}`;
