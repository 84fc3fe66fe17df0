import { hash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 9562 namespace for URLs (`6ba7b811-…`). */
export const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * The namespace of every seed id: `uuidV5(NAMESPACE_URL, 'https://schemagen.dev/seed')`.
 * Fixed forever: changing it changes every seeded id on every machine.
 */
export const SEED_NAMESPACE = 'a12ba6de-1594-5ae7-b147-6bc557a13a4f';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Name-based UUID, version 5 (SHA-1), as RFC 9562 section 5.5 defines it. */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new Error(`uuidV5: namespace ${JSON.stringify(namespace)} is not a UUID`);
  return v5(namespaceBytes(namespace), name);
}

/** A seed row's id: the same table and key give the same id on every machine and every run. */
export function seedId(table: string, key: string): string {
  return v5(SEED_BYTES, `${table}:${key}`);
}

const namespaceBytes = (ns: string) => Buffer.from(ns.replaceAll('-', ''), 'hex');
const SEED_BYTES = namespaceBytes(SEED_NAMESPACE);
/** Reused input buffer: seed ids are made by the million in generated profiles. */
let scratch = Buffer.allocUnsafe(256);

function v5(ns: Buffer, name: string): string {
  const need = 16 + Buffer.byteLength(name, 'utf8');
  if (need > scratch.length) scratch = Buffer.allocUnsafe(need * 2);
  ns.copy(scratch, 0, 0, 16);
  scratch.write(name, 16, 'utf8');
  const d = hash('sha1', scratch.subarray(0, need), 'buffer');
  const hex = d.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${HEX[(d[8]! & 0x3f) | 0x80]}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
