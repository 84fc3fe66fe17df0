import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import type { Db } from '../../generator/runtime/db.ts';
import {
  MigrationError,
  migrateDown,
  migrateUp,
  migrationStatus,
  readMigrations,
  type Migration,
} from '../../generator/runtime/migrations.ts';
import { openDb } from '../../generator/runtime/open-db.ts';
import { openPg } from '../../generator/runtime/pg-db.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';
import { describeEachEngine, describePg, resetPublicSchema, type EngineHandle } from '../support/engines.ts';

type Files = Record<string, { up: string; down: string }>;

const FIXTURE: Files = {
  '0001_initial': {
    up: `create type user_status as enum ('active', 'disabled');
create table orgs (id uuid primary key default gen_random_uuid(), name text not null unique);
create table users (
  id bigint generated always as identity primary key,
  org_id uuid not null references orgs(id) on delete cascade,
  status user_status not null default 'active',
  updated_at timestamptz
);`,
    down: `drop table users;
drop table orgs;
drop type user_status;`,
  },
  '0002_touch_trigger': {
    up: `create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create trigger users_touch before update on users for each row execute function touch_updated_at();`,
    down: `drop trigger users_touch on users;
drop function touch_updated_at();`,
  },
  '0003_users_index': {
    up: `create index users_status_idx on users (status) where status <> 'disabled';
comment on table users is 'People who sign in';`,
    down: `comment on table users is null;
drop index users_status_idx;`,
  },
};

const BROKEN: Files = {
  '0004_broken': {
    up: `create table audit (id int primary key);
insert into no_such_table values (1);`,
    down: 'drop table audit;',
  },
};

/** Rich DDL for comparing the catalog listing of PostgreSQL 15 with PGlite's 18. */
const CATALOG_DDL = `
create type status as enum ('active', 'disabled', 'it''s');
create domain email as text check (value ~ '@') not null;
create table orgs (id uuid primary key default gen_random_uuid(), name text not null unique,
  created_at timestamptz not null default now());
create table users (
  id bigint generated always as identity primary key,
  org_id uuid not null references orgs(id) on delete cascade,
  email email not null,
  status status not null default 'active',
  score numeric(10,2) check (score >= 0),
  name text collate "C",
  lower_email text generated always as (lower(email)) stored,
  updated_at timestamptz,
  unique (org_id, email)
);
create table counters (id serial primary key, n int default 0);
create index users_status_idx on users (status) where status <> 'disabled';
create index users_lower_idx on users (lower(email));
create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create function add(a int, b int default 1) returns int language sql immutable as 'select a + b';
create trigger users_touch before update on users for each row execute function touch_updated_at();
alter table users enable row level security;
alter table users force row level security;
create policy users_org on users using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  with check (org_id is not null);
create view active_users as select id, email from users where status = 'active';
comment on table users is 'People';
comment on column users.email is 'Login';
comment on type status is 'User status';
comment on function add(int, int) is 'adds';
grant select on users to public;
grant select (name) on orgs to public;
revoke execute on function add(int, int) from public;
`;

async function writeMigrations(dir: string, files: Files): Promise<void> {
  for (const [name, { up, down }] of Object.entries(files)) {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'up.sql'), up);
    await writeFile(join(dir, name, 'down.sql'), down);
  }
}

