import { expect, it } from 'vitest';
import { describePg } from '../support/engines.ts';
import { runGen } from '../support/gen-cli.ts';

/**
 * The commands as a user runs them, on PostgreSQL (a gen process on PGlite spends seconds starting it; what the
 * commands do is tested on both engines in test/db/tenant-lifecycle.test.ts).
 */
describePg('gen tenant and gen audit', (engine) => {
  it('create, audit verify, delete (only with --yes), one line per fact; bad input exits 1 and changes nothing', async () => {
    const handle = await engine.open();
    const gen = (args: string[]) => runGen([...args, '--database-url', handle.url!]);
    try {
      await run(gen);
    } finally {
      await handle.close();
    }
  });
});

async function run(gen: (args: string[]) => ReturnType<typeof runGen>): Promise<void> {
  {
    expect((await gen(['migrate', 'up'])).code).toBe(0);
    const create = await gen(['tenant', 'create', '--slug', 'acme', '--name', 'ACME GmbH', '--admin-email', 'boss@acme.example']);
    expect(create.stderr).toBe('');
    expect(create.stdout).toMatch(/^organizations acme \([0-9a-f-]{36}\) on 127\.0\.0\.1.*: created\n {2}admin boss@acme\.example \([0-9a-f-]{36}\): created\n$/);
    const bad = await gen(['tenant', 'create', '--slug', 'Not A Slug', '--name', 'x', '--admin-email', 'x@y.example']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: the database refused it: .*organizations_slug_check.*nothing was changed\n$/);
    const noAdmin = await gen(['tenant', 'create', '--slug', 'other']);
    expect([noAdmin.code, noAdmin.stderr]).toEqual([1, 'error: gen tenant create: --admin-email is required (the first admin of the organization)\n']);

    const verify = await gen(['audit', 'verify', '--heads']);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/^audit chain of audit_logs on 127\.0\.0\.1.*: intact, 2 row\(s\) in 1 organization\(s\)\n {2}head [0-9a-f-]{36} seq 2 [0-9a-f]{64}\n$/);

    const dry = await gen(['tenant', 'delete', '--slug', 'acme']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/would remove organizations acme .* with: organizations 1, users 1; its audit trail stays/);
    expect(dry.stderr).toBe('error: nothing deleted: add --yes to delete it\n');
    const del = await gen(['tenant', 'delete', '--slug', 'acme', '--yes']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(/^deleted organizations acme .*: organizations 1, users 1; its audit trail stays\n$/);
  }
}
