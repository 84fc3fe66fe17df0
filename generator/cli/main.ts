import { resolve } from 'node:path';
import { DbConnectionError } from '../runtime/db.ts';
import { MigrationError } from '../runtime/migration-error.ts';
import { UserError } from './errors.ts';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `--database-url` (default $DATABASE_URL) and `--data-dir`, shared by every command that opens a database. */
const databaseOptions = (dataDirHelp: string) =>
  ({
    'database-url': { type: 'string', default: process.env.DATABASE_URL, defaultDescription: '$DATABASE_URL', describe: 'PostgreSQL URL; without it PGlite is used' },
    'data-dir': { type: 'string', describe: dataDirHelp, defaultDescription: '<root>/.data' },
  }) as const;

const databaseTarget = (a: { 'database-url'?: string; 'data-dir'?: string }) => ({
  databaseUrl: a['database-url'] || undefined,
  dataDir: a['data-dir'] ? resolve(a['data-dir']) : undefined,
});

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/**
 * `gen` and `gen --check` with nothing but `--root DIR` and `--verbose`, each at most once: what CI
 * and the edit loop run. yargs would parse them the same way; skipping it spares loading it.
 * Anything else (help, other options, `--root=DIR`, repeats) returns null and goes to yargs.
 */
export function plainGenerateArgs(argv: readonly string[]): { root: string; check: boolean; verbose: boolean } | null {
  const seen = new Set<string>();
  let root = '.';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (seen.has(arg) || !['--check', '--verbose', '--root'].includes(arg)) return null;
    seen.add(arg);
    if (arg === '--root') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return null;
      root = value;
    }
  }
  return { root, check: seen.has('--check'), verbose: seen.has('--verbose') };
}

