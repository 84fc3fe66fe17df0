export type MigrationErrorCode =
  | 'bad_folder'
  | 'missing_file'
  | 'checksum_mismatch'
  | 'migration_failed'
  | 'lock_timeout'
  | 'out_of_order'
  | 'fork'
  | 'verify_failed'
  | 'bad_options';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: MigrationErrorCode;
  /** The migration folder name, e.g. `0002_add_users`, when one is involved. */
  readonly migration: string | undefined;
  /** PostgreSQL's SQLSTATE when the database refused a migration's SQL. */
  readonly sqlstate: string | undefined;

  constructor(
    code: MigrationErrorCode,
    message: string,
    extra: { migration?: string; sqlstate?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.migration = extra.migration;
    this.sqlstate = extra.sqlstate;
  }
}
