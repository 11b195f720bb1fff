import { findExpressions, UnterminatedExpressionError } from '../expressions/find-expressions.js';

/**
 * `${{ ... }}` contains `{`, `}` and often `,`, which YAML treats as flow
 * indicators, so `with: { dim: ${{ params.dim }} }` would not parse. Before
 * parsing we swap every expression for a placeholder of exactly the same
 * length made of private-use characters (legal in any YAML scalar), so every
 * offset, line and column the parser reports stays true to the user's text.
 */
const START = 0xe000;
const PAD = 0xe001;
const DIGIT = 0xe100;
/** Two base-256 digits after the start mark. */
const MAX_EXPRESSIONS = 256 * 256;
const PLACEHOLDER = /\uE000([\uE100-\uE1FF])([\uE100-\uE1FF])\uE001*/g;

export interface MaskedText {
  readonly text: string;
  /** Original text of each masked expression, by placeholder index. */
  readonly expressions: readonly string[];
  /** Each `${{` that never closes on its line: its offset and placeholder index. */
  readonly unterminated: readonly { offset: number; index: number }[];
}

function placeholder(index: number, length: number): string {
  const digits = String.fromCharCode(START, DIGIT + Math.floor(index / 256), DIGIT + (index % 256));
  return digits + String.fromCharCode(PAD).repeat(length - digits.length);
}

export function maskExpressions(text: string): MaskedText {
  const expressions: string[] = [];
  const unterminated: { offset: number; index: number }[] = [];
  let masked = '';
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    let spans;
    let open = -1;
    try {
      spans = findExpressions(line);
    } catch (error) {
      if (!(error instanceof UnterminatedExpressionError)) throw error;
      // Keep the complete expressions before the broken one, and mask the
      // dangling `${{` too, so its `{{` does not also open a flow map and
      // bury the real problem under YAML errors.
      open = error.offset;
      spans = findExpressions(line.slice(0, open));
    }
    let cursor = 0;
    const replace = (start: number, end: number): void => {
      if (expressions.length >= MAX_EXPRESSIONS) return;
      masked += line.slice(cursor, start) + placeholder(expressions.length, end - start);
      expressions.push(line.slice(start, end));
      cursor = end;
    };
    for (const span of spans) replace(span.start, span.end);
    if (open >= 0) {
      unterminated.push({ offset: lineStart + open, index: expressions.length });
      replace(open, open + 3);
    }
    masked += line.slice(cursor) + (newline < 0 ? '' : '\n');
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return { text: masked, expressions, unterminated };
}

export function hasPlaceholder(value: string): boolean {
  return value.includes(String.fromCharCode(START));
}

/** Indices of the placeholders in a masked string. */
export function placeholderIndices(value: string): number[] {
  return [...value.matchAll(PLACEHOLDER)].map(([, high, low]) => indexOf(high!, low!));
}

const indexOf = (high: string, low: string): number => (high.charCodeAt(0) - DIGIT) * 256 + (low.charCodeAt(0) - DIGIT);

/** Puts the original expression text back in place of every placeholder. */
export function unmaskExpressions(value: string, expressions: readonly string[]): string {
  return value.replace(PLACEHOLDER, (whole, high: string, low: string) => {
    return expressions[indexOf(high, low)] ?? whole;
  });
}
