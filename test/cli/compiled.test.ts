import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshBuild } from '../../bin/build-stamp.mjs';
import { ROOT } from '../support/db-helpers.ts';
import { tempDirs } from '../support/gen-cli.ts';

/**
 * `gen` runs the compiled generator (dist/gen/, bin/build.mjs) while it matches the sources, else
 * the TypeScript sources. These tests run the CLI as a process, as users do: the golden cases through
 * the compiled generator, a stale build falling back to the sources, `gen serve` loading the
 * generated API's TypeScript, and the model's bundle cache following edits.
 */
const { dir } = tempDirs('schemagen-compiled-');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const run = (bin: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 2) : 0, stdout, stderr }),
    );
  });
const GEN = join(ROOT, 'bin/gen.mjs');

const files = (base: string, rel = ''): string[] =>
  readdirSync(join(base, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(base, join(rel, e.name)) : [join(rel, e.name)])).sort();

describe('the compiled generator', () => {
  it('is built and current (npm ci builds it; the test setup rebuilds a stale one)', () => {
    expect(freshBuild(ROOT)).toBe(join(ROOT, 'dist/gen/main.js'));
  });

  const GOLDEN = join(ROOT, 'test/golden');
  for (const name of readdirSync(GOLDEN).sort())
    it(`writes what the golden case ${name} expects`, async () => {
      // the golden models import ../../../../generator: keep that depth
      const base = dir();
      symlinkSync(join(ROOT, 'generator'), join(base, 'generator'));
      const project = join(base, 'a', 'b', name);
      mkdirSync(project, { recursive: true });
      cpSync(join(GOLDEN, name, 'model'), join(project, 'model'), { recursive: true });
      writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
      const r = await run(GEN, ['--root', project]);
      if (existsSync(join(GOLDEN, name, 'expected-diagnostics.txt'))) {
        expect(r.code).toBe(1);
        expect(r.stderr.startsWith(readFileSync(join(GOLDEN, name, 'expected-diagnostics.txt'), 'utf8'))).toBe(true);
        return;
      }
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const expected = join(GOLDEN, name, 'expected');
      expect(files(join(project, 'generated'))).toEqual(files(expected));
      for (const f of files(expected)) expect(readFileSync(join(project, 'generated', f), 'utf8'), f).toBe(readFileSync(join(expected, f), 'utf8'));
    });

  it('is not used once a source or template changes: gen runs the sources until the next build', async () => {
    const pkg = dir();
    for (const p of ['bin', 'generator', 'templates', 'model', 'generated', 'package.json', 'package-lock.json']) cpSync(join(ROOT, p), join(pkg, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const gen = join(pkg, 'bin/gen.mjs');
    execFileSync(process.execPath, [join(pkg, 'bin/build.mjs')], { stdio: 'ignore' });

    // mark the compiled generator, to see which one runs
    const outDir = join(pkg, 'dist/gen');
    const chunk = readdirSync(outDir).find((f) => f.endsWith('.js') && readFileSync(join(outDir, f), 'utf8').includes('is up to date ('))!;
    writeFileSync(join(outDir, chunk), readFileSync(join(outDir, chunk), 'utf8').replace('is up to date (', 'is up to date [compiled] ('));
    const compiled = await run(gen, ['--check', '--root', pkg]);
    expect(compiled.stdout).toContain('generated/ is up to date [compiled] (');

    // an edit to the generator: the sources run, with it
    const command = join(pkg, 'generator/cli/generate-command.ts');
    writeFileSync(command, readFileSync(command, 'utf8').replace('is up to date (', 'is current ('));
    const edited = await run(gen, ['--check', '--root', pkg]);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('generated/ is current (');

    // an edit to a template, before and after rebuilding
    const template = join(pkg, 'templates/docs/schema.md.hbs');
    writeFileSync(template, `${readFileSync(template, 'utf8')}\nEdited.\n`);
    const stale = await run(gen, ['--check', '--root', pkg]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('generated/schema.md: stale');
    execFileSync(process.execPath, [join(pkg, 'bin/build.mjs')], { stdio: 'ignore' });
    expect(freshBuild(pkg)).not.toBeNull();
    expect((await run(gen, ['--root', pkg])).stdout).toContain('wrote generated/schema.md');
    expect(readFileSync(join(pkg, 'generated/schema.md'), 'utf8')).toMatch(/\nEdited\.\n/);
    const rebuilt = await run(gen, ['--check', '--root', pkg]);
    expect(rebuilt.stdout).toMatch(/^gen --check: generated\/ is current \(/);

    // a new file in generator/ makes the build stale too
    writeFileSync(join(pkg, 'generator/extra.ts'), 'export {};\n');
    expect(freshBuild(pkg)).toBeNull();
  });

  it('imports through tsx a model a bundle would change: an import cycle, a computed import()', async () => {
    const project = dir();
    for (const p of ['model', 'generated', 'package.json', 'package-lock.json']) cpSync(join(ROOT, p), join(project, p), { recursive: true });
    symlinkSync(join(ROOT, 'generator'), join(project, 'generator'));
    const index = join(project, 'model/index.ts');
    const entry = readFileSync(index, 'utf8');

    // a file read before it is initialized, through a cycle: an error, as in ES modules (a bundle would read undefined)
    writeFileSync(join(project, 'model/cycle-a.ts'), "import { b } from './cycle-b.ts';\nexport const a = b + 1;\n");
    writeFileSync(join(project, 'model/cycle-b.ts'), "import { a } from './cycle-a.ts';\nexport const b = a + 1;\n");
    writeFileSync(index, `import './cycle-a.ts';\n${entry}`);
    const cycle = await run(GEN, ['--check', '--root', project]);
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toMatch(/^error: model\/index\.ts: the model could not be loaded: Cannot access 'a' before initialization/);

    // a computed import() resolves from the file, as in ES modules (from a bundle it could not)
    writeFileSync(join(project, 'model/cycle-b.ts'), 'export const b = 1;\n');
    writeFileSync(join(project, 'model/extra.ts'), 'export const extra = 1;\n');
    writeFileSync(index, `const extra = './extra.ts';\nawait import(extra);\n${entry}`);
    const computed = await run(GEN, ['--check', '--root', project]);
    expect(computed.stderr).toBe('');
    expect(computed.code).toBe(0);
  });

  it('gen serve loads the generated API (TypeScript) and serves it', async () => {
    const dataDir = dir();
    const child = spawn(process.execPath, [GEN, 'serve', '--root', ROOT, '--port', '0', '--data-dir', dataDir, '--no-seed'], { env: { ...process.env, DATABASE_URL: '' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /API on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`gen serve exited ${code}: ${out}${err}`)));
    });
    try {
      const health = await fetch(`${address}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('stopping…');
  });
});

describe("the compiled generator's model cache", () => {
  it('serves a bundle only while the model is unchanged', async () => {
    const cache = dir();
    const project = dir();
    for (const p of ['model', 'generated', 'package.json', 'package-lock.json']) cpSync(join(ROOT, p), join(project, p), { recursive: true });
    symlinkSync(join(ROOT, 'generator'), join(project, 'generator'));
    const check = () => run(GEN, ['--check', '--root', project], { SCHEMAGEN_CACHE_DIR: cache });

    expect((await check()).code).toBe(0);
    expect(readdirSync(cache)).toHaveLength(1);
    expect((await check()).code).toBe(0);

    const schema = join(project, 'model/schema.ts');
    const before = readFileSync(schema, 'utf8');
    writeFileSync(schema, before.replace("description: text(),\n  status: workflowStatus()", "description: text(),\n  version: integer().notNull().default(1),\n  status: workflowStatus()"));
    const edited = await check();
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('generated/schema.md: stale');

    writeFileSync(schema, before);
    expect((await check()).code).toBe(0);

    // a tsconfig.json beside the model could change how it compiles: the bundle is built again (and the model still loads)
    writeFileSync(join(project, 'model/tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
    expect((await check()).code).toBe(0);
    expect(readdirSync(cache)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(cache, readdirSync(cache)[0]!), 'utf8')).configs[join(project, 'model/tsconfig.json')]).not.toBeNull();
  });

  it('is not written for a model that imports a package, which still loads', async () => {
    const cache = dir();
    const project = dir();
    for (const p of ['model', 'generated', 'package.json', 'package-lock.json']) cpSync(join(ROOT, p), join(project, p), { recursive: true });
    symlinkSync(join(ROOT, 'generator'), join(project, 'generator'));
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
    const columns = join(project, 'model/columns.ts');
    writeFileSync(columns, `import yargs from 'yargs';\nvoid yargs;\n${readFileSync(columns, 'utf8')}`);
    const r = await run(GEN, ['--check', '--root', project], { SCHEMAGEN_CACHE_DIR: cache });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(cache)).toEqual([]);
  });
});
