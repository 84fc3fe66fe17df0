import {
  array, bigint, bytea, char, citext, doublePrecision, entity, index, integer, interval, real, smallint, sql, text, time, unique, uuid, type SqlExpr,
} from '../../../../generator/dsl/index.ts';

/**
 * A fixture for the column types beyond EPIC-01's: each one in a table, through migrations, seeds and the
 * API (test/db/column-types.test.ts, test/api/column-types.test.ts import expected/).
 */

/** The tenant. */
export const shops = entity('shops', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
}, { tenancy: 'root' });

/** Every new type, nullable unless a default fills it. */
export const products = entity('products', {
  id: uuid().primaryKey().defaultRandom(),
  shop_id: uuid().notNull().references(() => shops.id, { onDelete: 'cascade' }),
  /** Fixed width: blank-padded by the database, returned without the padding. */
  sku: char(8).notNull(),
  /** Unique per shop whatever its case. */
  contact: citext(),
  quantity: smallint().notNull().default(0),
  weight: real(),
  price: doublePrecision(),
  opens_at: time(),
  /** ISO 8601 duration. */
  lead_time: interval(),
  /** Bytes, as base64. */
  thumbnail: bytea(),
  aliases: array(citext()),
  sizes: array(smallint()),
  ratios: array(real()),
  slots: array(time()),
  /** Computed by the database from price and quantity; never written by a request or a seed. */
  total: doublePrecision().generatedAlwaysAs((): SqlExpr => sql`${products.price} * ${products.quantity}`),
  /** A search key computed from the SKU. */
  sku_key: text().notNull().generatedAlwaysAs((): SqlExpr => sql`lower(btrim(${products.sku}))`),
}, {
  tenancy: 'scoped',
  constraints: (t) => [index(t.shop_id), unique(t.contact), unique(t.sku), index(t.shop_id, t.total)],
  api: {
    filterable: ['sku', 'contact', 'quantity', 'weight', 'price', 'opens_at', 'lead_time', 'thumbnail', 'total', 'sku_key'],
    sortable: ['sku', 'contact', 'quantity', 'weight', 'price', 'opens_at', 'lead_time', 'thumbnail', 'total'],
  },
});

/**
 * Numbered by the database: `id` always (never in a request or a seed), `ticket` by default (a request may
 * give one). Global: an identity's sequence is shared by all who insert, which a tenant table would leak.
 */
export const counters = entity('counters', {
  id: bigint().primaryKey().generatedAlwaysAsIdentity({ start: 1000 }),
  ticket: integer().generatedByDefaultAsIdentity({ start: 10, increment: 5, maxValue: 100000 }),
  label: text().notNull(),
}, { tenancy: 'global', api: { sortable: ['ticket'], filterable: ['ticket'] } });
