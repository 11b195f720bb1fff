/**
 * `rouge-score` 0.1.2's default tokenizer (rouge_score/tokenize.py): Python's `str.lower()`, every run
 * of characters outside [a-z0-9] becomes a separator, words longer than 3 characters go through the
 * Porter stemmer when stemming is on. Written as one pass over the UTF-16 code units instead of three
 * regular expressions: after lowercasing only two non-ASCII characters yield [a-z0-9] (U+0130 'İ' →
 * "i" + U+0307, U+212A Kelvin sign → "k"; checked over every code point with CPython 3.11), so every
 * other non-ASCII code unit, surrogates included, is a separator.
 */
import { porterStem } from './porter.js';

const DOTTED_CAPITAL_I = 0x130;
const KELVIN_SIGN = 0x212a;

/** The lowercase [a-z0-9] character a code unit contributes, or -1 for a separator. */
function tokenChar(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code; // a-z
  if (code >= 0x30 && code <= 0x39) return code; // 0-9
  if (code >= 0x41 && code <= 0x5a) return code + 0x20; // A-Z
  if (code === KELVIN_SIGN) return 0x6b; // k
  if (code === DOTTED_CAPITAL_I) return 0x69; // i, followed by U+0307, a separator
  return -1;
}

/** The words of `text` as `rouge-score` splits them, unstemmed. */
export function words(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  let plain = true; // the word is text.slice(start, i) as it stands (already lowercase ASCII)
  let built = '';
  const finish = (end: number): void => {
    out.push(plain ? text.slice(start, end) : built);
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = tokenChar(code);
    if (ch < 0) {
      if (start >= 0) finish(i);
      continue;
    }
    if (start < 0) {
      start = i;
      plain = true;
    }
    if (plain && ch !== code) {
      plain = false;
      built = text.slice(start, i);
    }
    if (!plain) built += String.fromCharCode(ch);
    if (code === DOTTED_CAPITAL_I) finish(i + 1);
  }
  if (start >= 0) finish(text.length);
  return out;
}

/**
 * Stems words as rouge-score does (only those longer than 3 characters), remembering each word's stem:
 * news text repeats its words, and the stemmer is the costly part of tokenizing.
 */
export class CachedStemmer {
  private readonly cache = new Map<string, string>();

  stem(word: string): string {
    if (word.length <= 3) return word;
    let stem = this.cache.get(word);
    if (stem === undefined) {
      stem = porterStem(word);
      this.cache.set(word, stem);
    }
    return stem;
  }
}

/** rouge-score's `tokenize(text, stemmer)`: the tokens ROUGE counts. */
export function tokenize(text: string, stemmer?: CachedStemmer): string[] {
  const tokens = words(text);
  if (!stemmer) return tokens;
  // Stemming only removes suffixes and appends letters, so a stem stays within [a-z0-9]; rouge-score's
  // final validity filter can then only drop an empty stem.
  const stems: string[] = [];
  for (const word of tokens) {
    const stem = stemmer.stem(word);
    if (stem.length > 0) stems.push(stem);
  }
  return stems;
}
