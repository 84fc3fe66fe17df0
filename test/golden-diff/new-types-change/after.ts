import { char, citext, defineModel, doublePrecision, entity, integer, real, text, time, uuid, varchar } from '../../../generator/dsl/index.ts';

// widenings (smallint -> integer, real -> double precision, char(4) -> varchar(10)) need no check; narrowings
// (double precision -> real, text -> char(2), interval -> time) check every row first; varchar -> citext cannot
// fail on a value (only on a unique key), so it has nothing to check but is still destructive
export const things = entity('things', {
  id: uuid().primaryKey().defaultRandom(),
  small: integer(),
  single: doublePrecision(),
  double: real(),
  code: varchar(10),
  label: char(2),
  span: time(),
  note: citext(),
});

export default defineModel({ schema: { things } });
