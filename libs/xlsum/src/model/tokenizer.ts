/**
 * A word-level tokenizer built from a training corpus, for the embedded seq2seq models. Words keep their
 * case (and their hyphens and apostrophes); other punctuation marks are tokens of their own; numbers are
 * spelled character by character ("14,898" → "1" "4" "," "8" "9" "8"), so that a dozen tokens cover every
 * number and the model must copy a number digit by digit (the way a small model gets a number wrong).
 * Decoding joins digits back into numbers, and any id sequence decodes to a text that encodes to the same
 * ids, so a judge re-reading a generator's text scores the tokens that were drawn. The vocabulary is the
 * reserved ids (PAD, BOS, EOS), UNK, then the corpus's tokens by descending count, ties in code-unit order,
 * cut at `maxSize` and `minCount`: the same corpus gives the same ids on every machine.
 */
import { FIRST_FREE_ID } from '@veriflow/ml/seq2seq';

export const UNK = '<unk>';
export const UNK_ID = FIRST_FREE_ID;
const RESERVED = ['<pad>', '<s>', '</s>', UNK];
/** Marks written against the word before them (ROUGE ignores them either way). */
const CLOSING = new Set(['.', ',', ';', ':', '!', '?', ')', '%', "'", '’']);

const PIECE = /<unk>|\p{N}+(?:[.,]\p{N}+)*|\p{L}+(?:['’-]\p{L}+)*|[^\s\p{L}\p{N}]/gu;
const DIGIT = /^\p{N}$/u;

/** The token strings of a text, before the vocabulary maps them. */
export function splitTokens(text: string): string[] {
  const out: string[] = [];
  for (const [piece] of text.matchAll(PIECE)) {
    if (DIGIT.test(piece[0]!)) out.push(...piece);
    else out.push(piece);
  }
  return out;
}

export interface TokenizerOptions {
  /** Most ids, reserved ones included. */
  readonly maxSize: number;
  /** Tokens seen fewer times than this become UNK. */
  readonly minCount: number;
}

export class Tokenizer {
  private readonly ids: Map<string, number>;

  constructor(readonly tokens: readonly string[]) {
    RESERVED.forEach((token, id) => {
      if (tokens[id] !== token) throw new Error(`tokenizer: id ${id} must be ${token}, found ${JSON.stringify(tokens[id] ?? null)}; the model's vocabulary is damaged`);
    });
    this.ids = new Map(tokens.map((token, id) => [token, id]));
  }

  /** Builds the vocabulary from `texts` (see the module comment for the order). */
  static build(texts: Iterable<string>, options: TokenizerOptions): Tokenizer {
    const counts = new Map<string, number>();
    for (const text of texts) for (const token of splitTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
    const ranked = [...counts]
      .filter(([token, count]) => count >= options.minCount && !RESERVED.includes(token))
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, options.maxSize - RESERVED.length))
      .map(([token]) => token);
    return new Tokenizer([...RESERVED, ...ranked]);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Ids of a text, unknown tokens as UNK_ID, cut to the first `limit` tokens when given. */
  encode(text: string, limit?: number): number[] {
    const pieces = splitTokens(text);
    return (limit === undefined ? pieces : pieces.slice(0, limit)).map((token) => this.ids.get(token) ?? UNK_ID);
  }

  /**
   * Text of ids: digits join the digit (or the digit and separator) before them, closing marks join the
   * word before them, everything else is spaced.
   */
  decode(ids: readonly number[]): string {
    let text = '';
    for (const id of ids) {
      const token = this.tokens[id] ?? UNK;
      const joinsNumber = DIGIT.test(token) && /\p{N}[.,]?$/u.test(text);
      if (text === '' || text.endsWith('(') || CLOSING.has(token) || joinsNumber) text += token;
      else text += ` ${token}`;
    }
    return text;
  }
}
