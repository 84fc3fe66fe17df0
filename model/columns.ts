import { sql, timestamptz, uuid, type ColumnRef } from '../generator/dsl/index.ts';

/** The surrogate key every entity uses: a random UUID made by the database. */
export const id = () => uuid().primaryKey().defaultRandom();

/** `created_at` / `updated_at`, the latter kept current by trigger. */
export const timestamps = () => ({
  created_at: timestamptz().notNull().defaultNow().immutable().comment('When the row was created.'),
  updated_at: timestamptz().notNull().defaultNow().onUpdateNow().comment('When the row was last changed; set by trigger on every update.'),
});

/** CHECK: at least one non-whitespace character (`btrim` would only trim spaces, letting tabs and newlines through). */
export const notBlank = (c: ColumnRef) => sql`${c} ~ '\S'`;