async function migrationsOf(files: Files): Promise<Migration[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-migrations-'));
  try {
    await writeMigrations(dir, files);
    return await readMigrations(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bookkeeping(db: Db): Promise<{ version: number; name: string }[]> {
  return (await db.query<{ version: number; name: string }>('select version, name from _schemagen_migrations order by 1')).rows;
}

function caught(promise: Promise<unknown>): Promise<MigrationError> {
  return promise.then(
    () => expect.fail('expected a MigrationError'),
    (err: unknown) => {
      expect(err).toBeInstanceOf(MigrationError);
      return err as MigrationError;
    },
  );
}

describeEachEngine('db adapter', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  it('exec runs many statements; query takes parameters and reports rowCount', async () => {
    expect(db.engine).toBe(engine.name);
    await db.exec('create table t (id int primary key, label text); insert into t values (1, $$a$$), (2, $$b$$);');
    const inserted = await db.query('insert into t values ($1, $2), ($3, $4)', [3, 'c', 4, 'd']);
    expect(inserted.rowCount).toBe(2);
    expect((await db.query('update t set label = upper(label) where id > $1', [1])).rowCount).toBe(3);
    const selected = await db.query<{ id: number; label: string }>('select id, label from t where id <= $1 order by id', [2]);
    expect(selected).toEqual({ rows: [{ id: 1, label: 'a' }, { id: 2, label: 'B' }], rowCount: 2 });
  });

  it('returns int8 as a string and timestamptz as a Date on every engine', async () => {
    const { rows } = await db.query<{ big: unknown; n: unknown; at: unknown }>(
      `select 9007199254740993::int8 as big, 42::int4 as n, now() as at`,
    );
    expect(rows[0]).toMatchObject({ big: '9007199254740993', n: 42 });
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });

  it('transaction commits on success and rolls back everything when fn throws', async () => {
    await db.exec('create table t (id int primary key)');
    expect(await db.transaction(async (tx) => (await tx.query('insert into t values (1)')).rowCount)).toBe(1);
    await expect(
      db.transaction(async (tx) => {
        await tx.exec('insert into t values (2); insert into t values (3);');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(db.transaction((tx) => tx.exec('insert into t values (4); insert into t values (1);'))).rejects.toMatchObject({
      code: '23505',
    });
    expect((await db.query('select id from t order by id')).rows).toEqual([{ id: 1 }]);
  });

  describe('migrations', () => {
    let migrations: Migration[];
    beforeAll(async () => {
      migrations = await migrationsOf(FIXTURE);
    });

    it('up applies every migration once in order, logs a line each, and status follows', async () => {
      expect((await migrationStatus(db, migrations)).map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
      const log: string[] = [];
      const ran = await migrateUp(db, migrations, { log: (line) => log.push(line) });
      expect(ran.map((m) => m.name)).toEqual(['0001_initial', '0002_touch_trigger', '0003_users_index']);
      expect(log).toHaveLength(3);
      expect(log[0]).toMatch(/^↑ 0001_initial \(\d+ ms\)$/);
      expect(await bookkeeping(db)).toEqual([
        { version: 1, name: '0001_initial' },
        { version: 2, name: '0002_touch_trigger' },
        { version: 3, name: '0003_users_index' },
      ]);
      const status = await migrationStatus(db, migrations);
      expect(status.map((s) => s.state)).toEqual(['applied', 'applied', 'applied']);
      expect(status[0]?.appliedAt).toBeInstanceOf(Date);
      expect(await migrateUp(db, migrations)).toEqual([]);
    });

    it('up --to stops at a version; down reverts one step by default, or down to a version', async () => {
      await migrateUp(db, migrations, { to: 2 });
      expect((await bookkeeping(db)).map((r) => r.version)).toEqual([1, 2]);
      const log: string[] = [];
      const reverted = await migrateDown(db, migrations, { log: (line) => log.push(line) });
      expect(reverted.map((m) => m.name)).toEqual(['0002_touch_trigger']);
      expect(log[0]).toMatch(/^↓ 0002_touch_trigger \(\d+ ms\)$/);
      await migrateUp(db, migrations);
      expect((await migrateDown(db, migrations, { steps: 2 })).map((m) => m.version)).toEqual([3, 2]);
      await migrateUp(db, migrations);
      expect((await migrateDown(db, migrations, { to: 0 })).map((m) => m.version)).toEqual([3, 2, 1]);
      expect(await bookkeeping(db)).toEqual([]);
      expect((await caught(migrateDown(db, migrations, { steps: 1, to: 0 }))).code).toBe('bad_options');
    });

    it('leaves the catalog exactly as before after up then down', async () => {
      const before = await readCatalog(db);
      await migrateUp(db, migrations);
      const applied = await readCatalog(db);
      expect(applied).toEqual(expect.arrayContaining([expect.stringMatching(/^enum user_status /)]));
      expect(applied.some((line) => line.startsWith('trigger users.users_touch '))).toBe(true);
      expect(applied.some((line) => line.includes('_schemagen_migrations'))).toBe(false);
      await migrateDown(db, migrations, { to: 0 });
      expect(await readCatalog(db)).toEqual(before);
    });

    it('refuses to run when an applied migration was edited, naming it', async () => {
      await migrateUp(db, migrations, { to: 2 });
      const edited = migrations.map((m) =>
        m.version === 2 ? { ...m, up: `${m.up}\n-- tweak`, checksum: 'x'.repeat(64) } : m,
      );
      const err = await caught(migrateUp(db, edited));
      expect(err.code).toBe('checksum_mismatch');
      expect(err.migration).toBe('0002_touch_trigger');
      expect(err.message).toContain('0002_touch_trigger');
      expect(err.message).toMatch(/do not edit applied migrations/i);
      expect((await caught(migrateDown(db, edited))).code).toBe('checksum_mismatch');
      expect((await migrationStatus(db, edited)).map((s) => s.state)).toEqual(['applied', 'changed', 'pending']);
      expect((await bookkeeping(db)).map((r) => r.version)).toEqual([1, 2]);
    });

    it('refuses to run when an applied migration folder is missing', async () => {
      await migrateUp(db, migrations);
      const withoutThird = migrations.filter((m) => m.version !== 3);
      const err = await caught(migrateUp(db, withoutThird));
      expect(err.code).toBe('missing_file');
      expect(err.message).toContain('0003_users_index');
      expect((await migrationStatus(db, withoutThird)).map((s) => `${s.name}:${s.state}`)).toEqual([
        '0001_initial:applied',
        '0002_touch_trigger:applied',
        '0003_users_index:missing-file',
      ]);
    });

    it('rolls a failing migration back entirely; the error names the folder and SQLSTATE', async () => {
      const all = await migrationsOf({ ...FIXTURE, ...BROKEN });
      const log: string[] = [];
      const err = await caught(migrateUp(db, all, { log: (line) => log.push(line) }));
      expect(err.code).toBe('migration_failed');
      expect(err.migration).toBe('0004_broken');
      expect(err.sqlstate).toBe('42P01');
      expect(err.message).toContain('0004_broken/up.sql');
      expect(err.message).toContain('SQLSTATE 42P01');
      expect(err.message).toContain('no_such_table');
      expect(err.message).toContain('at line 2');
      expect(log).toHaveLength(3);
      expect((await bookkeeping(db)).map((r) => r.version)).toEqual([1, 2, 3]);
      expect((await db.query(`select to_regclass('audit') as t`)).rows).toEqual([{ t: null }]);
      expect((await migrationStatus(db, all)).at(-1)?.state).toBe('pending');
    });

    it('two concurrent runners on one Db apply each migration exactly once', async () => {
      const logs: string[] = [];
      const [a, b] = await Promise.all([
        migrateUp(db, migrations, { log: (l) => logs.push(l) }),
        migrateUp(db, migrations, { log: (l) => logs.push(l) }),
      ]);
      expect(a.length + b.length).toBe(3);
      expect(logs).toHaveLength(3);
      expect((await bookkeeping(db)).map((r) => r.version)).toEqual([1, 2, 3]);
    });
  });
});

describe('readMigrations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-read-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sorts by number, ignores files beside the folders, and checksums up + NUL + down', async () => {
    await writeMigrations(dir, {
      '0010_late': { up: 'select 10;', down: '' },
      '0002_b': { up: 'select 2;', down: 'select -2;' },
      '0001_a': { up: 'select 1;', down: 'select -1;' },
    });
    await writeFile(join(dir, 'README.md'), 'not a migration');
    await writeFile(join(dir, '0002_b', 'snapshot.json'), '{}');
    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      [1, '0001_a'],
      [2, '0002_b'],
      [10, '0010_late'],
    ]);
    const expected = createHash('sha256').update('select 2;\0select -2;').digest('hex');
    expect(migrations[1]?.checksum).toBe(expected);
  });

  it('names the path of a badly named folder', async () => {
    await writeMigrations(dir, { initial: { up: '', down: '' } });
    const err = await caught(readMigrations(dir));
    expect(err.code).toBe('bad_folder');
    expect(err.message).toContain(join(dir, 'initial'));
    expect(err.message).toContain('NNNN_slug');
  });

  it('names the missing down.sql', async () => {
    await mkdir(join(dir, '0001_initial'));
    await writeFile(join(dir, '0001_initial', 'up.sql'), 'select 1;');
    const err = await caught(readMigrations(dir));
    expect(err.code).toBe('missing_file');
    expect(err.message).toContain(join(dir, '0001_initial', 'down.sql'));
  });

  it('refuses two folders with the same version', async () => {
    await writeMigrations(dir, { '0001_a': { up: '', down: '' }, '0001_b': { up: '', down: '' } });
    expect((await caught(readMigrations(dir))).code).toBe('bad_folder');
  });

  it('says so when the folder does not exist', async () => {
    const err = await caught(readMigrations(join(dir, 'nope')));
    expect(err.message).toContain(join(dir, 'nope'));
  });
});

describe('opening databases', () => {
  it('a pg connection failure names host and database, hides the password, and says what to check', async () => {
    const err = await openPg('postgres://alice:s3cret@127.0.0.1:1/nodb').then(
      () => expect.fail('expected a connection error'),
      (e: Error) => e,
    );
    expect(err.message).toContain('127.0.0.1:1/nodb');
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).toContain('server is up');
    expect(err.message).not.toContain('s3cret');
  });

  it('PGlite persists in its data directory, creating it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sg-pglite-'));
    const dataDir = join(root, 'nested', 'data');
    try {
      const first = await openPglite({ dataDir });
      await first.exec(`create table kept (v text); insert into kept values ('still here');`);
      await first.close();
      const second = await openDb({ dataDir });
      expect(second.engine).toBe('pglite');
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describePg('postgres only', (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(handle.db));

  it('openDb uses pg when given a URL', async () => {
    const db = await openDb({ databaseUrl: handle.url! });
    try {
      expect(db.engine).toBe('pg');
      expect((await db.query('select current_database() as name')).rows[0]).toEqual({ name: handle.url!.split('/').pop() });
    } finally {
      await db.close();
    }
  });

  it('lists the same catalog as PGlite (PostgreSQL 18) for the same DDL', async () => {
    const lite = await openPglite({});
    try {
      const pgVersion = (await handle.db.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]?.v;
      const liteVersion = (await lite.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]?.v;
      expect(pgVersion?.slice(0, 2)).not.toBe(liteVersion?.slice(0, 2));
      await handle.db.exec(CATALOG_DDL);
      await lite.exec(CATALOG_DDL);
      const fromPg = await readCatalog(handle.db);
      expect(fromPg.length).toBeGreaterThan(40);
      expect(await readCatalog(lite)).toEqual(fromPg);

      await resetPublicSchema(handle.db);
      await resetPublicSchema(lite);
      const migrations = await migrationsOf(FIXTURE);
      await migrateUp(handle.db, migrations);
      await migrateUp(lite, migrations);
      expect(await readCatalog(lite)).toEqual(await readCatalog(handle.db));
    } finally {
      await lite.close();
    }
  });

  it('two runners with separate pools apply each migration exactly once', async () => {
    // pg_sleep widens the window in which both runners want the same migration.
    const slow = Object.fromEntries(
      Object.entries(FIXTURE).map(([name, files]) => [name, { ...files, up: `select pg_sleep(0.2);\n${files.up}` }]),
    );
    const migrations = await migrationsOf(slow);
    const [one, two] = await Promise.all([openPg(handle.url!, { max: 2 }), openPg(handle.url!, { max: 2 })]);
    try {
      const logs: string[] = [];
      const runs = await Promise.all([
        migrateUp(one, migrations, { log: (l) => logs.push(`one ${l}`) }),
        migrateUp(two, migrations, { log: (l) => logs.push(`two ${l}`) }),
      ]);
      expect(runs.flat().map((m) => m.version).sort()).toEqual([1, 2, 3]);
      expect(logs).toHaveLength(3);
      expect((await bookkeeping(handle.db)).map((r) => r.version)).toEqual([1, 2, 3]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
