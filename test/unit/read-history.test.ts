import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readHistory } from '../../generator/cli/project-files.ts';

const root = mkdtempSync(join(tmpdir(), 'schemagen-history-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('reads migration folders as the runner does: NNNN_slug only, in version order', () => {
  for (const f of ['0001_initial', '9999_late', '10000_later', 'backup', '.tmp']) {
    mkdirSync(join(root, 'generated/migrations', f), { recursive: true });
    for (const file of ['up.sql', 'down.sql']) writeFileSync(join(root, 'generated/migrations', f, file), '');
  }
  const { history } = readHistory(root);
  // a name sort made 9999_late the latest and let `backup` count as a migration
  expect(history.folders).toEqual(['0001_initial', '9999_late', '10000_later']);
});
