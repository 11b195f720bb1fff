/**
 * LAWT's P1000 encoding (its `float,2,1000` Positional encoder): each number is rounded to 3
 * significant digits and written as three tokens, sign, mantissa, exponent: 3.14159 → + 314 E-2.
 * A matrix is prefixed with its shape, `V5 V5`, then its entries row by row (77 tokens for 5×5).
 *
 * Eigenvalues follow LAWT's convention exactly: LAWT encodes them as a 5×1 column matrix, so the prefix
 * is `V5 V1` and a 5-vector takes 2 + 15 = 17 tokens (the "17 output tokens" of the paper notes), not
 * `V5` and 16. BOS/EOS are not part of these sequences: the engine frames them (LAWT wraps both sides in
 * its `</s>`; we have distinct <s> and </s>). Decoders accept a leading <s> and stop at the first </s>
 * or <pad>, so a beam's raw output can be decoded as it is.
 *
 * Rounding is JavaScript's `toExponential(2)`, correctly rounded like Python's `%.2e`; the two differ
 * only on exact binary ties (e.g. 10.25), where Python rounds half to even and we round half up.
 * Out of range: below 1e-98 in magnitude a number becomes zero (as in LAWT, which writes "+ 0 E0");
 * above 9.99e102 it saturates to ±999 E100 (LAWT has no token for it and would fail).
 */
import type { Malformed } from '../math/tolerance.js';
import { BOS, EOS, MAX_DIMENSION, MAX_EXPONENT, PAD, idOf, tokenOf } from './vocabulary.js';

const ZERO = ['+', '0', 'E0'] as const;

/** The three tokens of one number. */
export function encodeNumber(x: number): [string, string, string] {
  if (!Number.isFinite(x)) throw new RangeError(`P1000 cannot encode ${x}`);
  if (x === 0) return [...ZERO];
  const [digits, exponent] = Math.abs(x).toExponential(2).split('e') as [string, string];
  const mantissa = Number(digits.replace('.', ''));
  const e = Number(exponent) - 2;
  if (e < -MAX_EXPONENT) return [...ZERO];
  const sign = x < 0 ? '-' : '+';
  if (e > MAX_EXPONENT) return [sign, '999', `E${MAX_EXPONENT}`];
  return [sign, String(mantissa), `E${e}`];
}

/** The value the three tokens stand for; exact division keeps 3.14 = 314 / 100 as close as a double can. */
export function numberValue(sign: '+' | '-', mantissa: number, exponent: number): number {
  const magnitude = exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
  return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
}

/** x rounded as P1000 writes it. */
export function roundP1000(x: number): number {
  const [sign, mantissa, exponent] = encodeNumber(x);
  return numberValue(sign as '+' | '-', Number(mantissa), Number(exponent.slice(1)));
}

function dimensionToken(d: number): string {
  if (!Number.isSafeInteger(d) || d < 1 || d > MAX_DIMENSION) throw new RangeError(`P1000 dimensions run from 1 to ${MAX_DIMENSION}; got ${d}`);
  return `V${d}`;
}

/** `V{rows} V{cols}` then every entry of the row-major rows×cols matrix. */
export function encodeMatrix(entries: ArrayLike<number>, rows: number, cols = rows): string[] {
  if (entries.length !== rows * cols) throw new RangeError(`encodeMatrix: ${entries.length} entries for a ${rows}×${cols} matrix`);
  const out = [dimensionToken(rows), dimensionToken(cols)];
  for (let k = 0; k < entries.length; k++) out.push(...encodeNumber(entries[k]!));
  return out;
}

/** A vector as LAWT writes it: a column matrix, `V{n} V1` then n numbers. */
export function encodeVector(values: ArrayLike<number>): string[] {
  return encodeMatrix(values, values.length, 1);
}

/** Token count of an encoded rows×cols matrix (77 for 5×5, 17 for a 5-vector). */
export function encodedLength(rows: number, cols: number): number {
  return 2 + 3 * rows * cols;
}

