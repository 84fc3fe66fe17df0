import { jsDocDescription, leadingCommentRanges } from './jsdoc.ts';
import { tokenize, Unsure, type Token } from './scan-tokens.ts';

/** An `entity('name', { ... })` or `pgEnum('name', ...)` call, with the JSDoc the model documents it with. */
export interface DeclarationDocs {
  readonly name: string;
  /** JSDoc of the variable statement around the call. */
  readonly doc: string | null;
  /** Entities: each property of the columns object (`name` as written, quotes included) with its JSDoc. */
  readonly columns: ReadonlyArray<readonly [name: string, doc: string | null]>;
}

/** Tokens after which a line break ends nothing: the expression goes on, as after `=` or `,`. */
const CONTINUES = new Set([
  '(', '[', '.', '?.', ',', '=', '?', ':', '<', '>', '<=', '>=', '==', '!=', '===', '!==', '+', '-', '*', '/', '%', '**',
  '&', '|', '^', '&&', '||', '??', '<<', '>>', '>>>', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=',
]);
/** Names after which an expression still needs more, wherever they stand. */
const NEEDS_MORE = new Set(['typeof', 'delete', 'new', 'await', 'in', 'instanceof', 'satisfies', 'keyof', 'extends', 'const', 'let', 'var', 'export', 'declare', 'return', 'throw', 'case', 'else', 'do']);
/** Names that may end an expression or need more (`void` as a type or an operator, `as` as a name or a cast). */
const MAY_NEED_MORE = new Set(['void', 'as', 'yield', 'async', 'of', 'get', 'set', 'type', 'unique', 'readonly', 'infer', 'is', 'asserts', 'abstract', 'static', 'accessor', 'override', 'public', 'private', 'protected', 'module', 'namespace', 'global']);
const MODIFIERS = new Set(['export', 'declare']);

const isPunct = (t: Token | undefined, text: string) => t?.kind === 'punct' && t.text === text;

/**
 * Reads the model's documentation from one file without TypeScript's parser: every `entity(...)`
 * and `pgEnum(...)` call whose first argument is a string literal, in source order, as
 * `read-comments-ts.ts` finds them with the parser (the test `read-comments.test.ts` compares the
 * two). Returns null where the text leaves a doubt only a parser settles (a `/` that may start a
 * regular expression, a line break whose meaning depends on the grammar, a computed column name):
 * the caller then asks TypeScript.
 */
export function scanModelSource(text: string): DeclarationDocs[] | null {
  try {
    return scan(text);
  } catch (err) {
    if (err instanceof Unsure) return null;
    throw err;
  }
}

function scan(text: string): DeclarationDocs[] {
  const tokens = tokenize(text);
  const fullStart = (i: number) => (i === 0 ? 0 : tokens[i - 1]!.end);
  const docAt = (pos: number) => jsDocDescription(text, leadingCommentRanges(text, pos));
  const statements = variableStatements(tokens);
  const found: DeclarationDocs[] = [];
  const enclosing: Array<{ first: number; last: number }> = [];
  let next = 0;
  for (let i = 0; i < tokens.length; i++) {
    while (enclosing.length > 0 && enclosing.at(-1)!.last < i) enclosing.pop();
    while (next < statements.length && statements[next]!.first <= i) enclosing.push(statements[next++]!);
    const t = tokens[i]!;
    if (t.kind !== 'name' || (t.text !== 'entity' && t.text !== 'pgEnum')) continue;
    const call = callArguments(tokens, i);
    if (!call) continue;
    const statement = enclosing.at(-1);
    const columns: Array<readonly [string, string | null]> = [];
    if (t.text === 'entity' && call.columns !== null)
      for (const [name, at] of objectProperties(tokens, call.columns)) columns.push([name, docAt(fullStart(at))]);
    found.push({ name: call.name, doc: statement ? docAt(fullStart(statement.first)) : null, columns });
  }
  return found;
}

/** A call `name('literal', { ... }?, ...)` at `i`: the literal's value and the index of the columns object's `{`. */
function callArguments(tokens: readonly Token[], i: number): { name: string; columns: number | null } | null {
  const prev = tokens[i - 1];
  // a property (`dsl.entity(`) or a constructor call is not the DSL's function
  if (prev && ((prev.kind === 'punct' && (prev.text === '.' || prev.text === '?.')) || (prev.kind === 'name' && prev.text === 'new'))) return null;
  const open = tokens[i + 1];
  if (isPunct(open, '<') || isPunct(open, '?.')) throw new Unsure('type arguments or an optional call');
  if (!isPunct(open, '(')) return null;
  const close = open!.match;
  const nameArg = tokens[i + 2];
  const afterName = tokens[i + 3];
  if (nameArg?.kind !== 'string' || !(i + 3 === close || isPunct(afterName, ','))) return null;
  if (nameArg.text.includes('\\')) throw new Unsure('an escape in a name');
  const name = nameArg.text.slice(1, -1);
  const brace = tokens[i + 4];
  if (!isPunct(afterName, ',') || !isPunct(brace, '{')) return { name, columns: null };
  const afterObject = brace!.match + 1;
  return { name, columns: afterObject === close || isPunct(tokens[afterObject], ',') ? i + 4 : null };
}

/**
 * The properties of the object literal opening at `brace` that TypeScript calls property assignments
 * (`a: x`, `'a': x`, `1: x`) or shorthands (`a`): their names as written and the index of their first
 * token. Spreads and methods are skipped.
 */
