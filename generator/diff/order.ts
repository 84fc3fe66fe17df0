import type { Change, ChangeKind, ChangeOf } from './changes.ts';

interface Position {
  readonly kind: ChangeKind;
  readonly reason: string;
  readonly when?: (c: Change) => boolean;
}

const at = <K extends ChangeKind>(kind: K, reason: string, when?: (c: ChangeOf<K>) => boolean): Position => ({
  kind,
  reason,
  ...(when ? { when: when as (c: Change) => boolean } : {}),
});

/**
 * The order of the steps of an evolution migration: one list, a reason per
 * position. Removals run first with the `before` names, then renames, then
 * creations and alterations with the `after` names, then the removal of what
 * nothing uses any more. (The initial migration has its own, simpler order:
 * `plan-create.ts`.)
 */
export const ORDER: readonly Position[] = [
  at('createRole', 'grants and policies name the role'),
  at('alterRole', 'with the roles: NOINHERIT before the roles it gives privileges through exist'),
  at('createExtension', 'columns use the types it brings'),
  at('createEnum', 'columns use the type'),
  at('addEnumValue', 'kept apart from steps that use the value (gen splits them into an earlier migration)'),
  at('createFunction', 'triggers and policies call it; plpgsql bodies are checked when called, so they may name tables made later'),
  at('replaceFunction', 'like createFunction: new triggers may rely on the new body'),

  at('dropPolicy', 'policies use columns and functions that may go or change type'),
  at('revoke', 'the application role never holds more than the new model allows; column grants go before their columns'),
  at('disableRowLevelSecurity', 'with the policies'),
  at('dropTrigger', 'triggers name columns in their arguments and call functions dropped at the end'),
  at('dropForeignKey', 'before the keys, columns and tables they use, and before type changes of their columns'),
  at('dropIndex', 'before their columns; a unique one after the foreign keys that relied on it'),
  at('dropCheck', 'before the columns they use'),
  at('dropUnique', 'after the foreign keys that referenced it'),
  at('dropPrimaryKey', 'after the foreign keys that referenced it'),
  at('ungenerateColumn', 'a generated column computed anew goes (or becomes plain) before the columns it is computed from are dropped or change type, and after everything that used it'),
  at('dropColumn', 'after everything that used the column'),
  at('dropTable', 'after the foreign keys into it and its own (which other dropped tables may need gone)'),

  at('renameTable', 'before anything that uses the new name'),
  at('renameColumn', 'after its table has its new name'),
  at('renameConstraint', 'after table and column renames; before new constraints that may take the old name'),
  at('renameIndex', 'like renameConstraint'),

  at('createTable', 'before the columns, keys and foreign keys that reference it'),
  at('addColumn', 'before keys, indexes, policies and grants that use it'),
  at('alterColumnDefault', 'a default goes before its column changes type: the old one might not cast', (c) => c.to === null),
  at('alterIdentity', 'an identity goes before a default takes its place, and before NOT NULL is dropped', (c) => c.to === null),
  at('alterColumnType', 'after the foreign keys and policies on the column are dropped; before keys that rely on the new type'),
  at('dropNotNull', 'with the other column alterations'),
  at('alterColumnDefault', 'after the type change, so the default is of the new type', (c) => c.to !== null),
  at('setNotNull', 'after the default is in place: its expression fills the rows holding NULL'),
  at('alterIdentity', 'an identity comes, or changes, once the default is gone and NOT NULL is set', (c) => c.to !== null),
  at('generateColumn', 'after the columns it is computed from have their new types; before the keys, indexes, policies and grants on it'),
  at('addPrimaryKey', 'foreign keys need the key'),
  at('addUnique', 'foreign keys need the key'),
  at('addCheck', 'after the columns and their new types'),
  at('createIndex', 'a unique index can be the target of a foreign key'),
  at('addForeignKey', 'after every table and key it references, so order and cycles never matter'),
  at('createTrigger', 'after the functions and columns they use'),
  at('enableRowLevelSecurity', 'before grants: a table is never reachable by the application role before its policies exist'),
  at('createPolicy', 'after row-level security is on, before grants'),
  at('grantSchemaUsage', 'with the grants'),
  at('grant', 'last of the security steps'),
  at('commentOn', 'on objects that exist by now under their new names'),

  at('dropFunction', 'after the triggers and policies calling it are gone'),
  at('dropEnum', 'after the columns of the type are gone or changed'),
  at('dropExtension', 'like dropEnum: after the columns of its types are gone or changed'),
  at('revokeSchemaUsage', 'after every grant to the role is revoked'),
  at('dropRole', 'last: nothing refers to the role any more'),
];

/** Index into ORDER; a kind matching no entry is a bug caught by the ordering test. */
export function positionOf(change: Change): number {
  const i = ORDER.findIndex((p) => p.kind === change.kind && (p.when === undefined || p.when(change)));
  if (i < 0) throw new Error(`no position for change ${change.kind} in diff/order.ts`);
  return i;
}

/** Stable: changes at the same position keep the order the diff made them in (by name). */
export const ordered = (changes: readonly Change[]): Change[] =>
  changes
    .map((c, i) => ({ c, i, p: positionOf(c) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ c }) => c);