export interface DecodedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly entries: Float64Array;
}

export type Sequence = readonly (string | number)[] | Int32Array;

/** Decodes `V{r} V{c}` and r·c numbers; a malformed sequence gives a reason, never an exception. */
export function decodeMatrix(sequence: Sequence, expect: { rows?: number; cols?: number } = {}): DecodedMatrix | Malformed {
  const body = toTokenStrings(sequence);
  if ('malformed' in body) return body;
  const tokens = body.tokens;
  if (tokens.length === 0) return bad('empty sequence');
  const rows = dimensionOf(tokens[0]);
  const cols = dimensionOf(tokens[1]);
  if (rows === undefined) return bad(`position 0: expected a dimension token V1..V${MAX_DIMENSION}, found ${show(tokens[0])}`);
  if (cols === undefined) return bad(`position 1: expected a dimension token V1..V${MAX_DIMENSION}, found ${show(tokens[1])}`);
  if (expect.rows !== undefined && rows !== expect.rows) return bad(`shape ${rows}×${cols}: expected ${expect.rows} rows`);
  if (expect.cols !== undefined && cols !== expect.cols) return bad(`shape ${rows}×${cols}: expected ${expect.cols} column${expect.cols === 1 ? '' : 's'}`);
  const expected = 3 * rows * cols;
  const found = tokens.length - 2;
  if (found !== expected) return bad(`shape ${rows}×${cols} needs ${expected} number tokens, found ${found}`);
  const entries = new Float64Array(rows * cols);
  for (let k = 0; k < rows * cols; k++) {
    const at = 2 + 3 * k;
    const [sign, mantissa, exponent] = [tokens[at]!, tokens[at + 1]!, tokens[at + 2]!];
    if (sign !== '+' && sign !== '-') return bad(`position ${at}: expected a sign (+ or -), found ${show(sign)}`);
    if (!/^\d+$/.test(mantissa)) return bad(`position ${at + 1}: expected a mantissa 0..999, found ${show(mantissa)}`);
    if (!/^E-?\d+$/.test(exponent)) return bad(`position ${at + 2}: expected an exponent E-${MAX_EXPONENT}..E${MAX_EXPONENT}, found ${show(exponent)}`);
    entries[k] = numberValue(sign, Number(mantissa), Number(exponent.slice(1)));
  }
  return { rows, cols, entries };
}

/** Decodes an eigenvalue vector (`V{n} V1` + n numbers), checking n when `dim` is given. */
export function decodeVector(sequence: Sequence, dim?: number): number[] | Malformed {
  const decoded = decodeMatrix(sequence, { cols: 1, ...(dim === undefined ? {} : { rows: dim }) });
  return 'malformed' in decoded ? decoded : Array.from(decoded.entries);
}

/** Strips a leading BOS, stops at the first EOS or PAD, and maps ids to tokens, rejecting unknown ones. */
function toTokenStrings(sequence: Sequence): { tokens: string[] } | Malformed {
  const tokens: string[] = [];
  for (let i = 0; i < sequence.length; i++) {
    const item = sequence[i]!;
    const token = typeof item === 'number' ? tokenOf(item) : idOf(item) === undefined ? undefined : item;
    if (token === undefined) return bad(`position ${i}: unknown token ${typeof item === 'number' ? `id ${item}` : JSON.stringify(item)}`);
    if (i === 0 && token === BOS) continue;
    if (token === EOS || token === PAD) break;
    if (token === BOS) return bad(`position ${i}: unexpected ${BOS} inside the sequence`);
    tokens.push(token);
  }
  return { tokens };
}

function dimensionOf(token: string | undefined): number | undefined {
  return token !== undefined && /^V\d+$/.test(token) ? Number(token.slice(1)) : undefined;
}

function show(token: string | undefined): string {
  return token === undefined ? 'the end of the sequence' : JSON.stringify(token);
}

function bad(reason: string): Malformed {
  return { malformed: reason };
}
