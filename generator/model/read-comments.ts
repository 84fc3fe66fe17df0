import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import type { ts as Ts } from 'ts-morph';
import type { ModelSourceInfo } from './build-ir.ts';

/**
 * The TypeScript compiler API as ts-morph bundles it, loaded with `require`:
 * imported from an ES module, Node would first scan ts-morph's 1 MB of
 * CommonJS for its export names, a tenth of `gen --check`'s start-up.
 */
const { ts } = createRequire(import.meta.url)('ts-morph') as { ts: typeof Ts };

/**
 * Reads the JSDoc of `entity(...)` / `pgEnum(...)` declarations and of each
 * column property, and which file declares each name. JSDoc is the model's
 * documentation: it becomes COMMENT ON and OpenAPI descriptions.
 *
 * It walks the compiler's syntax tree directly (parse only, no type checker,
 * no ts-morph wrapper per node), in document order.
 */
export function readModelSource(files: readonly string[], root: string): ModelSourceInfo {
  const comments: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const rel = relative(root, file).split('\\').join('/');
    const visit = (node: Ts.Node, statement: Ts.VariableStatement | undefined): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf);
        const [nameArg, columnsArg] = node.arguments;
        if ((callee === 'entity' || callee === 'pgEnum') && nameArg && ts.isStringLiteral(nameArg)) {
          const name = nameArg.text;
          sources[name] ??= rel;
          const doc = statement ? jsDoc(text, statement) : null;
          if (doc) comments[name] = doc;
          if (callee === 'entity' && columnsArg && ts.isObjectLiteralExpression(columnsArg))
            for (const prop of columnsArg.properties) {
              if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
              const colDoc = jsDoc(text, prop);
              if (colDoc) comments[`${name}.${prop.name.getText(sf)}`] = colDoc;
            }
        }
      }
      const inner = ts.isVariableStatement(node) ? node : statement;
      ts.forEachChild(node, (child) => visit(child, inner));
    };
    ts.forEachChild(sf, (child) => visit(child, undefined));
  }
  return { comments, files: sources };
}

/** The description part of the last `/** ... *\/` before a node, without tags. */
function jsDoc(text: string, node: Ts.Node): string | null {
  const ranges = (ts.getLeadingCommentRanges(text, node.pos) ?? []).filter((r) => text.startsWith('/**', r.pos));
  const last = ranges.at(-1);
  if (!last) return null;
  const body = text
    .slice(last.pos, last.end)
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd());
  const untilTag = body.findIndex((line) => line.trimStart().startsWith('@'));
  const description = (untilTag === -1 ? body : body.slice(0, untilTag)).join('\n').trim();
  return description === '' ? null : description;
}
