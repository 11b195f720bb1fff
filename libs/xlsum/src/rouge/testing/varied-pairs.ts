/**
 * Seeded (target, prediction) pairs that reach every path of the ROUGE tokenizer and scorers: punctuation,
 * digits, non-ASCII (including the two characters Python lowercases into ASCII), empty and blank texts,
 * repeated words, long inputs, and newlines (blank lines, spaces-only lines, \r\n) for ROUGE-Lsum.
 */
import type { Rng } from '@veriflow/step-api';
import { PORTER_RULE_WORDS, randomPorterWord } from './porter-words.js';

export type TextPair = readonly [target: string, prediction: string];

const SEPARATORS = [' ', ' ', ' ', ' ', ', ', '. ', '; ', ' - ', '\t', '  ', "'", '"', '(', ')', '!', '?', '/', '—', '…', '\u00a0'];
const ODD_WORDS = [
  'Café', 'naïve', 'İstanbul', 'KELVİN', '\u212Aelvin', 'Straße', 'ÆON', 'Ωmega', 'σοφία', '東京', '😀ok', 'x😀y',
  'état-major', "don't", 'U.S.', 'e-mail', '3.14', '1,000,000', '#hashtag', '@user', 'CamelCase', 'UPPER',
  'ﬁne', 'Ⅻ', '²nd', '١٢٣', 'ǅemal',
];
const SHAPES = ['word', 'word', 'word', 'odd', 'porter', 'number'] as const;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

function word(rng: Rng, vocabulary: readonly string[]): string {
  const shape = pick(rng, SHAPES);
  const raw =
    shape === 'word' ? pick(rng, vocabulary) : shape === 'odd' ? pick(rng, ODD_WORDS) : shape === 'porter' ? randomPorterWord(rng) : String(rng.int(3000));
  const casing = rng.int(6);
  return casing === 0 ? raw.toUpperCase() : casing === 1 ? raw[0]!.toUpperCase() + raw.slice(1) : raw;
}

/** Text of `length` words from a small vocabulary (so pairs share words), with sentence breaks when `lines`. */
export function randomText(rng: Rng, length: number, vocabulary: readonly string[], lines: boolean): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    if (i > 0) text += lines && rng.int(7) === 0 ? pick(rng, ['\n', '\n', '.\n', '\n\n', '\n  \n', '\r\n']) : pick(rng, SEPARATORS);
    text += word(rng, vocabulary);
  }
  return text;
}

/** A prediction made from the target: words dropped, swapped, repeated or replaced, so scores spread over (0, 1). */
function perturb(rng: Rng, target: string, vocabulary: readonly string[]): string {
  const pieces = target.split(/(\s+)/);
  const out: string[] = [];
  for (const piece of pieces) {
    const roll = rng.int(10);
    if (roll === 0) continue;
    if (roll === 1) out.push(word(rng, vocabulary));
    else if (roll === 2) out.push(piece, ' ', piece);
    else out.push(piece);
  }
  if (out.length > 4 && rng.int(3) === 0) {
    const i = rng.int(out.length - 2);
    [out[i], out[i + 2]] = [out[i + 2]!, out[i]!];
  }
  return out.join('');
}

const FIXED_PAIRS: readonly TextPair[] = [
  ['', ''],
  ['', 'the cat'],
  ['the cat', ''],
  ['   ', ' \n '],
  ['!!! ... ???', 'the cat'],
  ['\n\n\n', 'a\nb'],
  ['the the the the', 'the'],
  ['the', 'the the the the'],
  ['a a b b a a', 'a b a b a b'],
  ['police police police arrested arrested', 'arrested police arrested police'],
  ['İstanbul KELVİN \u212Aelvin', 'i stanbul kelvi n kelvin'],
  ['Café naïve Straße', 'caf na ve stra e'],
  ['東京 😀 σοφία', ''],
  ['3.14 1,000,000 covid-19', '3 14 1 000 000 covid 19'],
  ['The cat sat on the mat.\nThe dog ate the bone.', 'The dog sat on the mat.\nThe cat ate the bone.'],
  ['a b c\nd e f\ng h i', 'g h i\na b c'],
  ['one two\n\n\nthree four\n   \nfive', 'five four\nthree two one'],
  ['w1 w2 w3 w4\r\nw5 w6', 'w5 w6\r\nw1 w2'],
  // A lone surrogate, and U+2028 (a line separator that neither side splits Lsum sentences on).
  ['a\ud800b x\u0130\u0130y line\u2028two', 'a b xi i y line\ntwo'],
];

/**
 * `count` pairs: the fixed edge cases, then random pairs of 0–60 words (one in 25 of them 200–700 words
 * long), every fifth with newlines for ROUGE-Lsum.
 */
export function variedPairs(rng: Rng, count: number): TextPair[] {
  const vocabulary = [...PORTER_RULE_WORDS.slice(0, 60), ...PORTER_RULE_WORDS.slice(-40)];
  const pairs: TextPair[] = [...FIXED_PAIRS];
  while (pairs.length < count) {
    const long = rng.int(25) === 0;
    const length = long ? 200 + rng.int(500) : rng.int(61);
    const lines = rng.int(5) === 0 || long;
    const target = randomText(rng, length, vocabulary, lines);
    const prediction = rng.int(4) === 0 ? randomText(rng, rng.int(61), vocabulary, lines) : perturb(rng, target, vocabulary);
    pairs.push(rng.int(2) === 0 ? [target, prediction] : [prediction, target]);
  }
  return pairs;
}
