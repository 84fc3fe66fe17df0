export const BUILD_DIR: string;
export const STAMP_FILE: string;
/** SHA-256 over what the compiled generator is built from. */
export function sourceDigest(root: string, list?: readonly string[]): string;
/** Sizes and modification times of the build's inputs, and their digest. */
export function sourceState(root: string): { stats: Record<string, [number, number]>; digest: string };
/** The compiled CLI's entry when dist/gen/ was built from today's sources; null when it is missing or stale. */
export function freshBuild(root: string): string | null;
