/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum with the numbers of Google's `rouge-score` 0.1.2
 * (`rouge_scorer.RougeScorer(types, use_stemmer).score(target, prediction)`), the same divisions in the
 * same order, so every score agrees to the last bit. Tokens are interned to integers once per text;
 * n-gram counts and the LCS tables work on typed arrays.
 */
import { LcsTables } from './lcs.js';
import { CachedStemmer, tokenize } from './tokenize.js';

export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';
export const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeScore {
  readonly precision: number;
  readonly recall: number;
  readonly fmeasure: number;
}

export type RougeScores<T extends RougeType = RougeType> = { readonly [K in T]: RougeScore };

export interface RougeOptions<T extends RougeType> {
  /** Default: ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum. */
  readonly types?: readonly T[];
  /** rouge-score's `use_stemmer` (Porter, on words longer than 3 characters). Default false. */
  readonly stem?: boolean;
}

/** Bigram keys pack two ids into one double (first · 2^26 + second), exact while ids stay below 2^26. */
const MAX_VOCABULARY = 0x4000000;

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

/** rouge_score.scoring.fmeasure. */
function score(hits: number, predicted: number, target: number): RougeScore {
  const precision = hits / predicted;
  const recall = hits / target;
  return { precision, recall, fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

function ngramOrder(type: RougeType): number {
  return type === 'rougeL' || type === 'rougeLsum' ? 0 : Number(type.slice(5));
}

export class RougeScorer<T extends RougeType = (typeof ROUGE_TYPES)[number]> {
  readonly types: readonly T[];
  private readonly stemmer: CachedStemmer | undefined;
  private readonly ids = new Map<string, number>();
  private readonly lcs = new LcsTables();
  /** Per-token counters indexed by id, all zero between calls. */
  private countsA = new Int32Array(1024);
  private countsB = new Int32Array(1024);

  constructor(options: RougeOptions<T> = {}) {
    this.types = options.types ?? (ROUGE_TYPES as readonly T[]);
    for (const type of this.types) {
      if (!/^rouge([1-9]|L|Lsum)$/.test(type)) throw new Error(`unknown ROUGE type "${type}": use rouge1 … rouge9, rougeL or rougeLsum`);
    }
    this.stemmer = options.stem ? new CachedStemmer() : undefined;
  }

  /** The scores of `prediction` against `target` (rouge-score's argument order). */
  score(target: string, prediction: string): RougeScores<T> {
    const needsTokens = this.types.some((type) => type !== 'rougeLsum');
    const targetIds = needsTokens ? this.intern(target) : new Int32Array(0);
    const predictionIds = needsTokens ? this.intern(prediction) : new Int32Array(0);
    const result = {} as Record<T, RougeScore>;
    for (const type of this.types) {
      const n = ngramOrder(type);
      if (type === 'rougeLsum') result[type] = this.summaryLcs(this.sentences(target), this.sentences(prediction));
      else if (n === 0) result[type] = this.rougeL(targetIds, predictionIds);
      else result[type] = n === 1 ? this.unigrams(targetIds, predictionIds) : this.ngrams(targetIds, predictionIds, n);
    }
    return result;
  }

  private intern(text: string): Int32Array {
    const tokens = tokenize(text, this.stemmer);
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      let id = this.ids.get(token);
      if (id === undefined) {
        id = this.ids.size;
        if (id >= MAX_VOCABULARY) throw new Error(`RougeScorer has interned ${MAX_VOCABULARY} distinct tokens; score the rest with a new RougeScorer`);
        this.ids.set(token, id);
      }
      out[i] = id;
    }
    if (this.countsA.length < this.ids.size) {
      const size = Math.max(this.ids.size, this.countsA.length * 2);
      this.countsA = new Int32Array(size);
      this.countsB = new Int32Array(size);
    }
    return out;
  }

  /** rouge-score splits Lsum's text on "\n" and drops empty pieces (a blank-but-spaced line stays, with no tokens). */
  private sentences(text: string): Int32Array[] {
    return text
      .split('\n')
      .filter((sentence) => sentence.length > 0)
      .map((sentence) => this.intern(sentence));
  }

  private unigrams(target: Int32Array, prediction: Int32Array): RougeScore {
    const counts = this.countsA;
    for (const id of target) counts[id]! += 1;
    let hits = 0;
    for (const id of prediction) {
      if (counts[id]! > 0) {
        hits += 1;
        counts[id]! -= 1;
      }
    }
    for (const id of target) counts[id] = 0;
    return score(hits, Math.max(prediction.length, 1), Math.max(target.length, 1));
  }

  private ngrams(target: Int32Array, prediction: Int32Array, n: number): RougeScore {
    const key =
      n === 2
        ? (ids: Int32Array, i: number): number | string => ids[i]! * MAX_VOCABULARY + ids[i + 1]!
        : (ids: Int32Array, i: number): number | string => ids.subarray(i, i + n).join(',');
    const counts = new Map<number | string, number>();
    const targetCount = Math.max(target.length - n + 1, 0);
    const predictionCount = Math.max(prediction.length - n + 1, 0);
    for (let i = 0; i < targetCount; i++) {
      const k = key(target, i);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let hits = 0;
    for (let i = 0; i < predictionCount; i++) {
      const k = key(prediction, i);
      const left = counts.get(k);
      if (left !== undefined && left > 0) {
        hits += 1;
        counts.set(k, left - 1);
      }
    }
    return score(hits, Math.max(predictionCount, 1), Math.max(targetCount, 1));
  }

  private rougeL(target: Int32Array, prediction: Int32Array): RougeScore {
    if (target.length === 0 || prediction.length === 0) return ZERO;
    return score(this.lcs.length(target, prediction), prediction.length, target.length);
  }

  /** rouge_scorer._summary_level_lcs: per reference sentence, the union of its LCS with every candidate sentence. */
  private summaryLcs(refs: Int32Array[], cans: Int32Array[]): RougeScore {
    if (refs.length === 0 || cans.length === 0) return ZERO;
    const m = refs.reduce((sum, s) => sum + s.length, 0);
    const n = cans.reduce((sum, s) => sum + s.length, 0);
    if (m === 0 || n === 0) return ZERO;
    const refCounts = this.countsA;
    const canCounts = this.countsB;
    for (const s of refs) for (const id of s) refCounts[id]! += 1;
    for (const s of cans) for (const id of s) canCounts[id]! += 1;
    let hits = 0;
    for (const ref of refs) {
      const chosen = new Uint8Array(ref.length);
      for (const can of cans) this.lcs.markLcs(ref, can, chosen);
      for (let i = 0; i < ref.length; i++) {
        const id = ref[i]!;
        if (chosen[i] && canCounts[id]! > 0 && refCounts[id]! > 0) {
          hits += 1;
          canCounts[id]! -= 1;
          refCounts[id]! -= 1;
        }
      }
    }
    for (const s of refs) for (const id of s) refCounts[id] = 0;
    for (const s of cans) for (const id of s) canCounts[id] = 0;
    return score(hits, n, m);
  }
}
