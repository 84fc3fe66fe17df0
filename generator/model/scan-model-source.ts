import { jsDocDescription, leadingCommentRanges } from './jsdoc.ts';
import { Kind, Part, tokenize, Unsure, type Tokens } from './scan-tokens.ts';

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
  const fullStart = (i: number) => (i === 0 ? 0 : tokens.end(i - 1));
  const docAt = (pos: number) => jsDocDescription(text, leadingCommentRanges(text, pos));
  const statements = variableStatements(tokens);
  const found: DeclarationDocs[] = [];
  const enclosing: Array<{ first: number; last: number }> = [];
  let next = 0;
  for (let i = 0; i < tokens.length; i++) {
    while (enclosing.length > 0 && enclosing.at(-1)!.last < i) enclosing.pop();
    while (next < statements.length && statements[next]!.first <= i) enclosing.push(statements[next++]!);
    const isEntity = tokens.isName(i, 'entity');
    if (!isEntity && !tokens.isName(i, 'pgEnum')) continue;
    const call = callArguments(tokens, i);
    if (!call) continue;
    const statement = enclosing.at(-1);
    const columns: Array<readonly [string, string | null]> = [];
    if (isEntity && call.columns !== null)
      for (const [name, at] of objectProperties(tokens, call.columns)) columns.push([name, docAt(fullStart(at))]);
    found.push({ name: call.name, doc: statement ? docAt(fullStart(statement.first)) : null, columns });
  }
  return found;
}

/** A call `name('literal', { ... }?, ...)` at `i`: the literal's value and the index of the columns object's `{`. */
function callArguments(tokens: Tokens, i: number): { name: string; columns: number | null } | null {
  // a property (`dsl.entity(`) or a constructor call is not the DSL's function
  if (tokens.isPunct(i - 1, '.') || tokens.isPunct(i - 1, '?.') || tokens.isName(i - 1, 'new')) return null;
  if (tokens.isPunct(i + 1, '<') || tokens.isPunct(i + 1, '?.')) throw new Unsure('type arguments or an optional call');
  if (!tokens.isPunct(i + 1, '(')) return null;
  const close = tokens.match(i + 1);
  if (i + 2 >= tokens.length || tokens.kind(i + 2) !== Kind.String || !(i + 3 === close || tokens.isPunct(i + 3, ','))) return null;
  const literal = tokens.text(i + 2);
  if (literal.includes('\\')) throw new Unsure('an escape in a name');
  const name = literal.slice(1, -1);
  if (!tokens.isPunct(i + 3, ',') || !tokens.isPunct(i + 4, '{')) return { name, columns: null };
  const afterObject = tokens.match(i + 4) + 1;
  return { name, columns: afterObject === close || tokens.isPunct(afterObject, ',') ? i + 4 : null };
}

/**
 * The properties of the object literal opening at `brace` that TypeScript calls property assignments
 * (`a: x`, `'a': x`, `1: x`) or shorthands (`a`): their names as written and the index of their first
 * token. Spreads and methods are skipped.
 */
