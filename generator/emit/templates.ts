import type Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TEMPLATE_SPECS } from './template-specs.ts';

/** templates/ at the package root; templates are data, read once each. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const require = createRequire(import.meta.url);
let compiler: typeof Handlebars | undefined;
let runtime: typeof Handlebars | undefined;
const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders `templates/<name>.hbs` with a view model whose identifiers are
 * already quoted: templates only loop and interpolate.
 */
export function render(name: string, view: object): string {
  let template = cache.get(name);
  if (!template) {
    const spec = TEMPLATE_SPECS[name];
    // Handlebars is CommonJS: `require` loads it when first needed, and precompiled templates need only its runtime
    template = spec
      ? (runtime ??= (require('handlebars/runtime') as typeof Handlebars).create()).template(spec)
      : (compiler ??= (require('handlebars') as typeof Handlebars).create()).compile(readFileSync(`${TEMPLATES_DIR}${name}.hbs`, 'utf8'), { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(view);
}
