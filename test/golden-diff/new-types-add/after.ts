import { array, bytea, char, citext, defineModel, doublePrecision, entity, interval, real, smallint, text, time, uuid } from '../../../generator/dsl/index.ts';

// one column of each type beyond EPIC-01's, with defaults where a literal has a form of its own; citext brings its extension
export const things = entity('things', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  code: char(3).notNull().default('ab'),
  email: citext(),
  rank: smallint().notNull().default(-1),
  ratio: real().default(0.5),
  score: doublePrecision(),
  opens_at: time().default('09:00:00'),
  every: interval().notNull().default('P1D'),
  blob: bytea().notNull().default('3q2+7w=='),
  tags: array(citext()).notNull().default([]),
});

export default defineModel({ schema: { things } });
