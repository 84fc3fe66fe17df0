import { describe, expect, it } from 'vitest';
import { byteLength, derivedName } from '../../generator/ir/naming.ts';
import { literal, quoteIdent, quoteString, typedLiteral } from '../../generator/sql/quote.ts';

describe('naming', () => {
  it('follows PostgreSQL conventions when short', () => {
    expect(derivedName('buckets', ['workflow_id', 'position'], 'key')).toBe('buckets_workflow_id_position_key');
  });
  it('stays within 63 bytes and keeps long names distinct and stable', () => {
    const long = 'assessment_results_with_a_remarkably_long_name';
    const a = derivedName(long, ['first_rather_long_column', 'second'], 'idx');
    const b = derivedName(long, ['first_rather_long_column', 'third'], 'idx');
    expect(byteLength(a)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a.endsWith('_idx')).toBe(true);
    expect(derivedName(long, ['first_rather_long_column', 'second'], 'idx')).toBe(a);
  });
});

describe('quoting', () => {
  it('quotes identifiers and escapes embedded quotes', () => {
    expect(quoteIdent('user')).toBe('"user"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
  it('escapes string literals and refuses NUL', () => {
    expect(quoteString("TÜV SÜD's")).toBe("'TÜV SÜD''s'");
    expect(() => quoteString('a\0b')).toThrow(/NUL/);
  });
  it('renders typed literals', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(1.5)).toBe('1.5');
    expect(() => literal(Number.NaN)).toThrow(/finite/);
    expect(typedLiteral({ a: "it's" }, { kind: 'jsonb' })).toBe(`'{"a":"it''s"}'::jsonb`);
    expect(typedLiteral([], { kind: 'array', of: { kind: 'text' } })).toBe("'{}'::text[]");
    expect(typedLiteral(['x'], { kind: 'array', of: { kind: 'text' } })).toBe("ARRAY['x']::text[]");
  });
});
