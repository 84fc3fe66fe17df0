import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devSecret, DEV_SECRET_FILE } from '../../generator/cli/dev-identity.ts';
import { entity, index, text, uuid, varchar } from '../../generator/dsl/index.ts';
import { buildApiModel } from '../../generator/emit/api/api-model.ts';
import { build } from '../support/build-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'schemagen-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('development identity and child routes', () => {
  it('refuses a development secret file too short to sign with, naming it', () => {
    const saved = process.env.JWT_SECRET;
    delete process.env.JWT_SECRET;
    try {
      writeFileSync(join(dir, DEV_SECRET_FILE), '\n');
      expect(() => devSecret(dir)).toThrow(new RegExp(`${DEV_SECRET_FILE}: the development JWT secret is shorter than 32`));
    } finally {
      if (saved !== undefined) process.env.JWT_SECRET = saved;
    }
  });

  it('makes a child collection route only for a reference to the parent\'s primary key', () => {
    const parents = entity('parents', { id: uuid().primaryKey(), code: varchar(10).notNull().unique() });
    const by_id = entity('by_id', { id: uuid().primaryKey(), parent_id: uuid().notNull().references(() => parents.id), note: text() }, { constraints: (t) => [index(t.parent_id)] });
    const by_code = entity('by_code', { id: uuid().primaryKey(), parent_code: varchar(10).notNull().references(() => parents.code) }, { constraints: (t) => [index(t.parent_code)] });
    const { ir } = build({ parents, by_id, by_code });
    const parent = buildApiModel(ir).resources.find((r) => r.name === 'parents')!;
    expect(parent.relations.map((r) => r.child)).toEqual(['by_id']);
  });
});
