/** A comment's span in the source text: `text.slice(pos, end)` is the comment. */
export interface CommentRange {
  readonly pos: number;
  readonly end: number;
}

/** TypeScript's `isLineBreak`. */
export const isLineBreak = (ch: number) => ch === 10 || ch === 13 || ch === 0x2028 || ch === 0x2029;

/** TypeScript's `isWhiteSpaceSingleLine`. */
export const isWhiteSpaceSingleLine = (ch: number) =>
  ch === 32 || ch === 9 || ch === 11 || ch === 12 || ch === 0xa0 || ch === 0x85 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200b) || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff;

const SHEBANG = /^#!.*/;

/**
 * The comments TypeScript's `getLeadingCommentRanges(text, pos)` returns, ported from TypeScript 6.0
 * (`iterateCommentRanges`, leading, reducing): from `pos` (a node's full start, the end of the
 * token before it), every comment after the first line break; a comment on the previous token's
 * line is that token's trailing comment. At 0 it collects at once, after a shebang.
 */
export function leadingCommentRanges(text: string, start: number): CommentRange[] {
  const ranges: CommentRange[] = [];
  let pos = start;
  let collecting = false;
  if (pos === 0) {
    collecting = true;
    const shebang = SHEBANG.exec(text);
    if (shebang) pos = shebang[0].length;
  }
  scan: while (pos >= 0 && pos < text.length) {
    const ch = text.charCodeAt(pos);
    switch (ch) {
      case 13:
        if (text.charCodeAt(pos + 1) === 10) pos++;
      // falls through
      case 10:
        pos++;
        collecting = true;
        continue;
      case 9:
      case 11:
      case 12:
      case 32:
        pos++;
        continue;
      case 47: {
        const next = text.charCodeAt(pos + 1);
        if (next !== 47 && next !== 42) break scan;
        const from = pos;
        pos += 2;
        if (next === 47) while (pos < text.length && !isLineBreak(text.charCodeAt(pos))) pos++;
        else
          while (pos < text.length) {
            if (text.charCodeAt(pos) === 42 && text.charCodeAt(pos + 1) === 47) {
              pos += 2;
              break;
            }
            pos++;
          }
        if (collecting) ranges.push({ pos: from, end: pos });
        continue;
      }
      default:
        // U+2028 and U+2029 are skipped like spaces here: only \n and \r start collecting
        if (ch > 127 && (isWhiteSpaceSingleLine(ch) || isLineBreak(ch))) {
          pos++;
          continue;
        }
        break scan;
    }
  }
  return ranges;
}

/** The description part of the last `/** ... *\/` among `ranges`, without tags; null when there is none or it is empty. */
export function jsDocDescription(text: string, ranges: readonly CommentRange[]): string | null {
  const last = ranges.filter((r) => text.startsWith('/**', r.pos)).at(-1);
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
