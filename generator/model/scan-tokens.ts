import { isLineBreak, isWhiteSpaceSingleLine } from './jsdoc.ts';

export const Kind = { Name: 0, String: 1, Number: 2, Regex: 3, Punct: 4, Template: 5 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Template chunks: `head` (`` `…${ ``), `middle` (`}…${`), `tail` (`` }…` ``), `whole` (no substitution). */
export const Part = { None: 0, Head: 1, Middle: 2, Tail: 3, Whole: 4 } as const;
export type Part = (typeof Part)[keyof typeof Part];

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
/** The punctuators by their first character, longest first. */
const PUNCTUATORS_BY_START = new Map<number, string[]>();
for (const p of PUNCTUATORS) {
  const list = PUNCTUATORS_BY_START.get(p.charCodeAt(0)) ?? [];
  list.push(p);
  PUNCTUATORS_BY_START.set(p.charCodeAt(0), list);
}
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

/**
 * The tokens of TypeScript source, as far as the model's JSDoc reader needs them: kind, span,
 * brackets matched, and whether a line break (or a comment holding one) came before each, for
 * automatic semicolons. Kept in typed arrays, a column per field: a large model has a hundred
 * thousand tokens, and an object each would keep the garbage collector busy.
 */
export class Tokens {
  length = 0;
  private kinds = new Uint8Array(1024);
  private parts = new Uint8Array(1024);
  private newlines = new Uint8Array(1024);
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private matches = new Int32Array(1024);
  private depths = new Int32Array(1024);
  /** The punctuator's text (shared strings, never sliced). */
  private puncts: Array<string | undefined> = [];

  constructor(readonly source: string) {}

  kind = (i: number): Kind => this.kinds[i] as Kind;
  part = (i: number): Part => this.parts[i] as Part;
  start = (i: number) => this.starts[i]!;
  end = (i: number) => this.ends[i]!;
  /** Whether a line break came before the token. */
  newline = (i: number) => this.newlines[i] === 1;
  /** Brackets (and template chunks): the index of the partner token, -1 for others. */
  match = (i: number) => this.matches[i]!;
  /** How many brackets enclose the token; an opener and its closer have the same depth. */
  depth = (i: number) => this.depths[i]!;
  /** The token's source text: `entity`, `'users'` with its quotes, `(`. */
  text = (i: number) => this.puncts[i] ?? this.source.slice(this.starts[i], this.ends[i]);
  /** Whether token `i` exists and is the name `word`. */
  isName = (i: number, word: string) => i >= 0 && i < this.length && this.kinds[i] === Kind.Name && this.ends[i]! - this.starts[i]! === word.length && this.source.startsWith(word, this.starts[i]);
  /** Whether token `i` exists and is the punctuator `p`. */
  isPunct = (i: number, p: string) => i >= 0 && i < this.length && this.puncts[i] === p;

  push(kind: Kind, start: number, end: number, newline: boolean, depth: number, part: Part = Part.None, punct?: string): number {
    if (this.length === this.kinds.length) this.grow();
    const i = this.length++;
    this.kinds[i] = kind;
    this.parts[i] = part;
    this.newlines[i] = newline ? 1 : 0;
    this.starts[i] = start;
    this.ends[i] = end;
    this.matches[i] = -1;
    this.depths[i] = depth;
    this.puncts[i] = punct;
    return i;
  }

  /** Pairs an opener with its closer; the closer takes the opener's depth. */
  pair(open: number, close: number): void {
    this.matches[open] = close;
    this.matches[close] = open;
    this.depths[close] = this.depths[open]!;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const grown = <T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.kinds = grown(this.kinds, (n) => new Uint8Array(n));
    this.parts = grown(this.parts, (n) => new Uint8Array(n));
    this.newlines = grown(this.newlines, (n) => new Uint8Array(n));
    this.starts = grown(this.starts, (n) => new Int32Array(n));
    this.ends = grown(this.ends, (n) => new Int32Array(n));
    this.matches = grown(this.matches, (n) => new Int32Array(n));
    this.depths = grown(this.depths, (n) => new Int32Array(n));
  }
}

/** Splits TypeScript source into tokens; throws `Unsure` where it cannot be certain (see `regexAllowed`). */
export function tokenize(text: string): Tokens {
  const tokens = new Tokens(text);
  const open: number[] = []; // indices of open brackets and template heads/middles
  const n = text.length;
  let pos = SHEBANG.exec(text)?.[0].length ?? 0;
  let newline = false;

  const push = (kind: Kind, end: number, part: Part = Part.None, punct?: string): number => {
    const i = tokens.push(kind, pos, end, newline, open.length, part, punct);
    newline = false;
    pos = end;
    return i;
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
        for (let p = pos + 2; p < end && !newline; p++) if (isLineBreak(text.charCodeAt(p))) newline = true;
        pos = end + 2;
        continue;
      }
      const allowed = regexAllowed(tokens);
      if (allowed === 'unsure') unsure('a / that may start a regular expression or divide');
      if (allowed === 'yes') {
        push(Kind.Regex, regexEnd(text, pos));
        continue;
      }
    }
    if (ch === 39 || ch === 34) {
      push(Kind.String, stringEnd(text, pos));
      continue;
    }
    if (ch === 96) {
      const { end, substitution } = templateChunk(pos + 1);
      const i = push(Kind.Template, end, substitution ? Part.Head : Part.Whole);
      if (substitution) open.push(i);
      continue;
    }
    if (ch === 125 && open.length > 0 && tokens.kind(open.at(-1)!) === Kind.Template) {
      const { end, substitution } = templateChunk(pos + 1);
      const o = open.pop()!;
      const i = push(Kind.Template, end, substitution ? Part.Middle : Part.Tail);
      tokens.pair(o, i);
      if (substitution) open.push(i);
      continue;
    }
    if (isDigit(ch) || (ch === 46 && isDigit(text.charCodeAt(pos + 1)))) {
      NUMBER.lastIndex = pos;
      NUMBER.exec(text);
      push(Kind.Number, NUMBER.lastIndex);
      continue;
    }
    if (isNameStart(ch) || (ch === 35 && isNameStart(text.charCodeAt(pos + 1)))) {
      let p = pos + 1;
      while (p < n && isNamePart(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) === 92) unsure('a unicode escape in a name');
      push(Kind.Name, p);
      continue;
    }
    const punct = PUNCTUATORS_BY_START.get(ch)?.find((p) => text.startsWith(p, pos) && !(p === '?.' && isDigit(text.charCodeAt(pos + 2))));
    if (!punct) return unsure(`unexpected character ${JSON.stringify(text[pos])}`);
    const i = push(Kind.Punct, pos + punct.length, Part.None, punct);
    if (punct === '(' || punct === '[' || punct === '{') open.push(i);
    else if (CLOSER[punct]) {
      const o = open.pop();
      if (o === undefined || !tokens.isPunct(o, CLOSER[punct]!)) unsure('unbalanced brackets');
      tokens.pair(o!, i);
    }
  }
  if (open.length > 0) unsure('unbalanced brackets');
  return tokens;
}

