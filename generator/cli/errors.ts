/** A problem the user can fix (bad model, stale files, bad flags): exit 1, one line, no stack. */
export class UserError extends Error {
  constructor(message: string, readonly details: readonly string[] = []) {
    super(message);
    this.name = 'UserError';
  }
}
