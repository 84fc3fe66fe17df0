import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseNames, caseOutput, GOLDEN_DIFF, loadCase } from '../support/diff-case.ts';

/**
 * test/golden-diff/<case>/expected/ holds what gen writes for the change from
 * before.ts to after.ts: each migration's up.sql and down.sql, and report.txt
 * with problems and destructive steps. UPDATE_GOLDEN=1 rewrites them.
 */
const update = process.env.UPDATE_GOLDEN === '1';

const listFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)])) : [];

describe('golden diff', () => {
  for (const name of caseNames()) {
    it(name, async () => {
      const expectedDir = join(GOLDEN_DIFF, name, 'expected');
      const files = caseOutput(await loadCase(name));
      if (update) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const f of files) {
          mkdirSync(dirname(join(expectedDir, f.path)), { recursive: true });
          writeFileSync(join(expectedDir, f.path), f.contents);
        }
      }
      const onDisk = listFiles(expectedDir).map((p) => relative(expectedDir, p)).sort();
      expect(files.map((f) => f.path).sort(), `${name}: files differ; review, then UPDATE_GOLDEN=1 if intended`).toEqual(onDisk);
      for (const f of files) expect(f.contents, `${name}/expected/${f.path} differs; review, then UPDATE_GOLDEN=1 if intended`).toBe(readFileSync(join(expectedDir, f.path), 'utf8'));
    });
  }
});
