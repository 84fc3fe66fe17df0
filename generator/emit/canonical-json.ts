/** JSON with object keys sorted, two-space indented, ending in a newline: the same data always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Whether `canonicalJson(a) === canonicalJson(b)` for values JSON can write (canonicalJson throws on
 * a bigint; this may answer false first), without building either: the diff compares
 * thousands of columns, keys, policies and grants, and two sorted copies and two indented strings
 * per comparison made it the generator's largest source of garbage. JSON's rules hold: object
 * members that are undefined, functions or symbols are left out, such array elements and
 * non-finite numbers are null. What canonicalJson would treat otherwise (a bigint, an own
 * `toJSON`) is compared through it.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const result = equal(a, b, 'top');
  return result === 'unsure' ? canonicalJson(a) === canonicalJson(b) : result;
}

type Slot = 'top' | 'member' | 'element';

/** What JSON.stringify makes of a value in a slot: left out ('omit'), null, or itself. */
function asJson(v: unknown, slot: Slot): unknown {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return slot === 'member' ? OMIT : slot === 'element' ? null : TOP_UNDEFINED;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
const OMIT = Symbol('omitted');
/** A plain copy keeps an own `toJSON` (JSON.stringify then calls it); arrays are copied element by element. */
const hasToJson = (v: unknown) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.propertyIsEnumerable.call(v, 'toJSON') && typeof (v as { toJSON: unknown }).toJSON === 'function';
const TOP_UNDEFINED = Symbol('undefined');

function equal(x: unknown, y: unknown, slot: Slot): boolean | 'unsure' {
  const a = asJson(x, slot);
  const b = asJson(y, slot);
  if (typeof a === 'bigint' || typeof b === 'bigint' || hasToJson(a) || hasToJson(b)) return 'unsure';
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) {
      const r = equal(a[i], bs[i], 'element');
      if (r !== true) return r;
    }
    return true;
  }
  const members = (o: object) => Object.keys(o).filter((k) => asJson((o as Record<string, unknown>)[k], 'member') !== OMIT);
  const ka = members(a);
  const kb = members(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    // as many members each: the same names if each of a's is one of b's
    if (!Object.prototype.propertyIsEnumerable.call(b, k) || asJson((b as Record<string, unknown>)[k], 'member') === OMIT) return false;
    const r = equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], 'member');
    if (r !== true) return r;
  }
  return true;
}
