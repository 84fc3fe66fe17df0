import { Node, Project, SyntaxKind } from 'ts-morph';
import { relative } from 'node:path';
import type { ModelSourceInfo } from '../ir/build.ts';

/**
 * Reads the JSDoc of `entity(...)` / `pgEnum(...)` declarations and of each
 * column property, and which file declares each name. JSDoc is the model's
 * documentation: it becomes COMMENT ON and OpenAPI descriptions.
 */
export function readModelSource(files: readonly string[], root: string): ModelSourceInfo {
  const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { noResolve: true } });
  const comments: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const file of files) {
    const sf = project.addSourceFileAtPath(file);
    const rel = relative(root, file).split('\\').join('/');
    for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression().getText();
      if (callee !== 'entity' && callee !== 'pgEnum') continue;
      const [nameArg, columnsArg] = call.getArguments();
      if (!nameArg || !Node.isStringLiteral(nameArg)) continue;
      const name = nameArg.getLiteralValue();
      sources[name] ??= rel;
      const statement = call.getFirstAncestorByKind(SyntaxKind.VariableStatement);
      const doc = statement ? jsDoc(statement) : null;
      if (doc) comments[name] = doc;
      if (callee === 'entity' && columnsArg && Node.isObjectLiteralExpression(columnsArg))
        for (const prop of columnsArg.getProperties()) {
          if (!Node.isPropertyAssignment(prop) && !Node.isShorthandPropertyAssignment(prop)) continue;
          const colDoc = jsDoc(prop);
          if (colDoc) comments[`${name}.${prop.getName()}`] = colDoc;
        }
    }
  }
  return { comments, files: sources };
}

/** The description part of the last `/** ... *\/` before a node, without tags. */
function jsDoc(node: Node): string | null {
  const ranges = node.getLeadingCommentRanges().filter((r) => r.getText().startsWith('/**'));
  const last = ranges.at(-1);
  if (!last) return null;
  const body = last
    .getText()
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd());
  const untilTag = body.findIndex((line) => line.trimStart().startsWith('@'));
  const text = (untilTag === -1 ? body : body.slice(0, untilTag)).join('\n').trim();
  return text === '' ? null : text;
}
