import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const status = pgEnum('ticket_status', ['open', 'closed']);

export const tickets = entity('tickets', {
  id: uuid().primaryKey().defaultRandom(),
  status: status().notNull().default('open'),
});

export default defineModel({ schema: { status, tickets } });
