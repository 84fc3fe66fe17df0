import { describe, expect, it } from 'vitest';
import { main, plainGenerateArgs } from '../../generator/cli/main.ts';

describe('plainGenerateArgs: gen and gen --check without yargs', () => {
  it('takes --check, --verbose and --root DIR, each at most once, in any order', () => {
    expect(plainGenerateArgs([])).toEqual({ root: '.', check: false, verbose: false });
    expect(plainGenerateArgs(['--check'])).toEqual({ root: '.', check: true, verbose: false });
    expect(plainGenerateArgs(['--root', 'some/dir', '--check'])).toEqual({ root: 'some/dir', check: true, verbose: false });
    expect(plainGenerateArgs(['--verbose', '--check', '--root', ''])).toEqual({ root: '', check: true, verbose: true });
  });

  it('leaves everything else to yargs', () => {
    const others = [
      ['--help'], ['-h'], ['--check', '--check'], ['--root'], ['--root', '--check'], ['--root=x'], ['--check=true'], ['--no-check'],
      ['--name', 'add_x'], ['--allow-destructive'], ['migrate', 'up'], ['token'], ['x'], ['--root', 'a', '--root', 'b'], ['--chekc'],
    ];
    for (const argv of others) expect(plainGenerateArgs(argv), argv.join(' ')).toBeNull();
  });

  it('reports what yargs would: an unknown option is still refused, by yargs', async () => {
    const err: string[] = [];
    expect(await main(['--check', '--chekc'], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err.join('\n')).toMatch(/Unknown argument: chekc/);
  });
});