function objectProperties(tokens: readonly Token[], brace: number): Array<readonly [string, number]> {
  const close = tokens[brace]!.match;
  const depth = tokens[brace]!.depth + 1;
  const out: Array<readonly [string, number]> = [];
  let from = brace + 1;
  for (let k = brace + 1; k <= close; k++) {
    if (k < close && !(isPunct(tokens[k], ',') && tokens[k]!.depth === depth)) continue;
    if (from === k) {
      if (k !== close) throw new Unsure('an empty property');
    } else {
      const member = property(tokens, from, k);
      if (member) out.push([member, from]);
    }
    from = k + 1;
  }
  return out;
}

function property(tokens: readonly Token[], from: number, to: number): string | null {
  const first = tokens[from]!;
  const second = from + 1 < to ? tokens[from + 1]! : null;
  if (isPunct(first, '...') || isPunct(first, '*')) return null;
  if (first.kind === 'name' && !first.text.startsWith('#')) {
    if (second === null || isPunct(second, ':') || isPunct(second, '=')) return first.text;
    if (isPunct(second, '(') || isPunct(second, '<')) return null;
    if (['get', 'set', 'async'].includes(first.text) && (second.kind === 'name' || second.kind === 'string' || second.kind === 'number' || isPunct(second, '[') || isPunct(second, '*'))) return null;
  } else if ((first.kind === 'string' || first.kind === 'number') && second !== null) {
    if (isPunct(second, ':')) return first.text;
    if (isPunct(second, '(') || isPunct(second, '<')) return null;
  }
  throw new Unsure('a property this reader does not know');
}

/**
 * Every `const`/`let`/`var` statement (TypeScript's VariableStatement): the index of its first token
 * (`export`, `declare` or the keyword) and of its last, in source order. A statement ends at its
 * `;`, at the bracket that closes around it, or at a line break after which the grammar cannot
 * go on (an automatic semicolon).
 */
function variableStatements(tokens: readonly Token[]): Array<{ first: number; last: number }> {
  const out: Array<{ first: number; last: number }> = [];
  const openAtDepth = new Map<number, number>(); // depth → last token of the latest statement there
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name') continue;
    if (t.text === 'using' && tokens[i + 1]?.kind === 'name' && !tokens[i + 1]!.newline) throw new Unsure('a using declaration');
    if (!isVariableKeyword(tokens, i)) continue;
    let first = i;
    while (first > 0 && tokens[first - 1]!.kind === 'name' && MODIFIERS.has(tokens[first - 1]!.text) && !isPunct(tokens[first - 2], '.') && !isPunct(tokens[first - 2], '?.')) first--;
    // `declare` followed by a line break is a name, not a modifier
    for (let m = first + 1; m <= i; m++) if (tokens[m]!.newline) throw new Unsure('a line break after a modifier');
    const seen = openAtDepth.get(t.depth);
    // a statement that had not ended before this one began means this reader misread where it ended
    if (seen !== undefined && seen >= first) throw new Unsure('overlapping statements');
    const last = statementEnd(tokens, i);
    openAtDepth.set(t.depth, last);
    out.push({ first, last });
  }
  return out;
}

function isVariableKeyword(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.text !== 'const' && t.text !== 'let' && t.text !== 'var') return false;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  // `x.const`, `as const`, `<const T>`, `for (const x of ...)`: not a statement
  if (prev?.kind === 'punct' && ['.', '?.', '<', '(', ','].includes(prev.text)) return false;
  if (prev?.kind === 'name' && prev.text === 'as') return false;
  if (!next) return false;
  if (next.kind === 'name') return next.text !== 'enum' && next.text !== 'in' && next.text !== 'instanceof';
  return isPunct(next, '{') || isPunct(next, '[');
}

/** The index of the last token of the variable statement whose keyword is at `i`. */
function statementEnd(tokens: readonly Token[], i: number): number {
  const depth = tokens[i]!.depth;
  for (let k = i + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.depth < depth) return k - 1; // the bracket around the statement closes
    if (t.depth > depth || (t.match !== -1 && t.match < k) || t.part === 'middle' || t.part === 'tail') continue; // inside brackets, or closing one opened in the statement
    if (isPunct(t, ';')) return k;
    const prev = tokens[k - 1]!;
    if (isPunct(prev, '}') && isPunct(tokens[prev.match - 1], '=>')) {
      // after an arrow function's block body only `,` or `;` may follow
      if (isPunct(t, ',')) continue;
      if (t.newline && !(t.kind === 'punct' && CONTINUES.has(t.text)) && t.kind !== 'template') return k - 1;
      throw new Unsure('after an arrow function body');
    }
    if (!t.newline) continue;
    if (isPunct(t, '=>')) throw new Unsure('a line break before =>');
    if ((t.kind === 'punct' && CONTINUES.has(t.text)) || (t.kind === 'template' && (t.part === 'head' || t.part === 'whole')) || (t.kind === 'name' && (t.text === 'in' || t.text === 'instanceof'))) continue;
    const ends = endsExpression(tokens, k - 1);
    if (ends === 'no') continue;
    if (ends === 'unsure') throw new Unsure('a line break after a contextual keyword');
    return k - 1;
  }
  return tokens.length - 1;
}

/** Whether the token at `i` can end an expression, so that a line break after it may end the statement. */
function endsExpression(tokens: readonly Token[], i: number): 'yes' | 'no' | 'unsure' {
  const t = tokens[i]!;
  switch (t.kind) {
    case 'number':
    case 'string':
    case 'regex':
      return 'yes';
    case 'template':
      return t.part === 'tail' || t.part === 'whole' ? 'yes' : 'no';
    case 'punct':
      return t.text === ')' || t.text === ']' || t.text === '}' ? 'yes' : 'no';
    case 'name': {
      const before = tokens[i - 1];
      if (before?.kind === 'punct' && (before.text === '.' || before.text === '?.')) return 'yes';
      return NEEDS_MORE.has(t.text) ? 'no' : MAY_NEED_MORE.has(t.text) ? 'unsure' : 'yes';
    }
  }
}
