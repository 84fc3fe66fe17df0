import { bigint, boolean, check, defineModel, desc, entity, foreignKey, index, integer, jsonb, numeric, pgEnum, primaryKey, sql, text, timestamptz, unique, uuid, varchar } from '../../../generator/dsl/index.ts';

export const kind = pgEnum('doc_kind', ['memo', 'report'], 'Kinds of documents.');

export const docs = entity('docs', {
  id: uuid().primaryKey().defaultRandom(),
  kind: kind().notNull(),
  title: text().notNull().comment('Shown in lists.'),
  body: text().comment('Markdown.'),
}, { comment: 'Documents.' });

export default defineModel({ schema: { kind, docs } });
