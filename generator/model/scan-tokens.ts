import { isLineBreak, isWhiteSpaceSingleLine } from './jsdoc.ts';

/**
 * A token of TypeScript source, as far as the model's JSDoc reader needs it: brackets matched, and
 * whether a line break (or a comment holding one) came before it, for automatic semicolons.
 */
export interface Token {
  readonly kind: 'name' | 'string' | 'number' | 'regex' | 'punct' | 'template';
  /** The source text: `entity`, `'users'` with its quotes, `(`, a whole template chunk. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly newline: boolean;
  /** Templates: `head` (`` `…${ ``), `middle` (`}…${`), `tail` (`` }…` ``) or `whole` (no substitution). */
  readonly part?: 'head' | 'middle' | 'tail' | 'whole';
  /** Brackets (and template heads, middles and tails): the index of the partner token. */
  match: number;
  /** How many brackets enclose the token; an opener and its closer have the same depth. */
  depth: number;
}

/** Thrown where the source leaves a doubt a tokenizer without a parser cannot settle; the caller then uses TypeScript's parser. */
export class Unsure extends Error {}

const unsure = (why: string): never => {
  throw new Unsure(why);
};

const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '**',
  '{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '?', ':', '=', '@', '.',
];
const CLOSER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** A `/` after these names starts a regular expression. */
const REGEX_AFTER = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'extends']);
/** Names that may be keywords or identifiers before a `/`: a parser would know, this tokenizer does not. */
const REGEX_UNSURE_AFTER = new Set(['of', 'yield', 'await', 'let', 'async', 'type', 'get', 'set', 'static', 'as', 'satisfies', 'is', 'keyof']);

const NUMBER = /(?:0[xXbBoO][0-9a-fA-F_]*n?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?[\d_]+)?n?)/y;
const SHEBANG = /^#!.*/;

const isNameStart = (ch: number) => (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 36 || ch === 95 || (ch > 127 && !isLineBreak(ch) && !isWhiteSpaceSingleLine(ch));
const isNamePart = (ch: number) => isNameStart(ch) || (ch >= 48 && ch <= 57);
const isDigit = (ch: number) => ch >= 48 && ch <= 57;

/** Splits TypeScript source into tokens; throws `Unsure` where it cannot be certain (see `regexAllowed`). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const open: number[] = []; // indices of open brackets and template heads/middles
  const n = text.length;
  let pos = SHEBANG.exec(text)?.[0].length ?? 0;
  let newline = false;

  const push = (kind: Token['kind'], end: number, part?: Token['part']) => {
    tokens.push({ kind, text: text.slice(pos, end), start: pos, end, newline, match: -1, depth: open.length, ...(part ? { part } : {}) });
    newline = false;
    pos = end;
  };
  const close = (opener: string) => {
    const o = open.pop();
    if (o === undefined || tokens[o]!.text !== opener) unsure('unbalanced brackets');
    const t = tokens.at(-1)!;
    t.match = o!;
    t.depth = open.length;
    tokens[o!]!.match = tokens.length - 1;
  };
  /** A template chunk from `from` (just after `` ` `` or `}`): its end, and whether a substitution `${` follows. */
  const templateChunk = (from: number): { end: number; substitution: boolean } => {
    for (let p = from; p < n; p++) {
      const ch = text.charCodeAt(p);
      if (ch === 96) return { end: p + 1, substitution: false };
      if (ch === 36 && text.charCodeAt(p + 1) === 123) return { end: p + 2, substitution: true };
      if (ch === 92) p++;
    }
    return unsure('unterminated template');
  };

  while (pos < n) {
    const ch = text.charCodeAt(pos);
    if (isLineBreak(ch)) {
      newline = true;
      pos++;
      continue;
    }
    if (isWhiteSpaceSingleLine(ch)) {
      pos++;
      continue;
    }
    if (ch === 47) {
      const next = text.charCodeAt(pos + 1);
      if (next === 47) {
        while (pos < n && !isLineBreak(text.charCodeAt(pos))) pos++;
        continue;
      }
      if (next === 42) {
        const end = text.indexOf('*/', pos + 2);
        if (end === -1) unsure('unterminated comment');
        // a comment holding a line break separates tokens like one, for automatic semicolons
        if (/[\n\r\u2028\u2029]/.test(text.slice(pos, end))) newline = true;
        pos = end + 2;
        continue;
      }
      const allowed = regexAllowed(tokens);
      if (allowed === 'unsure') unsure('a / that may start a regular expression or divide');
      if (allowed === 'yes') {
        push('regex', regexEnd(text, pos));
        continue;
      }
    }
    if (ch === 39 || ch === 34) {
      push('string', stringEnd(text, pos));
      continue;
    }
    if (ch === 96) {
      const { end, substitution } = templateChunk(pos + 1);
      push('template', end, substitution ? 'head' : 'whole');
      if (substitution) open.push(tokens.length - 1);
      continue;
    }
    if (ch === 125 && open.length > 0 && tokens[open.at(-1)!]!.kind === 'template') {
      const { end, substitution } = templateChunk(pos + 1);
      push('template', end, substitution ? 'middle' : 'tail');
      const o = open.pop()!;
      const t = tokens.at(-1)!;
      t.match = o;
      t.depth = open.length;
      tokens[o]!.match = tokens.length - 1;
      if (substitution) open.push(tokens.length - 1);
      continue;
    }
    if (isDigit(ch) || (ch === 46 && isDigit(text.charCodeAt(pos + 1)))) {
      NUMBER.lastIndex = pos;
      NUMBER.exec(text);
      push('number', NUMBER.lastIndex);
      continue;
    }
    if (isNameStart(ch) || (ch === 35 && isNameStart(text.charCodeAt(pos + 1)))) {
      let p = pos + 1;
      while (p < n && isNamePart(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) === 92) unsure('a unicode escape in a name');
      push('name', p);
      continue;
    }
    const punct = PUNCTUATORS.find((p) => text.startsWith(p, pos) && !(p === '?.' && isDigit(text.charCodeAt(pos + 2))));
    if (!punct) return unsure(`unexpected character ${JSON.stringify(text[pos])}`);
    push('punct', pos + punct.length);
    if (punct === '(' || punct === '[' || punct === '{') open.push(tokens.length - 1);
    else if (CLOSER[punct]) close(CLOSER[punct]!);
  }
  if (open.length > 0) unsure('unbalanced brackets');
  return tokens;
}

