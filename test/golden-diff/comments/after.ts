import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const kind = pgEnum('doc_kind', ['memo', 'report'], "Kinds of documents (it's a closed set).");

export const docs = entity('docs', {
  id: uuid().primaryKey().defaultRandom(),
  kind: kind().notNull(),
  title: text().notNull(),
  body: text().comment('Markdown, rendered on display.'),
  summary: text().comment('One line.'),
});

export default defineModel({ schema: { kind, docs } });
