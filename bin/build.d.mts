/** Compiles generator/ and templates/ into dist/gen/ (see build.mjs). */
export function buildGenerator(): Promise<{ out: string; digest: string }>;
