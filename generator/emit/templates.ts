import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** templates/ at the package root; templates are data, read once each. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const hb = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders `templates/<name>.hbs` with a view model whose identifiers are
 * already quoted: templates only loop and interpolate.
 */
export function render(name: string, view: object): string {
  let template = cache.get(name);
  if (!template) {
    template = hb.compile(readFileSync(`${TEMPLATES_DIR}${name}.hbs`, 'utf8'), { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(view);
}
