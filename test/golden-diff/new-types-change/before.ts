import { char, defineModel, doublePrecision, entity, interval, real, smallint, text, uuid, varchar } from '../../../generator/dsl/index.ts';

export const things = entity('things', {
  id: uuid().primaryKey().defaultRandom(),
  small: smallint(),
  single: real(),
  double: doublePrecision(),
  code: char(4),
  label: text(),
  span: interval(),
  note: varchar(20),
});

export default defineModel({ schema: { things } });
