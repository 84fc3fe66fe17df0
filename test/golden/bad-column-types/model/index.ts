import { array, bytea, char, defineModel, entity, integer, interval, numeric, sql, text, time, uuid, type SqlExpr } from '../../../../generator/dsl/index.ts';

export const rates = entity('rates', {
  id: uuid().primaryKey().defaultRandom(),
  factor: numeric(5, 2).notNull(),
});

/** Each column is wrong in one way; gen lists them all, each naming file, entity and column. */
export const orders = entity('orders', {
  id: uuid().primaryKey().defaultRandom(),
  code: char(0),
  short: char(-3),
  qty: integer().notNull(),
  net: numeric(12, 2).generatedAlwaysAs((): SqlExpr => sql`${orders.qty} * ${rates.factor}`),
  gross: numeric(12, 2).generatedAlwaysAs((): SqlExpr => sql`${orders.net} * 1.19`),
  ticket: text().generatedAlwaysAsIdentity(),
  seq: integer().default(1).generatedAlwaysAsIdentity(),
  step: integer().generatedByDefaultAsIdentity({ increment: 0 }),
  opens: time().default('9:00'),
  wait: interval().default('two days'),
  blob: bytea().default('###'),
  waits: array(interval()),
});

export default defineModel({ schema: { rates, orders } });
