import { ExpressionSyntaxError } from './errors.js';

export type Punctuator =
  | '(' | ')' | '[' | ']' | ',' | '.' | '?' | ':' | '!'
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';

interface TokenBase {
  /** Source text of the token, for messages. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type Token =
  | (TokenBase & { readonly kind: 'number'; readonly value: number })
  | (TokenBase & { readonly kind: 'string'; readonly value: string })
  | (TokenBase & { readonly kind: 'identifier' })
  | (TokenBase & { readonly kind: 'punct'; readonly text: Punctuator })
  | (TokenBase & { readonly kind: 'eof' });

// Longest first, so `<=` wins over `<`.
const PUNCTUATORS: readonly Punctuator[] = [
  '<=', '>=', '==', '!=', '&&', '||',
  '(', ')', '[', ']', ',', '.', '?', ':', '!', '+', '-', '*', '/', '%', '<', '>',
];

/** Characters that look like operators from other languages, with what to write instead. */
const MISTAKES: Readonly<Record<string, string>> = {
  '=': 'use "==" to compare',
  '&': 'use "&&" for "and"',
  '|': 'use "||" for "or"',
  '"': "strings use single quotes, e.g. 'text'",
  '`': "strings use single quotes, e.g. 'text'",
  '{': 'expressions cannot be nested; "${{" is not needed inside "${{ }}"',
  '$': 'expressions cannot be nested; "${{" is not needed inside "${{ }}"',
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
// `-` is allowed inside names because step ids like `train-big` are common.
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c) || c === '-';

/** Splits `text` into tokens ending with one `eof`; offsets are shifted by `baseOffset`. */
export function tokenize(text: string, baseOffset = 0): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, from: number, to: number): never => {
    throw new ExpressionSyntaxError(message, baseOffset + from, to - from);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      i = scanNumber(text, i, fail);
      const raw = text.slice(start, i);
      if (!Number.isFinite(Number(raw))) fail(`number ${raw} is too large`, start, i);
      tokens.push({ kind: 'number', value: Number(raw), text: raw, start: baseOffset + start, end: baseOffset + i });
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          fail(`string starting at column ${start + 1} is never closed; add "'" at its end (write '' for a quote inside it)`, start, text.length);
        }
        const ch = text[i]!;
        if (ch === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', value, text: text.slice(start, i), start: baseOffset + start, end: baseOffset + i });
    } else if (isIdentStart(c)) {
      i++;
      while (isIdentPart(text[i])) i++;
      // A trailing `-` belongs to a following subtraction (`n- 1`), not to the name.
      while (text[i - 1] === '-') i--;
      tokens.push({ kind: 'identifier', text: text.slice(start, i), start: baseOffset + start, end: baseOffset + i });
    } else {
      const punct = PUNCTUATORS.find((p) => text.startsWith(p, i));
      if (punct === undefined) {
        const hint = MISTAKES[c];
        fail(`unexpected character "${c}"${hint ? `; ${hint}` : ''}`, start, start + 1);
      } else {
        i += punct.length;
        tokens.push({ kind: 'punct', text: punct, start: baseOffset + start, end: baseOffset + i });
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', start: baseOffset + text.length, end: baseOffset + text.length });
  return tokens;
}

/** int, decimal or exponent form; returns the index after the number. */
function scanNumber(text: string, start: number, fail: (message: string, from: number, to: number) => never): number {
  let i = start;
  while (isDigit(text[i])) i++;
  if (text[i] === '.') {
    i++;
    if (!isDigit(text[i])) fail(`expected a digit after the decimal point in "${text.slice(start, i)}"`, start, i);
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) fail(`expected a digit in the exponent of "${text.slice(start, i)}"`, start, i);
    while (isDigit(text[i])) i++;
  }
  if (isIdentPart(text[i]) && text[i] !== '-') {
    let end = i;
    while (isIdentPart(text[end])) end++;
    fail(`invalid number "${text.slice(start, end)}"; names cannot start with a digit`, start, end);
  }
  return i;
}
