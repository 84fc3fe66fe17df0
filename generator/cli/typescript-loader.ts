/**
 * Lets `import()` load TypeScript files (the model when it cannot be bundled, generated/api for
 * `gen serve`). The sources already run under a loader (tsx, vitest); the compiled generator
 * (dist/gen/) registers tsx the first time it needs one.
 */
let registered = false;

export async function useTypeScriptLoader(): Promise<void> {
  if (registered || import.meta.url.endsWith('.ts')) return;
  const { register } = await import('tsx/esm/api');
  register();
  registered = true;
}
