/** One `${{ ... }}` occurrence inside a string; offsets are into that string. */
export interface ExpressionSpan {
  /** The whole `${{ ... }}` text. */
  readonly source: string;
  /** The text between the braces, untrimmed. */
  readonly inner: string;
  readonly start: number;
  readonly end: number;
  /** Offset of `inner` within the string. */
  readonly innerStart: number;
}

export class UnterminatedExpressionError extends Error {
  constructor(readonly offset: number) {
    super('expression "${{" is never closed; add "}}" on the same line');
  }
}

const OPEN = '${{';
const CLOSE = '}}';

/** All `${{ ... }}` spans in `text`, left to right. Expressions end at the first `}}` and may not span lines. */
export function findExpressions(text: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return spans;
    const close = text.indexOf(CLOSE, start + OPEN.length);
    const newline = text.indexOf('\n', start);
    if (close < 0 || (newline >= 0 && newline < close)) throw new UnterminatedExpressionError(start);
    const end = close + CLOSE.length;
    spans.push({
      source: text.slice(start, end),
      inner: text.slice(start + OPEN.length, close),
      start,
      end,
      innerStart: start + OPEN.length,
    });
    from = end;
  }
}
