import { createHash } from 'node:crypto';
import { IR_FORMAT_VERSION, type Column, type Index, type Ir } from '../ir/types.ts';
import { canonicalJson } from './canonical-json.ts';
import { GENERATED_HEADER } from './header.ts';

/**
 * The model as a migration left it. `parent` is the id of the snapshot
 * before it, so two branches that each add a migration on the same parent
 * can be told apart.
 */
export interface Snapshot {
  readonly generatedBy: string;
  readonly formatVersion: number;
  readonly id: string;
  readonly parent: string | null;
  readonly ir: Ir;
}

export const irId = (ir: Ir): string => createHash('sha256').update(canonicalJson(snapshotIr(ir))).digest('hex').slice(0, 16);

export function makeSnapshot(ir: Ir, parent: string | null): Snapshot {
  return { generatedBy: GENERATED_HEADER, formatVersion: IR_FORMAT_VERSION, id: irId(ir), parent, ir: snapshotIr(ir) };
}

/**
 * The IR as a snapshot records it: without seeds and without the hints that
 * only say how one migration gets there (`backfill`, `concurrently`), so
 * adding or removing a hint never makes a migration pending.
 */
export function snapshotIr(ir: Ir): Ir {
  return {
    ...ir,
    seeds: [],
    tables: ir.tables.map((t) => ({
      ...t,
      columns: t.columns.map(({ backfill: _b, ...c }) => c as Column),
      indexes: t.indexes.map(({ concurrently: _c, ...i }) => i as Index),
    })),
  };
}

/**
 * A snapshot's IR with the hints it does not record set to their defaults, and what snapshots of
 * earlier schemagen versions did not have yet set to what those versions did: library 1, no roles, no
 * audit chain, whole-table INSERT and SELECT grants.
 */
function withDefaults(ir: Ir): Ir {
  const old = ir as Partial<Ir> & Pick<Ir, 'tables'>;
  return {
    ...ir,
    library: old.library ?? 1,
    auth: old.auth ?? null,
    tenancy: ir.tenancy ? { ...ir.tenancy, handle: ir.tenancy.handle === undefined ? null : ir.tenancy.handle } : null,
    audit: ir.audit ? { ...ir.audit, chain: ir.audit.chain ?? false } : null,
    tables: ir.tables.map((t) => ({
      ...t,
      permissions: t.permissions ?? [],
      triggers: t.triggers.map((tr) => ({ ...tr, deferred: tr.deferred ?? false })),
      grants: t.grants.map((g) => ({ ...g, insertColumns: g.insertColumns ?? null, selectColumns: g.selectColumns ?? null })),
      columns: t.columns.map((c) => ({ ...c, backfill: null })),
      indexes: t.indexes.map((i) => ({ ...i, concurrently: false })),
    })),
  };
}

export const renderSnapshot = (s: Snapshot): string => canonicalJson(s);

/** Parses a snapshot file; the message names the file and what to do. */
export function parseSnapshot(text: string, file: string): Snapshot {
  let data: Partial<Snapshot>;
  try {
    data = JSON.parse(text) as Partial<Snapshot>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); restore it from git, it is generated`);
  }
  if (data.formatVersion !== IR_FORMAT_VERSION || !data.ir || typeof data.id !== 'string')
    throw new Error(`${file}: snapshot format ${String(data.formatVersion)} is not ${IR_FORMAT_VERSION}; restore it from git or regenerate it with this version of schemagen`);
  return { ...(data as Snapshot), ir: withDefaults(data.ir) };
}
