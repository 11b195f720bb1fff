/** Literal text, or the index of the argument to substitute (0 = first argument after the format string). */
export type FormatPiece = string | number;

/**
 * Splits a `format()` string into text and `{N}` placeholders; `{{`/`}}` stand for
 * literal braces. Shared by the typechecker (literal format strings are checked
 * before running) and the evaluator.
 */
export function parseFormatString(fmt: string): { pieces: FormatPiece[] } | { error: string } {
  const pieces: FormatPiece[] = [];
  let text = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === '{' && fmt[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && fmt[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '{') {
      const match = /^\{(\d+)\}/.exec(fmt.slice(i));
      if (!match) return { error: `invalid placeholder at position ${i} of the format string; use {0}, {1}, ... or "{{" for a literal "{"` };
      if (text) pieces.push(text);
      text = '';
      pieces.push(Number(match[1]));
      i += match[0].length;
    } else if (c === '}') {
      return { error: `unmatched "}" at position ${i} of the format string; write "}}" for a literal "}"` };
    } else {
      text += c;
      i++;
    }
  }
  if (text) pieces.push(text);
  return { pieces };
}

/** Largest placeholder index used, or -1. */
export function maxPlaceholder(pieces: readonly FormatPiece[]): number {
  return pieces.reduce<number>((max, piece) => (typeof piece === 'number' && piece > max ? piece : max), -1);
}