/** Whether a `/` after `tokens` starts a regular expression (JavaScript's own ambiguity, settled here by the token before it). */
function regexAllowed(tokens: readonly Token[]): 'yes' | 'no' | 'unsure' {
  const prev = tokens.at(-1);
  if (!prev) return 'yes';
  switch (prev.kind) {
    case 'number':
    case 'string':
    case 'regex':
      return 'no';
    case 'template':
      return prev.part === 'head' || prev.part === 'middle' ? 'yes' : 'no';
    case 'name': {
      const before = tokens.at(-2);
      if (before?.kind === 'punct' && (before.text === '.' || before.text === '?.')) return 'no';
      return REGEX_AFTER.has(prev.text) ? 'yes' : REGEX_UNSURE_AFTER.has(prev.text) ? 'unsure' : 'no';
    }
    case 'punct':
      if (prev.text === ')') {
        const keyword = tokens[prev.match - 1];
        return keyword?.kind === 'name' && ['if', 'while', 'for', 'with'].includes(keyword.text) ? 'yes' : 'no';
      }
      if (prev.text === ']') return 'no';
      // a block or an object literal; a postfix or prefix operator; a comparison or the end of type arguments
      if (['}', '++', '--', '!', '>'].includes(prev.text)) return 'unsure';
      return 'yes';
  }
}

function regexEnd(text: string, from: number): number {
  let inClass = false;
  for (let p = from + 1; p < text.length; p++) {
    const ch = text.charCodeAt(p);
    if (isLineBreak(ch)) break;
    if (ch === 92) p++;
    else if (ch === 91) inClass = true;
    else if (ch === 93) inClass = false;
    else if (ch === 47 && !inClass) {
      p++;
      while (p < text.length && isNamePart(text.charCodeAt(p))) p++;
      return p;
    }
  }
  return unsure('unterminated regular expression');
}

function stringEnd(text: string, from: number): number {
  const quote = text.charCodeAt(from);
  for (let p = from + 1; p < text.length; p++) {
    const ch = text.charCodeAt(p);
    if (ch === quote) return p + 1;
    if (ch === 92) p++;
    else if (ch === 10 || ch === 13) break;
  }
  return unsure('unterminated string');
}
