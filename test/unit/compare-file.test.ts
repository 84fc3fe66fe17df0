import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareFile } from '../../generator/cli/project-files.ts';

/** compareFile compares bytes through megabyte chunks: contents across chunk boundaries, multi-byte characters, lengths. */
const root = mkdtempSync(join(tmpdir(), 'schemagen-compare-'));
mkdirSync(join(root, 'generated'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const state = (onDisk: string | Buffer | null, contents: string) => {
  const path = join(root, 'generated', 'f.txt');
  rmSync(path, { force: true });
  if (onDisk !== null) writeFileSync(path, onDisk);
  return compareFile(root, { path: 'f.txt', contents });
};

describe('compareFile', () => {
  const third = Math.floor((1 << 20) / 3);
  const texts = {
    empty: '',
    ascii: 'x'.repeat(3 * (1 << 20) + 7),
    arrows: '→'.repeat(third + 5) + 'tail',
    // a surrogate pair across the boundary of the first slice
    emoji: `${'a'.repeat(third - 1)}😀${'b'.repeat(10)}`,
    mixed: Array.from({ length: 400_000 }, (_, i) => (i % 7 === 0 ? 'ü' : i % 11 === 0 ? '😀' : 'a')).join(''),
  };

  it('finds the same bytes unchanged', () => {
    for (const [name, text] of Object.entries(texts)) expect(state(text, text), name).toBe('unchanged');
  });

  it('finds any difference: a byte, a shorter or a longer file, a missing one', () => {
    for (const [name, text] of Object.entries(texts)) {
      if (text.length > 0) expect(state(`${text.slice(0, -1)}#`, text), name).toBe('changed');
      expect(state(`${text}\n`, text), name).toBe('changed');
      if (text.length > 0) expect(state(text.slice(0, -1), text), name).toBe('changed');
      expect(state(null, text), name).toBe('missing');
    }
    const bytes = Buffer.from(texts.arrows);
    bytes[bytes.length - 10]! ^= 1;
    expect(state(bytes, texts.arrows)).toBe('changed');
  });
});
