import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/emit/generate.ts';
import { formatDiagnostic } from '../../generator/ir/diagnostics.ts';
import { loadModel } from '../../generator/model/load.ts';

/**
 * Each test/golden/<case>/ holds model/ and either expected/ (what gen writes)
 * or expected-diagnostics.txt (what gen reports). UPDATE_GOLDEN=1 rewrites them.
 */
const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function compareOrWrite(path: string, actual: string) {
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1 to create it`).toBe(true);
  expect(actual, `${path} differs; review, then UPDATE_GOLDEN=1 if intended`).toBe(readFileSync(path, 'utf8'));
}

describe('golden', () => {
  for (const name of readdirSync(GOLDEN).sort()) {
    const dir = join(GOLDEN, name);
    it(name, async () => {
      const { ir, diagnostics } = await loadModel(dir);
      if (existsSync(join(dir, 'expected-diagnostics.txt')) || name.startsWith('bad-')) {
        compareOrWrite(join(dir, 'expected-diagnostics.txt'), diagnostics.map(formatDiagnostic).join('\n') + '\n');
        return;
      }
      expect(diagnostics.map(formatDiagnostic)).toEqual([]);
      const { files } = generate(ir, { folders: [], latest: null });
      for (const f of files) compareOrWrite(join(dir, 'expected', f.path), f.contents);
    });
  }

  it('the same model gives byte-identical output on every run', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const a = generate((await loadModel(root)).ir, { folders: [], latest: null });
    const b = generate((await loadModel(root)).ir, { folders: [], latest: null });
    expect(b.files.map((f) => f.contents)).toEqual(a.files.map((f) => f.contents));
    // the committed files are what the model gives today (migrations are history: test/db checks that applying
    // them gives the schema a fresh initial migration of today's model gives)
    for (const f of a.files.filter((x) => !x.path.startsWith('migrations/'))) expect(f.contents, f.path).toBe(readFileSync(join(root, 'generated', f.path), 'utf8'));
  });
});
