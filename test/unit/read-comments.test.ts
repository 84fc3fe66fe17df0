import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ts as Ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { leadingCommentRanges } from '../../generator/model/jsdoc.ts';
import { parseModelSource } from '../../generator/model/read-comments-ts.ts';
import { scanModelSource } from '../../generator/model/scan-model-source.ts';
import { tokenize } from '../../generator/model/scan-tokens.ts';
import { writeSyntheticProject } from '../bench/synthetic-model.ts';
import { ROOT } from '../support/db-helpers.ts';

/**
 * The model's JSDoc is read by a scanner without a parser (scan-model-source.ts); TypeScript's
 * parser (read-comments-ts.ts, what gen used before) is the oracle. Wherever the scanner answers,
 * it must answer what the parser does; where it is unsure it returns null and gen asks the parser.
 */
const { ts } = createRequire(import.meta.url)('ts-morph') as { ts: typeof Ts };

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name.startsWith('.') ? [] : e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Whether TypeScript parses `text` without a syntax error (on broken code its recovery is not worth matching). */
const parses = (text: string) =>
  ((ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0);

function expectSame(file: string, text: string): 'scanned' | 'unsure' | 'invalid' {
  if (!parses(text)) return 'invalid';
  const scanned = scanModelSource(text);
  if (scanned === null) return 'unsure';
  expect(scanned, file).toEqual(parseModelSource(file, text));
  return 'scanned';
}

describe('the JSDoc scanner reads what TypeScript parses', () => {
  it('every model of the repository, without asking TypeScript', () => {
    const cases = (dir: string) => readdirSync(join(ROOT, dir)).map((c) => join(ROOT, dir, c));
    const models = [
      ...tsFiles(join(ROOT, 'model')),
      ...cases('test/golden').flatMap((c) => tsFiles(join(c, 'model'))),
      ...cases('test/golden-diff').flatMap((c) => readdirSync(c).filter((f) => f.endsWith('.ts')).map((f) => join(c, f))),
    ];
    expect(models.length).toBeGreaterThan(40);
    for (const f of models) expect(expectSame(f, readFileSync(f, 'utf8')), f).toBe('scanned');
  });

  it('the synthetic benchmark models', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-scan-'));
    try {
      writeSyntheticProject(join(dir, 'a'), 60, join(ROOT, 'generator'));
      writeSyntheticProject(join(dir, 'b'), 60, join(ROOT, 'generator'), 12);
      for (const f of ['a', 'b']) expect(expectSame(f, readFileSync(join(dir, f, 'model/index.ts'), 'utf8'))).toBe('scanned');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the generator's own TypeScript (other shapes of code: answered right or left to the parser)", () => {
    const outcomes = { scanned: 0, unsure: 0, invalid: 0 };
    for (const f of tsFiles(join(ROOT, 'generator'))) outcomes[expectSame(f, readFileSync(f, 'utf8'))]++;
    expect(outcomes.scanned).toBeGreaterThan(outcomes.unsure);
  });

  it('tricky shapes', () => {
    const cases = [
      // automatic semicolons: the entity is outside the documented statement
      "/** a */\nexport const a = 1\nentity('x', {\n  /** c */\n  c: 1 })",
      "/** a */\nexport const a = b\n(entity('x', {}))",
      "/** a */\nexport const a = b\n[entity('x', {})]",
      "/** a */\nexport const a = b\n!entity('x', {})",
      "/** a */\nexport const a = b\n++entity('x', {}).c",
      "/** a */\nexport const f = () => {}\nentity('x', {})",
      "/** a */\nexport const f = () => {\n  return entity('x', {\n    /** c */ c: 1,\n    /** d */\n    d,\n  })\n}",
      "/** a */\nconst f = function () {}\n(entity('x', {}))",
      '/** a */\nexport const a = `t${entity(\'x\', {\n  /** c */\n  c: `${1}`,\n})}u`',
      "/** outer */\nexport const s = {\n  /** not a column */\n  a: entity('a', {\n    /** col */\n    'quoted': 1,\n    2: 2,\n    ...rest,\n    m() {},\n    get g() { return 1 },\n  }),\n}",
      "#!/usr/bin/env node\n/** first */\nconst a = entity('a', {})",
      "/** first */ const a = entity('a', {})",
      "\ufeff/** bom */\nconst a = entity('a', {})",
      "x; /** same line */ const a = entity('a', {})",
      "x;\r\n/** crlf */\r\nconst a = entity('a', {\r\n  /** c */\r\n  c: 1,\r\n})",
      "x;\u2028/** ls */\nconst a = entity('a', {})",
      "/** a */\n/* plain */\n// line\nconst a = entity('a', {})",
      "/** doc\n * more\n * @deprecated tag\n */\nconst a = pgEnum('a', ['x'])",
      '/***/\nconst a = entity("a", {})\n/**/\nconst b = entity("b", {})',
      "const re = /[/]entity('x', {})/g; /** a */ const a = entity('a', {})",
      "const d = a / b / entity('x', {})\n/** a */\nconst c = entity('c', {})",
      "if (x) /re/.test(y)\n/** a */\nconst a = entity('a', {})",
      "const a = dsl.entity('a', {}), b = new entity('b', {}), c = entity<T>('c', {})",
      "const a = entity?.('a', {})",
      "const a = entity(`a`, {}), b = entity('b' as const, {}), c = entity('c', { a: 1 } as X), d = entity('d')",
      "for (const x of entity('a', {})) {}\n/** b */\nconst b = entity('b', {})",
      "declare\nconst a = entity('a', {})",
      "/** a */\nexport declare const a: typeof entity\nentity('b', {})",
      "const a = { [k]: entity('a', {}) }; entity('b', { [k]: 1 })",
      "entity('a', { a?: 1 })",
      "/** a */ let a = entity('a', { b = 1 })",
      "/** a */\nvar a = entity('a', {}) /** trailing */\n/** b */\nvar b = entity('b', {})",
      "/** a */\nconst a = x ? entity('a', {}) : y\n/** b */\nconst b = entity('b', {})",
      "/** a */\nconst a = x as\nY\nentity('b', {})",
      "/** a */\nconst a: () => void\nentity('b', {})",
      "const a = entity('a', {}); const a2 = entity('a', { /** x */\n x: 1 })",
      "namespace N {\n  /** in */\n  export const a = entity('a', {\n    /** c */\n    c: 1 })\n}",
      "class K { /** p */ p = entity('p', {}) }",
      "@entity('deco', {})\nclass D {}",
      "const s = 'entity(\"x\", {})'; // entity('y', {})\n/* entity('z', {}) */",
      "const a = entity('a\\'b', {})",
      "/** unterminated */ const a = entity('a', {",
      "const t = `unterminated ${",
      "/** a */\nexport const a = entity('a', {\n  x: y < z, w: 1,\n  /** v */\n  v: f<A, B>(1),\n})",
    ];
    const outcomes = cases.map((c, i) => expectSame(`case ${i}`, c));
    expect(outcomes.filter((o) => o === 'scanned').length).toBeGreaterThan(cases.length / 2);
    if (process.env.SHOW_OUTCOMES) console.log(outcomes.map((o, i) => `${i} ${o}`).join('\n'));
  });
});

describe('leadingCommentRanges is TypeScript getLeadingCommentRanges', () => {
  const same = (text: string, pos: number) =>
    expect(leadingCommentRanges(text, pos), `${JSON.stringify(text)} at ${pos}`).toEqual((ts.getLeadingCommentRanges(text, pos) ?? []).map((r) => ({ pos: r.pos, end: r.end })));

  it('at the start of the model files and after each of their tokens', () => {
    for (const f of tsFiles(join(ROOT, 'model'))) {
      const text = readFileSync(f, 'utf8');
      same(text, 0);
      const tokens = tokenize(text);
      for (let i = 0; i < tokens.length; i++) same(text, tokens.end(i));
    }
  });

  it('on random trivia', () => {
    const piece = fc.constantFrom(' ', '\t', '\n', '\r\n', '\r', '\u2028', '\u00a0', '\ufeff', '/** d */', '/* c */', '// l', '/**/', '/***/', 'x', ';', '#!', '/', '*', '/* open');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.nat(), (pieces, at) => {
      const text = pieces.join('');
      same(text, text.length === 0 ? 0 : at % (text.length + 1));
    }), { numRuns: 2000 });
  });
});

