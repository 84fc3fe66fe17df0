import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/db-helpers.ts';
import { describePg } from '../support/engines.ts';
import { runGen, tempDirs } from '../support/gen-cli.ts';

const dirs = tempDirs('schemagen-evolve-');
/** A copy of the project's model/ and generated/migrations, with generator/ linked; gen writes the rest. */
const project = () => dirs.project(['model', 'generated/migrations']);
const gen = runGen;

function editModel(dir: string, from: string, to: string): void {
  const file = join(dir, 'model/schema.ts');
  const text = readFileSync(file, 'utf8');
  expect(text, `model/schema.ts contains ${from}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

const ADD_VERSION = ['description: text(),\n  status: workflowStatus()', 'description: text(),\n  version: integer().notNull().default(1),\n  status: workflowStatus()'] as const;
const migrationsOf = (dir: string) => readdirSync(join(dir, 'generated/migrations')).sort();
/** The project's committed history, which the copies start from; `next(k, slug)` is the k-th migration a test adds. */
const BASE = migrationsOf(ROOT);
const LATEST = BASE.at(-1)!;
const next = (k: number, slug: string) => `${String(BASE.length + k).padStart(4, '0')}_${slug}`;
const snapshotOf = (dir: string, folder: string) => JSON.parse(readFileSync(join(dir, 'generated/migrations', folder, 'snapshot.json'), 'utf8')) as { id: string; parent: string | null };

describe('gen: schema evolution', () => {
  it('plain gen with a model change exits 1 saying what changed and asking for --name; --name writes NNNN_<name> on top', async () => {
    const dir = project();
    editModel(dir, ...ADD_VERSION);
    const plain = await gen(['--root', dir]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`the model differs from generated/migrations/${LATEST}/snapshot.json (changed: workflows); not yet captured in a migration`);
    expect(plain.stderr).toContain('  - add column workflows.version');
    expect(plain.stderr).toContain('`npx gen --name <slug>`');
    expect(migrationsOf(dir)).toEqual(BASE);

    const bad = await gen(['--root', dir, '--name', 'Add-Version']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --name "Add-Version": a migration name is lower-case letters, digits and _/);

    const named = await gen(['--root', dir, '--name', 'add_version']);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    const added = next(1, 'add_version');
    expect(named.stdout).toContain(`wrote migration ${added}`);
    expect(migrationsOf(dir)).toEqual([...BASE, added]);
    expect(snapshotOf(dir, added).parent).toBe(snapshotOf(dir, LATEST).id);
    const up = readFileSync(join(dir, `generated/migrations/${added}/up.sql`), 'utf8');
    expect(up).toContain('ALTER TABLE "workflows" ADD COLUMN "version" integer NOT NULL DEFAULT 1;');

    const check = await gen(['--root', dir, '--check']);
    expect(check.code).toBe(0);
    const again = await gen(['--root', dir, '--name', 'add_version_again']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`the model has not changed since ${added}: no migration written`);
    expect(migrationsOf(dir)).toEqual([...BASE, added]);

    // migrate up, then verify (up, down, up on a scratch PGlite, catalogs compared)
    const migrate = await gen(['--root', dir, 'migrate', 'up']);
    expect(migrate.code).toBe(0);
    for (const m of [...BASE, added]) expect(migrate.stdout).toContain(`↑ ${m} (`);
    expect(migrate.stdout).toMatch(new RegExp(`↑ ${LATEST} \\(\\d+ ms\\)\\n↑ ${added} \\(\\d+ ms\\)`));
    const verify = await gen(['--root', dir, 'migrate', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('scratch database (PGlite in memory)');
    expect(verify.stdout).toMatch(new RegExp(`↓ ${added} \\(\\d+ ms\\)`));
    expect(verify.stdout).toContain(`verify: ${BASE.length + 1} migration(s) go up, down and up again, one by one and all together; the catalogs match`);
  });

  it('refuses a destructive change unless --allow-destructive, naming entity.column and the fix; up.sql marks it', async () => {
    const dir = project();
    editModel(dir, '  last_login_at: timestamptz(),\n', '');
    const refused = await gen(['--root', dir, '--name', 'drop_last_login']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to write migration drop_last_login: 1 destructive step(s)');
    expect(refused.stderr).toContain("users.last_login_at: drops column users.last_login_at and its value in every row [drop-column]; fix: if it was renamed, add .renamedFrom('last_login_at')");
    expect(migrationsOf(dir)).toEqual(BASE);
    const allowed = await gen(['--root', dir, '--name', 'drop_last_login', '--allow-destructive']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('1 destructive (allowed)');
    const up = readFileSync(join(dir, `generated/migrations/${next(1, 'drop_last_login')}/up.sql`), 'utf8');
    expect(up).toContain('-- DESTRUCTIVE: drops column users.last_login_at and its value in every row\nALTER TABLE "users" DROP COLUMN "last_login_at";');
    const down = readFileSync(join(dir, `generated/migrations/${next(1, 'drop_last_login')}/down.sql`), 'utf8');
    expect(down).toContain('the data the up removed is not restored');
  });

  it('--check and migrate detect a fork (two migrations with one number, or a snapshot on another parent) and say how to resolve it', async () => {
    const dir = project();
    editModel(dir, ...ADD_VERSION);
    expect((await gen(['--root', dir, '--name', 'add_version'])).code).toBe(0);
    const migrations = join(dir, 'generated/migrations');
    const [added, tags, renumbered] = [next(1, 'add_version'), next(1, 'add_tags'), next(2, 'add_tags')];
    const number = added.slice(0, 4);
    // another branch added its own migration on the same parent
    cpSync(join(migrations, added), join(migrations, tags), { recursive: true });
    const check = await gen(['--root', dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`generated/migrations/${added}: number ${number} is also used by ${tags}`);
    expect(check.stderr).toContain('regenerate it on top with `npx gen --name add_version`');
    const status = await gen(['--root', dir, 'migrate', 'status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(new RegExp(`version ${Number(number)} is also used by .*a fork`));
    const named = await gen(['--root', dir, '--name', 'more']);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('resolve it before writing a new migration');

    // renumbered by hand: its snapshot's parent is still the one before the added migration
    cpSync(join(migrations, tags), join(migrations, renumbered), { recursive: true });
    rmSync(join(migrations, tags), { recursive: true });
    const afterRenumber = await gen(['--root', dir, '--check']);
    expect(afterRenumber.code).toBe(1);
    expect(afterRenumber.stderr).toContain(`generated/migrations/${renumbered}/snapshot.json: its parent is`);
    expect(afterRenumber.stderr).toContain(`${renumbered} was generated on a branch that did not have ${added}`);
    const up = await gen(['--root', dir, 'migrate', 'up']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('Refusing to migrate: the migration history has a fork');
    expect(existsSync(join(dir, '.data'))).toBe(false);
  });

  it('an index marked .concurrently() on an existing table becomes a no-transaction migration the runner applies', async () => {
    const dir = project();
    editModel(dir, 'index(t.created_by),\n  ],', 'index(t.created_by),\n    index(t.name, t.status).concurrently(),\n  ],');
    const named = await gen(['--root', dir, '--name', 'workflow_name_idx']);
    expect(named.code).toBe(0);
    const added = next(1, 'workflow_name_idx_concurrently');
    expect(migrationsOf(dir)).toEqual([...BASE, added]);
    const up = readFileSync(join(dir, `generated/migrations/${added}/up.sql`), 'utf8');
    expect(up.split('\n')[0]).toBe('-- schemagen: no-transaction');
    expect(up).toContain('CREATE INDEX CONCURRENTLY "workflows_name_status_idx" ON "workflows" ("name", "status");');
    const migrate = await gen(['--root', dir, 'migrate', 'up']);
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(new RegExp(`↑ ${added} \\(\\d+ ms\\)`));
    const down = await gen(['--root', dir, 'migrate', 'down']);
    expect(down.stdout).toMatch(new RegExp(`↓ ${added} \\(\\d+ ms\\)`));
  });
});

describePg('gen migrate verify on a server', (engine) => {
  it('--database-url creates a scratch database there, runs up, down, up, and drops it', async () => {
    const handle = await engine.open();
    try {
      const dir = project();
      const r = await gen(['--root', dir, 'migrate', 'verify', '--database-url', handle.url!]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const name = /database (schemagen_verify_[0-9a-f]+) on /.exec(r.stdout)?.[1];
      expect(name).toBeDefined();
      expect(r.stdout).toContain(`verify: ${BASE.length} migration(s) go up, down and up again, one by one and all together; the catalogs match`);
      const client = new pg.Client({ connectionString: handle.url! });
      await client.connect();
      try {
        expect((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount).toBe(0);
        // the target database itself was not touched
        expect((await client.query(`select to_regclass('public._schemagen_migrations') as t`)).rows).toEqual([{ t: null }]);
      } finally {
        await client.end();
      }
    } finally {
      await handle.close();
    }
  });
});
