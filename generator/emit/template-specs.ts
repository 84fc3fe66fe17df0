/**
 * Every template precompiled, by template name (`sql/create-table`). Empty in the sources, where
 * `render` compiles each template on first use; `bin/build.mjs` fills it in the compiled generator,
 * which then needs only Handlebars' runtime.
 */
export const TEMPLATE_SPECS: Readonly<Record<string, TemplateSpecification>> = {};
