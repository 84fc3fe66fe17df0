import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const severity = pgEnum('ticket_severity', ['minor', 'major'], 'How bad it is.');

export const tickets = entity('tickets', {
  id: uuid().primaryKey().defaultRandom(),
  severity: severity().notNull().default('minor'),
});

export default defineModel({ schema: { severity, tickets } });