/** Whether a `/` after the tokens so far starts a regular expression (JavaScript's own ambiguity, settled here by the token before it). */
function regexAllowed(tokens: Tokens): 'yes' | 'no' | 'unsure' {
  const prev = tokens.length - 1;
  if (prev < 0) return 'yes';
  switch (tokens.kind(prev)) {
    case Kind.Number:
    case Kind.String:
    case Kind.Regex:
      return 'no';
    case Kind.Template:
      return tokens.part(prev) === Part.Head || tokens.part(prev) === Part.Middle ? 'yes' : 'no';
    case Kind.Name: {
      if (tokens.isPunct(prev - 1, '.') || tokens.isPunct(prev - 1, '?.')) return 'no';
      const word = tokens.text(prev);
      return REGEX_AFTER.has(word) ? 'yes' : REGEX_UNSURE_AFTER.has(word) ? 'unsure' : 'no';
    }
    case Kind.Punct: {
      const p = tokens.text(prev);
      if (p === ')') {
        const keyword = tokens.match(prev) - 1;
        return ['if', 'while', 'for', 'with'].some((k) => tokens.isName(keyword, k)) ? 'yes' : 'no';
      }
      if (p === ']') return 'no';
      // a block or an object literal; a postfix or prefix operator; a comparison or the end of type arguments
      if (['}', '++', '--', '!', '>'].includes(p)) return 'unsure';
      return 'yes';
    }
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