/**
 * The `gen` command line. Returns the exit code: 0 ok, 1 check failed or a
 * problem the user can fix, 2 an internal error.
 */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const plain = plainGenerateArgs(argv);
  if (plain)
    try {
      return await (await import('./generate-command.ts')).runGenerate({ root: resolve(plain.root), check: plain.check, name: undefined, allowDestructive: false, ...io });
    } catch (err) {
      return report(err, plain.verbose, io);
    }
  const { default: yargs } = await import('yargs');
  let verbose = argv.includes('--verbose');
  let code = 0;
  const run = (task: () => Promise<number>) => async () => {
    code = await task();
  };
  const parser = yargs([...argv])
    .scriptName('gen')
    .usage('$0 [command] [options]')
    .option('root', { type: 'string', default: '.', describe: 'Project directory holding model/ and generated/' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces of internal errors' })
    .command(
      '$0',
      'Generate generated/ from model/ (migrations, schema.md)',
      (y) =>
        y
          .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 naming each stale, missing or extra file, any model change not captured in a migration, and any fork in the history' })
          .option('name', { type: 'string', describe: 'Write the model change since the latest migration as the next one, NNNN_<name> (lower-case letters, digits, _)' })
          .option('allow-destructive', { type: 'boolean', default: false, describe: 'With --name: allow dropping tables or columns, narrowing types and unsafe NOT NULLs' }),
      (a) =>
        run(async () =>
          (await import('./generate-command.ts')).runGenerate({ root: resolve(a.root), check: a.check, name: a.name, allowDestructive: a['allow-destructive'], ...io }),
        )(),
    )
    .command(
      'migrate <action>',
      'Apply, revert or list migrations (DATABASE_URL, else embedded PGlite in .data/)',
      (y) =>
        y
          .positional('action', { choices: ['up', 'down', 'status', 'verify'] as const, demandOption: true, describe: 'up: apply pending; down: revert the newest; status: list; verify: up, down, up on a scratch database, comparing catalogs' })
          .options(databaseOptions('PGlite data directory'))
          .option('steps', { type: 'number', describe: 'down: how many migrations to revert (default 1)' })
          .option('to', { type: 'number', describe: 'up: apply up to this version; down: revert down to this version (0 = all)' })
          .option('lock-timeout', { type: 'number', describe: 'up/down: seconds a statement waits for a table lock before the migration rolls back and is retried (default 5)' })
          .option('lock-retries', { type: 'number', describe: 'up/down: how often a migration that timed out waiting for a lock is retried, waiting 1 s, 2 s, 4 s… (default 5)' }),
      (a) =>
        run(async () =>
          (await import('./migrate-command.ts')).runMigrate({
            root: resolve(a.root),
            action: a.action,
            ...databaseTarget(a),
            steps: a.steps,
            to: a.to,
            lockTimeoutSeconds: a['lock-timeout'],
            lockRetries: a['lock-retries'],
            // verify builds a scratch database: on the server only when --database-url is given explicitly, never from $DATABASE_URL
            verifyServerUrl: argv.some((x) => x === '--database-url' || x.startsWith('--database-url=')) ? a['database-url'] || undefined : undefined,
            out: io.out,
          }),
        )(),
    )
    .command(
      'seed',
      'Load seed data into a migrated database as its owner, in one transaction (existing rows are kept)',
      (y) =>
        y
          .option('profile', { type: 'string', default: 'default', describe: 'Seed profile from model/seed.ts (default, load, ...)' })
          .options(databaseOptions('PGlite data directory'))
          .option('orgs', { type: 'number', describe: 'Generated profiles (load): organizations' })
          .option('workflows', { type: 'number', describe: 'Generated profiles (load): workflows per organization' })
          .option('seed', { type: 'number', describe: 'Generated profiles (load): random seed; the same seed gives the same rows' })
          .option('batch-rows', { type: 'number', describe: 'Rows per multi-row INSERT (default 500)' }),
      (a) =>
        run(async () =>
          (await import('./seed-command.ts')).runSeed({
            root: resolve(a.root),
            profile: a.profile,
            ...databaseTarget(a),
            params: { orgs: a.orgs, workflows: a.workflows, seed: a.seed },
            batchRows: a['batch-rows'],
            ...io,
          }),
        )(),
    )
    .command(
      'serve',
      'Run generated/api on the development database (embedded PGlite in .data/, or DATABASE_URL), migrated and seeded first; refuses NODE_ENV=production',
      (y) =>
        y
          .option('port', { type: 'number', default: Number(process.env.PORT) || 3000, defaultDescription: '$PORT or 3000', describe: 'Port to listen on' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on (0.0.0.0 for all)' })
          .options(databaseOptions('PGlite data directory (and the development JWT secret)'))
          .option('seed', { type: 'boolean', default: true, describe: 'Load the default seed profile first (--no-seed to skip)' })
          .option('log-level', { type: 'string', default: process.env.LOG_LEVEL || 'warn', defaultDescription: '$LOG_LEVEL or warn', describe: 'pino level of the API log' }),
      (a) =>
        run(async () =>
          (await import('./serve-command.ts')).runServe({
            root: resolve(a.root),
            port: a.port,
            host: a.host,
            ...databaseTarget(a),
            seed: a.seed,
            logLevel: a['log-level'],
            ...io,
          }),
        )(),
    )
    .command(
      'tenant <action>',
      'Create an organization with its first admin, or delete one with everything it owns (its audit trail stays): as the owner, audited, in one transaction',
      (y) =>
        y
          .positional('action', { choices: ['create', 'delete'] as const, demandOption: true, describe: 'create: idempotent; delete: says what it would remove, deletes with --yes' })
          .option('slug', { type: 'string', demandOption: true, describe: "The tenant's handle (the root's unique column, tenancy.handle)" })
          .option('name', { type: 'string', describe: 'create: its name (the root column `name`)' })
          .option('admin-email', { type: 'string', describe: 'create: e-mail of its first admin' })
          .option('admin-name', { type: 'string', describe: 'create: the admin\'s full name (default: the e-mail)' })
          .option('admin-role', { type: 'string', describe: 'create: the role the first user gets (default: users.keepOne)' })
          .option('set', { type: 'string', array: true, default: [] as string[], describe: 'create: another column of the root, column=value (repeatable)' })
          .option('yes', { type: 'boolean', default: false, describe: 'delete: really delete' })
          .options(databaseOptions('PGlite data directory')),
      (a) =>
        run(async () =>
          (await import('./tenant-command.ts')).runTenant({
            root: resolve(a.root),
            action: a.action,
            slug: a.slug,
            name: a.name,
            adminEmail: a['admin-email'],
            adminName: a['admin-name'],
            adminRole: a['admin-role'],
            set: a.set.map(String),
            yes: a.yes,
            ...databaseTarget(a),
            ...io,
          }),
        )(),
    )
    .command(
      'audit <action>',
      'Check the audit trail: verify recomputes every organization\'s hash chain and names the first broken link (exit 1)',
      (y) =>
        y
          .positional('action', { choices: ['verify'] as const, demandOption: true, describe: 'verify: recompute every link' })
          .option('heads', { type: 'boolean', default: false, describe: 'Print each organization\'s newest link (seq and hash), to record elsewhere' })
          .options(databaseOptions('PGlite data directory')),
      (a) =>
        run(async () => (await import('./audit-command.ts')).runAuditVerify({ root: resolve(a.root), heads: a.heads, ...databaseTarget(a), ...io }))(),
    )
    .command(
      'token',
      'Print a development JWT for a seeded user (for the Authorization header of generated/api); refuses NODE_ENV=production',
      (y) =>
        y
          .option('user', { type: 'string', describe: 'E-mail of a seeded user' })
          .option('user-id', { type: 'string', describe: 'Any user id (with --org-id) instead of --user' })
          .option('org-id', { type: 'string', describe: 'The organization id for --user-id' })
          .option('hours', { type: 'number', default: 12, describe: 'Lifetime of the token' })
          .option('data-dir', { type: 'string', describe: 'Where the development JWT secret is kept (unless JWT_SECRET is set)', defaultDescription: '<root>/.data' }),
      (a) =>
        run(async () =>
          (await import('./token-command.ts')).runToken({
            root: resolve(a.root),
            user: a.user,
            userId: a['user-id'],
            orgId: a['org-id'],
            hours: a.hours,
            dataDir: a['data-dir'] ? resolve(a['data-dir']) : undefined,
            out: io.out,
          }),
        )(),
    )
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UserError(`${msg}; see \`gen --help\``);
    });
  try {
    const parsed = await parser.parseAsync();
    verbose = Boolean(parsed.verbose);
    return code;
  } catch (err) {
    return report(err, verbose, io);
  }
}

function report(err: unknown, verbose: boolean, io: Io): number {
  if (err instanceof UserError || err instanceof MigrationError || err instanceof DbConnectionError) {
    io.err(`error: ${err.message}`);
    if (verbose && err.stack) io.err(err.stack);
    return 1;
  }
  const e = err as Error;
  io.err(`internal error: ${e?.message ?? String(err)}${verbose ? '' : ' (run with --verbose for the stack trace, and report it)'}`);
  if (verbose && e?.stack) io.err(e.stack);
  return 2;
}
