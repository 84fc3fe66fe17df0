import { createRequire } from 'node:module';
import type { ts as Ts } from 'ts-morph';
import { jsDocDescription } from './jsdoc.ts';
import type { DeclarationDocs } from './scan-model-source.ts';

let loaded: typeof Ts | undefined;

/**
 * The TypeScript compiler API as ts-morph bundles it, loaded with `require` on first use: imported
 * from an ES module, Node would first scan ts-morph's 1 MB of CommonJS for its export names.
 */
const typescript = (): typeof Ts => (loaded ??= (createRequire(import.meta.url)('ts-morph') as { ts: typeof Ts }).ts);

/**
 * `scanModelSource` with TypeScript's parser, for the files the scanner is not sure of: it walks
 * the compiler's syntax tree (parse only, no type checker, no ts-morph wrapper per node) in
 * document order.
 */
export function parseModelSource(file: string, text: string): DeclarationDocs[] {
  const ts = typescript();
  const found: DeclarationDocs[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const docOf = (node: Ts.Node) => jsDocDescription(text, ts.getLeadingCommentRanges(text, node.pos) ?? []);
  const visit = (node: Ts.Node, statement: Ts.VariableStatement | undefined): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      const [nameArg, columnsArg] = node.arguments;
      if ((callee === 'entity' || callee === 'pgEnum') && nameArg && ts.isStringLiteral(nameArg)) {
        const columns: Array<readonly [string, string | null]> = [];
        if (callee === 'entity' && columnsArg && ts.isObjectLiteralExpression(columnsArg))
          for (const prop of columnsArg.properties)
            if (ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) columns.push([prop.name.getText(sf), docOf(prop)]);
        found.push({ name: nameArg.text, doc: statement ? docOf(statement) : null, columns });
      }
    }
    const inner = ts.isVariableStatement(node) ? node : statement;
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  ts.forEachChild(sf, (child) => visit(child, undefined));
  return found;
}
