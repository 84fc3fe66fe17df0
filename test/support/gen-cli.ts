import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from './db-helpers.ts';

const GEN = join(ROOT, 'bin/gen.mjs');

export interface GenResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `gen` as its own process, as a user would; DATABASE_URL is cleared so PGlite is the default. */
export function runGen(args: readonly string[], cwd = ROOT): Promise<GenResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GEN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 2) : 0, stdout, stderr });
    });
  });
}

/**
 * Temporary directories removed after the test file: `dir()` an empty one,
 * `project(copy)` one holding copies of the repository paths in `copy`
 * (e.g. model, generated), with generator/ linked and an ESM package.json.
 */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
  const project = (copy: readonly string[] = ['model', 'generated']) => {
    const d = dir();
    for (const p of copy) cpSync(join(ROOT, p), join(d, p), { recursive: true });
    symlinkSync(join(ROOT, 'generator'), join(d, 'generator'));
    writeFileSync(join(d, 'package.json'), '{ "type": "module" }\n');
    return d;
  };
  return { dir, project };
}