function objectProperties(tokens: Tokens, brace: number): Array<readonly [string, number]> {
  const close = tokens.match(brace);
  const depth = tokens.depth(brace) + 1;
  const out: Array<readonly [string, number]> = [];
  let from = brace + 1;
  for (let k = brace + 1; k <= close; k++) {
    if (k < close && !(tokens.isPunct(k, ',') && tokens.depth(k) === depth)) continue;
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

function property(tokens: Tokens, from: number, to: number): string | null {
  const second = from + 1 < to ? from + 1 : -1;
  if (tokens.isPunct(from, '...') || tokens.isPunct(from, '*')) return null;
  const kind = tokens.kind(from);
  const name = kind === Kind.Name || kind === Kind.String || kind === Kind.Number ? tokens.text(from) : null;
  if (kind === Kind.Name && !name!.startsWith('#')) {
    if (second === -1 || tokens.isPunct(second, ':') || tokens.isPunct(second, '=')) return name;
    if (tokens.isPunct(second, '(') || tokens.isPunct(second, '<')) return null;
    const next = tokens.kind(second);
    if (['get', 'set', 'async'].includes(name!) && (next === Kind.Name || next === Kind.String || next === Kind.Number || tokens.isPunct(second, '[') || tokens.isPunct(second, '*'))) return null;
  } else if ((kind === Kind.String || kind === Kind.Number) && second !== -1) {
    if (tokens.isPunct(second, ':')) return name;
    if (tokens.isPunct(second, '(') || tokens.isPunct(second, '<')) return null;
  }
  throw new Unsure('a property this reader does not know');
}

/**
 * Every `const`/`let`/`var` statement (TypeScript's VariableStatement): the index of its first token
 * (`export`, `declare` or the keyword) and of its last, in source order. A statement ends at its
 * `;`, at the bracket that closes around it, or at a line break after which the grammar cannot
 * go on (an automatic semicolon).
 */
function variableStatements(tokens: Tokens): Array<{ first: number; last: number }> {
  const out: Array<{ first: number; last: number }> = [];
  const openAtDepth = new Map<number, number>(); // depth → last token of the latest statement there
  for (let i = 0; i < tokens.length; i++) {
    if (tokens.kind(i) !== Kind.Name) continue;
    if (tokens.isName(i, 'using') && tokens.kind(i + 1) === Kind.Name && i + 1 < tokens.length && !tokens.newline(i + 1)) throw new Unsure('a using declaration');
    if (!isVariableKeyword(tokens, i)) continue;
    let first = i;
    while ((tokens.isName(first - 1, 'export') || tokens.isName(first - 1, 'declare')) && !tokens.isPunct(first - 2, '.') && !tokens.isPunct(first - 2, '?.')) first--;
    // `declare` followed by a line break is a name, not a modifier
    for (let m = first + 1; m <= i; m++) if (tokens.newline(m)) throw new Unsure('a line break after a modifier');
    const depth = tokens.depth(i);
    const seen = openAtDepth.get(depth);
    // a statement that had not ended before this one began means this reader misread where it ended
    if (seen !== undefined && seen >= first) throw new Unsure('overlapping statements');
    const last = statementEnd(tokens, i);
    openAtDepth.set(depth, last);
    out.push({ first, last });
  }
  return out;
}

function isVariableKeyword(tokens: Tokens, i: number): boolean {
  if (!tokens.isName(i, 'const') && !tokens.isName(i, 'let') && !tokens.isName(i, 'var')) return false;
  // `x.const`, `as const`, `<const T>`, `for (const x of ...)`: not a statement
  if (['.', '?.', '<', '(', ','].some((p) => tokens.isPunct(i - 1, p)) || tokens.isName(i - 1, 'as')) return false;
  const next = i + 1;
  if (next >= tokens.length) return false;
  if (tokens.kind(next) === Kind.Name) return !tokens.isName(next, 'enum') && !tokens.isName(next, 'in') && !tokens.isName(next, 'instanceof');
  return tokens.isPunct(next, '{') || tokens.isPunct(next, '[');
}

/** The index of the last token of the variable statement whose keyword is at `i`. */
function statementEnd(tokens: Tokens, i: number): number {
  const depth = tokens.depth(i);
  for (let k = i + 1; k < tokens.length; k++) {
    const d = tokens.depth(k);
    if (d < depth) return k - 1; // the bracket around the statement closes
    const part = tokens.part(k);
    if (d > depth || (tokens.match(k) !== -1 && tokens.match(k) < k) || part === Part.Middle || part === Part.Tail) continue; // inside brackets, or closing one opened in the statement
    if (tokens.isPunct(k, ';')) return k;
    const kind = tokens.kind(k);
    const continues = (kind === Kind.Punct && CONTINUES.has(tokens.text(k))) || part === Part.Head || part === Part.Whole || tokens.isName(k, 'in') || tokens.isName(k, 'instanceof');
    if (tokens.isPunct(k - 1, '}') && tokens.isPunct(tokens.match(k - 1) - 1, '=>')) {
      // after an arrow function's block body only `,` or `;` may follow
      if (tokens.isPunct(k, ',')) continue;
      if (tokens.newline(k) && !(kind === Kind.Punct && CONTINUES.has(tokens.text(k))) && kind !== Kind.Template) return k - 1;
      throw new Unsure('after an arrow function body');
    }
    if (!tokens.newline(k)) continue;
    if (tokens.isPunct(k, '=>')) throw new Unsure('a line break before =>');
    if (continues) continue;
    const ends = endsExpression(tokens, k - 1);
    if (ends === 'no') continue;
    if (ends === 'unsure') throw new Unsure('a line break after a contextual keyword');
    return k - 1;
  }
  return tokens.length - 1;
}

/** Whether the token at `i` can end an expression, so that a line break after it may end the statement. */
function endsExpression(tokens: Tokens, i: number): 'yes' | 'no' | 'unsure' {
  switch (tokens.kind(i)) {
    case Kind.Number:
    case Kind.String:
    case Kind.Regex:
      return 'yes';
    case Kind.Template:
      return tokens.part(i) === Part.Tail || tokens.part(i) === Part.Whole ? 'yes' : 'no';
    case Kind.Punct:
      return tokens.isPunct(i, ')') || tokens.isPunct(i, ']') || tokens.isPunct(i, '}') ? 'yes' : 'no';
    case Kind.Name: {
      if (tokens.isPunct(i - 1, '.') || tokens.isPunct(i - 1, '?.')) return 'yes';
      const word = tokens.text(i);
      return NEEDS_MORE.has(word) ? 'no' : MAY_NEED_MORE.has(word) ? 'unsure' : 'yes';
    }
  }
  return 'no';
}
