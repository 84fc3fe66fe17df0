import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PackageLock, RootPackage } from '../emit/api/package.ts';
import type { ApiPackageInputs, GeneratedFile, MigrationHistory } from '../emit/generate.ts';
import { parseSnapshot } from '../emit/snapshot.ts';
import { folderVersion } from '../runtime/migration-files.ts';

/** Only the command layer touches the disk. */
export const GENERATED_DIR = 'generated';
export const MIGRATIONS_DIR = `${GENERATED_DIR}/migrations`;
const MIGRATION_FILES = ['up.sql', 'down.sql', 'snapshot.json'];

export function readHistory(root: string): { history: MigrationHistory; problems: string[] } {
  const dir = join(root, MIGRATIONS_DIR);
  // the runner's rule and order: NNNN_slug folders by version (a name sort would put 10000_x before 9999_y)
  const folders = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && folderVersion(e.name) !== null)
        .map((e) => e.name)
        .sort((a, b) => folderVersion(a)! - folderVersion(b)!)
    : [];
  const problems: string[] = [];
  for (const f of folders)
    for (const file of MIGRATION_FILES)
      if (!existsSync(join(dir, f, file))) problems.push(`${MIGRATIONS_DIR}/${f}/${file}: missing; restore it from git (migrations are history and are not regenerated)`);
  const last = folders.at(-1);
  const snapshotPath = last ? join(dir, last, 'snapshot.json') : null;
  const latest = snapshotPath && existsSync(snapshotPath) ? parseSnapshot(readFileSync(snapshotPath, 'utf8'), `${MIGRATIONS_DIR}/${last}/snapshot.json`) : null;
  return { history: { folders, latest }, problems };
}

/** Files under generated/ that gen owns and did not produce this time (migration history excepted). */
export function listOwnedFiles(root: string): string[] {
  const base = join(root, GENERATED_DIR);
  const walk = (rel: string): string[] =>
    readdirSync(join(base, rel), { withFileTypes: true }).flatMap((e) => {
      const path = rel ? `${rel}/${e.name}` : e.name;
      // migration history, and what building and installing generated/api leaves beside its sources
      if (path === 'migrations' || path === 'api/dist' || path === 'api/node_modules') return [];
      return e.isDirectory() ? walk(path) : [path];
    });
  return existsSync(base) ? walk('').sort() : [];
}

/** The root package.json and package-lock.json, from which gen derives generated/api's own package; undefined without a lock. */
export function readApiPackageInputs(root: string): ApiPackageInputs | undefined {
  const lockFile = join(root, 'package-lock.json');
  if (!existsSync(lockFile)) return undefined;
  const pkgFile = join(root, 'package.json');
  const rootPkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as RootPackage) : {};
  return { lock: JSON.parse(readFileSync(lockFile, 'utf8')) as PackageLock, root: { name: rootPkg.name, version: rootPkg.version, engines: rootPkg.engines } };
}

export type FileState = 'unchanged' | 'changed' | 'missing';

const CHUNK = 1 << 20;
const fromFile = Buffer.allocUnsafe(CHUNK);
const fromModel = Buffer.allocUnsafe(CHUNK);
const utf8 = new TextEncoder();
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/**
 * Compares the file's bytes with the contents' UTF-8, a megabyte at a time through two reused
 * buffers: neither the file (a JSON of megabytes with one non-Latin-1 character would decode to a
 * string of twice its size) nor the contents' encoding is ever held whole.
 */
export function compareFile(root: string, file: GeneratedFile): FileState {
  const path = join(root, GENERATED_DIR, file.path);
  if (!existsSync(path)) return 'missing';
  const fd = openSync(path, 'r');
  try {
    const text = file.contents;
    let at = 0; // characters of the contents compared
    for (;;) {
      // at most 3 bytes per UTF-16 unit, so a slice always fits; never end one between the halves of a surrogate pair
      let end = Math.min(text.length, at + Math.floor(CHUNK / 3));
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
      const { written } = at < end ? utf8.encodeInto(text.slice(at, end), fromModel) : { written: 0 };
      at = end;
      let got = 0;
      while (got < written) {
        const n = readSync(fd, fromFile, got, written - got, null);
        if (n === 0) return 'changed'; // the file is shorter
        got += n;
      }
      if (written === 0) return readSync(fd, fromFile, 0, 1, null) === 0 ? 'unchanged' : 'changed'; // longer?
      if (fromFile.compare(fromModel, 0, written, 0, written) !== 0) return 'changed';
    }
  } finally {
    closeSync(fd);
  }
}

export function writeGenerated(root: string, file: GeneratedFile): void {
  const path = join(root, GENERATED_DIR, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.contents);
}

export function removeGenerated(root: string, rel: string): void {
  rmSync(join(root, GENERATED_DIR, rel));
}
