import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../generator/emit/api/error-codes.ts';
import { ROOT } from '../support/db-helpers.ts';

/** Every error code the generated runtime can send, as its source spells them. */
function codesInRuntime(): string[] {
  const dir = join(ROOT, 'generated/api');
  const found = new Set<string>();
  const patterns = [/new ApiError\(\s*\d{3},\s*'([a-z0-9_]+)'/g, /badRequest\(\s*'([a-z0-9_]+)'/g, /FST_ERR_[A-Z_]+: '([a-z0-9_]+)'/g, /\[\d{3}, '([a-z0-9_]+)'/g, /\?\? '([a-z0-9_]+)'\);/g];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const p of patterns) for (const m of source.matchAll(p)) found.add(m[1]!);
  }
  return [...found].sort();
}

describe('error codes', () => {
  const catalog = ERROR_CODES.map(([code]) => code).sort();

  it('the catalog holds every code the generated runtime sends, and none it never sends', () => {
    expect(codesInRuntime()).toEqual(catalog);
  });

  it('generated/openapi.json lists them in the Error schema', () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'generated/openapi.json'), 'utf8'));
    expect([...doc.components.schemas.Error.properties.code.enum].sort()).toEqual(catalog);
  });

  it('the README documents each with its status and meaning', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('**Errors**')[1]!.split('\n\n**')[0]!;
    const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    expect(rows).toEqual(ERROR_CODES.map(([code, status, meaning]) => [code, status, meaning]));
  });
});