describe('random model sources', () => {
  /** A model-like source from `seed`: declarations, expressions and trivia in random shapes. */
  function randomSource(rand: () => number): string {
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const chance = (p: number) => rand() < p;
    const trivia = () => pick([' ', ' ', ' ', '\n', '\n  ', '\r\n', ' /* c */ ', '\n/** stray */\n', ' // note\n', '\t', '']);
    const doc = () => (chance(0.6) ? pick(['/** Doc. */\n', '/**\n * Two\n * lines.\n * @see x\n */\n', '/** */\n', '/* plain */\n', '/** a */ /** b */\n', '// line\n']) : '');
    const ident = () => pick(['a', 'b', 'id', 'name', 'org_id', 'get', 'as', 'of', 'type', 'async']);
    const value = (depth: number): string =>
      depth > 2
        ? pick(['1', "'s'", 'x', 'uuid()'])
        : pick([
            'uuid().primaryKey()',
            'text().notNull()',
            "varchar(20).default('x')",
            'integer().min(0)',
            'sql`${c} ~ \'\\\\S\'`',
            `(c) => sql\`\${c} > 0\``,
            `() => ${pick(['x', 'e1.id'])}`,
            `[${value(depth + 1)},${trivia()}${value(depth + 1)}]`,
            `{ a: ${value(depth + 1)} }`,
            `a / b`,
            `/re[/]x/.source`,
            `\`t\${${value(depth + 1)}}u\``,
            `() => {${trivia()}return ${value(depth + 1)}${trivia()}}`,
            `x${trivia()}?${trivia()}${value(depth + 1)}${trivia()}:${trivia()}y`,
            `entity('inner', { ${doc()}c: ${value(depth + 1)} })`,
          ]);
    const member = (depth: number) =>
      pick([
        () => `${doc()}${ident()}:${trivia()}${value(depth)}`,
        () => `${doc()}${ident()}`,
        () => `${doc()}'${ident()}': ${value(depth)}`,
        () => `${doc()}...${ident()}`,
        () => `${doc()}${ident()}() { return 1 }`,
        () => `${doc()}[k]: 1`,
      ])();
    const members = (depth: number) => {
      const ms = Array.from({ length: Math.floor(rand() * 4) }, () => member(depth));
      return `{${trivia()}${ms.join(`,${trivia()}`)}${ms.length && chance(0.5) ? ',' : ''}${trivia()}}`;
    };
    const call = () =>
      pick([
        () => `entity(${trivia()}'${ident()}',${trivia()}${members(0)}${chance(0.5) ? `, { tenancy: 'scoped' }` : ''})`,
        () => `pgEnum('${ident()}', ['a', 'b'])`,
        () => `entity('${ident()}')`,
        () => `dsl.entity('${ident()}', ${members(0)})`,
      ])();
    const end = () => pick([';', ';', '', '\n', ';\n']);
    const statement = () =>
      pick([
        () => `${doc()}${chance(0.5) ? 'export ' : ''}${pick(['const', 'let', 'var'])} ${ident()} =${trivia()}${call()}${end()}`,
        () => `${doc()}export const ${ident()} = () =>${trivia()}${chance(0.5) ? call() : `{ return ${call()} }`}${end()}`,
        () => `${doc()}export const ${ident()} = { ${ident()}: ${call()} }${end()}`,
        () => `${doc()}const ${ident()} = ${value(0)}${end()}`,
        () => `${call()}${end()}`,
        () => `${doc()}const ${ident()} = x, ${ident()} = ${call()}${end()}`,
        () => `(${call()})${end()}`,
        () => `[${call()}]${end()}`,
        () => `function f() {${trivia()}${doc()}const y = ${call()}${end()}}`,
        () => `if (x) {${trivia()}${call()}${end()}}`,
      ])();
    return Array.from({ length: 1 + Math.floor(rand() * 6) }, () => `${statement()}${pick(['\n', '\n\n', ' ', ''])}`).join('');
  }

  it('are read as TypeScript reads them', () => {
    const outcomes = { scanned: 0, unsure: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        let s = seed >>> 0;
        const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
        const text = randomSource(rand);
        outcomes[expectSame(`seed ${seed}:\n${text}`, text)]++;
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 1000) },
    );
    // most random sources are valid and scanned, so the comparison is not vacuous
    if (process.env.SHOW_OUTCOMES) console.log(outcomes);
    expect(outcomes.scanned).toBeGreaterThan(outcomes.unsure + outcomes.invalid);
  });
});
