import type { Column, ColumnType, Identity } from './types.ts';

/** The range of each integer type, which an identity's options must stay within. */
const BOUNDS: Partial<Record<ColumnType['kind'], readonly [bigint, bigint]>> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

const WHOLE = /^-?\d+$/;
const big = (v: string | null, fallback: bigint): bigint => (v !== null && WHOLE.test(v) ? BigInt(v) : fallback);

/** Where the sequence starts when the model does not say: its minimum ascending, its maximum descending (PostgreSQL's rule). */
export function identityStart(i: Identity, type: ColumnType): string {
  if (i.start !== null) return i.start;
  const descending = big(i.increment, 1n) < 0n;
  return descending ? (i.maxValue ?? '-1') : (i.minValue ?? '1');
}

/** What is wrong with an identity column, each as [message, hint]; empty when it is fine. */
export function identityProblems(c: Column): [string, string][] {
  const i = c.identity;
  if (!i) return [];
  const out: [string, string][] = [];
  const bounds = BOUNDS[c.type.kind];
  if (!bounds) return [[`is an identity column of type ${c.type.kind}; identity numbers rows with whole numbers`, 'declare it smallint(), integer() or bigint()']];
  if (c.default) out.push(['has both a default and an identity: the identity is its default', 'remove .default(...) (or the identity)']);
  const options = { start: i.start, increment: i.increment, minValue: i.minValue, maxValue: i.maxValue, cache: i.cache };
  for (const [name, value] of Object.entries(options)) {
    if (value === null) continue;
    if (!WHOLE.test(value)) out.push([`identity option ${name} ${value} is not a whole number`, `give ${name} a whole number`]);
    else if (BigInt(value) < bounds[0] || BigInt(value) > bounds[1]) out.push([`identity option ${name} ${value} is outside the range of ${c.type.kind}`, `keep it within ${bounds[0]}..${bounds[1]}, or widen the column`]);
  }
  if (i.increment !== null && WHOLE.test(i.increment) && BigInt(i.increment) === 0n) out.push(['identity option increment is 0', 'use a positive increment (or a negative one, to count down)']);
  if (i.cache !== null && WHOLE.test(i.cache) && BigInt(i.cache) < 1n) out.push([`identity option cache ${i.cache} is below 1`, 'use a cache of 1 or more (1: no cache)']);
  const descending = big(i.increment, 1n) < 0n;
  const min = big(i.minValue, descending ? bounds[0] : 1n);
  const max = big(i.maxValue, descending ? -1n : bounds[1]);
  if (out.length > 0) return out; // the range follows from options already reported
  if (min >= max) out.push([`identity minValue ${min} is not below maxValue ${max}`, 'give a range with minValue below maxValue']);
  else if (i.start !== null && WHOLE.test(i.start) && (BigInt(i.start) < min || BigInt(i.start) > max))
    out.push([`identity start ${i.start} is outside minValue..maxValue (${min}..${max})`, 'start within the range']);
  return out;
}

/** `GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10)`: the options the model gives, in PostgreSQL's order. */
export function identitySql(i: Identity): string {
  const options = [
    i.start !== null ? `START WITH ${i.start}` : '',
    i.increment !== null ? `INCREMENT BY ${i.increment}` : '',
    i.minValue !== null ? `MINVALUE ${i.minValue}` : '',
    i.maxValue !== null ? `MAXVALUE ${i.maxValue}` : '',
    i.cache !== null ? `CACHE ${i.cache}` : '',
    i.cycle ? 'CYCLE' : '',
  ].filter(Boolean);
  return `GENERATED ${i.generation === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`;
}

/**
 * Whether changing identity `from` into `to` moves the sequence's range or direction: its current value may
 * then lie outside, so the change restarts it (and the migration sets it after the rows' values again).
 */
export const identityRangeChanges = (from: Identity, to: Identity): boolean =>
  isDescending(from) !== isDescending(to) || from.minValue !== to.minValue || from.maxValue !== to.maxValue;

/**
 * The `ALTER COLUMN` actions turning identity `from` into `to` in place (`SET GENERATED …`, `SET INCREMENT BY …`):
 * only what changed; an option the model no longer gives goes back to PostgreSQL's default (which for
 * minValue and maxValue depends on the direction, so a change of direction sets both). The sequence's current
 * value stays, unless the range or direction changes: then it restarts at the start.
 */
export function alterIdentityActions(from: Identity, to: Identity, type: ColumnType): string[] {
  const out: string[] = [];
  const turned = isDescending(from) !== isDescending(to);
  if (from.generation !== to.generation) out.push(`SET GENERATED ${to.generation === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`);
  if (from.increment !== to.increment) out.push(`SET INCREMENT BY ${to.increment ?? '1'}`);
  if (turned || from.minValue !== to.minValue) out.push(to.minValue === null ? 'SET NO MINVALUE' : `SET MINVALUE ${to.minValue}`);
  if (turned || from.maxValue !== to.maxValue) out.push(to.maxValue === null ? 'SET NO MAXVALUE' : `SET MAXVALUE ${to.maxValue}`);
  if (identityStart(from, type) !== identityStart(to, type)) out.push(`SET START WITH ${identityStart(to, type)}`);
  if (from.cache !== to.cache) out.push(`SET CACHE ${to.cache ?? '1'}`);
  if (from.cycle !== to.cycle) out.push(to.cycle ? 'SET CYCLE' : 'SET NO CYCLE');
  if (identityRangeChanges(from, to)) out.push(`RESTART WITH ${identityStart(to, type)}`);
  return out;
}

/** Counting down: the sequence's next value must go below the smallest value rows hold, not above the largest. */
export function isDescending(i: Identity): boolean {
  return big(i.increment, 1n) < 0n;
}
