/** A seed that cannot be loaded: a bad row, a refused row, an unknown profile or an unmigrated database. Nothing was written. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    message: string,
    readonly row: { readonly profile: string; readonly table: string; readonly key: string } | null = null,
    readonly sqlstate: string | null = null,
    readonly constraint: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
