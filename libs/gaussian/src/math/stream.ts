/**
 * The reference simulation: generate every synthesized row, label it, verify it, and fold the
 * kept rows into XᵀX and Xᵀy'. Works for every generator/verifier pair and is what the faster
 * exact and projected paths are tested against. Rows are produced in chunks into reused buffers,
 * so memory is O(chunk·d + d²) whatever n is (unless the kept rows are asked for).
 *
 * Random streams: the noise comes from rng.fork('noise') and the labels and keep decisions from
 * rng.fork('decisions'), each consumed row by row, so results do not depend on the chunk size.
 *
 * Halfspace cells (x ~ N(0, I), y = sign(w*ᵀx), w* in the mu field) draw no label randomness: y is a
 * function of x. A covariance Σ is handled by whitening (covariance.ts): the rows are simulated for
 * the identity cell and mapped back, exactly.
 *
 * top-k verifiers take two passes over the same streams (rng.fork is deterministic): the first keeps
 * nothing and records the n scores s = y'·bᵀx/‖b‖ (n doubles: 8 MB at n = 10⁶); the k-th largest
 * score t is found by quickselect (O(n) expected, no sort); the second pass keeps s > t, and of the
 * rows with s = t the earliest ones, until exactly k are kept. Both passes compute each score with the
 * same arithmetic on the same row, so they agree bit for bit.
 */
import type { Rng } from '@veriflow/step-api';
import { NormalSource, Xoshiro128, dot, gemvT, symmetrizeFromUpper, syrkAccumulate } from '@veriflow/ml';
import { hasCovariance, unwhitenRows, unwhitenStatistics, whitenCell } from './covariance.js';
import { emptyStatistics, validateCell } from './types.js';
import type { CellConfig, KeptStatistics, LabelledRows } from './types.js';

export interface StreamOptions {
  /** Rows generated per chunk (default 4096). */
  chunkRows?: number;
}

const DEFAULT_CHUNK = 4096;

/** Sufficient statistics of the kept pairs of one cell, by generating all n rows. */
export function streamStatistics(cell: CellConfig, rng: Rng, options: StreamOptions = {}): KeptStatistics {
  validateCell(cell);
  if (hasCovariance(cell)) return unwhitenStatistics(cell.covariance, runStream(whitenCell(cell), rng, options, undefined));
  return runStream(cell, rng, options, undefined);
}

/**
 * Like `streamStatistics`, but also returns the kept rows (memory O(m·d)): for estimators such as
 * logistic regression that need more than XᵀX and Xᵀy'.
 */
export function streamKeptRows(cell: CellConfig, rng: Rng, options: StreamOptions = {}): { stats: KeptStatistics; rows: LabelledRows } {
  validateCell(cell);
  const d = cell.mu.length;
  const store = new RowStore(d);
  if (hasCovariance(cell)) {
    const stats = unwhitenStatistics(cell.covariance, runStream(whitenCell(cell), rng, options, store));
    return { stats, rows: unwhitenRows(cell.covariance, store.finish()) };
  }
  const stats = runStream(cell, rng, options, store);
  return { stats, rows: store.finish() };
}

/** Growable row buffer (doubling), only used when kept rows are requested. */
class RowStore {
  x = new Float64Array(0);
  y = new Float64Array(0);
  trueY = new Int8Array(0);
  count = 0;
  constructor(readonly dim: number) {}

  append(x: Float64Array, y: Float64Array, trueY: Int8Array, rows: number): void {
    const need = this.count + rows;
    if (need > this.y.length) {
      const cap = Math.max(need, 2 * this.y.length, 1024);
      const nx = new Float64Array(cap * this.dim);
      nx.set(this.x.subarray(0, this.count * this.dim));
      const ny = new Float64Array(cap);
      ny.set(this.y.subarray(0, this.count));
      const nt = new Int8Array(cap);
      nt.set(this.trueY.subarray(0, this.count));
      this.x = nx;
      this.y = ny;
      this.trueY = nt;
    }
    this.x.set(x.subarray(0, rows * this.dim), this.count * this.dim);
    this.y.set(y.subarray(0, rows), this.count);
    this.trueY.set(trueY.subarray(0, rows), this.count);
    this.count = need;
  }

  finish(): LabelledRows {
    const n = this.count;
    return { dim: this.dim, count: n, x: this.x.slice(0, n * this.dim), y: this.y.slice(0, n), trueY: this.trueY.slice(0, n) };
  }
}

/** Scores of one pass: keep iff s > threshold, or s = threshold while fewer than `ties` such rows were kept. */
interface ScoreRule {
  b: Float64Array;
  threshold: number;
  ties: number;
  /** Where the first pass writes the n scores. */
  scores?: Float64Array;
}

/** The k-th largest value of `scores` (k ≥ 1) and how many rows equal to it the top k hold. */
export function topKThreshold(scores: Float64Array, k: number): { threshold: number; ties: number } {
  const n = scores.length;
  if (k <= 0) return { threshold: Infinity, ties: 0 };
  if (k > n) throw new RangeError(`top-k: k = ${k} exceeds the ${n} scores`);
  const threshold = selectKth(Float64Array.from(scores), n - k);
  let above = 0;
  for (let i = 0; i < n; i++) if ((scores[i] as number) > threshold) above++;
  return { threshold, ties: k - above };
}

/** The element that would sit at `index` if `a` were sorted ascending (quickselect, three-way partition; a is reordered). */
export function selectKth(a: Float64Array, index: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const x = a[lo] as number;
    const y = a[(lo + hi) >>> 1] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y; // median of three
    // Dutch-flag partition: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i] as number;
      if (v < pivot) {
        a[i] = a[lt] as number;
        a[lt++] = v;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt] as number;
        a[gt--] = v;
      } else i++;
    }
    if (index < lt) hi = lt - 1;
    else if (index > gt) lo = gt + 1;
    else return pivot;
  }
  return a[index] as number;
}

function runStream(cell: CellConfig, rng: Rng, options: StreamOptions, store: RowStore | undefined): KeptStatistics {
  const v = cell.verifier;
  if (v.kind !== 'top-k') return runPass(cell, rng, options, store, undefined);
  const scores = new Float64Array(cell.n);
  runPass(cell, rng, options, undefined, { b: v.b, threshold: Infinity, ties: 0, scores });
  const { threshold, ties } = topKThreshold(scores, v.k);
  return runPass(cell, rng, options, store, { b: v.b, threshold, ties });
}

function runPass(cell: CellConfig, rng: Rng, options: StreamOptions, store: RowStore | undefined, rule: ScoreRule | undefined): KeptStatistics {
  const { mu, n, generator, verifier } = cell;
  const halfspace = cell.distribution === 'halfspace';
  const d = mu.length;
  const chunk = Math.max(1, Math.min(options.chunkRows ?? DEFAULT_CHUNK, n || 1));
  const stats = emptyStatistics(d, n);
  const noise = NormalSource.fromRng(rng.fork('noise'));
  const dec = Xoshiro128.fromRng(rng.fork('decisions'));

  const x = new Float64Array(chunk * d);
  const keptY = new Float64Array(chunk);
  const keptTrue = new Int8Array(chunk);

  const flipP = generator.kind === 'flip' ? generator.p : 0;
  const genA = generator.kind === 'linear' ? generator.a : undefined;
  // Verifier as data the row loop can branch on cheaply.
  const vKind = verifier.kind;
  let keepIfCorrect = 0;
  let keepIfWrong = 0;
  if (verifier.kind === 'oracle') [keepIfCorrect, keepIfWrong] = [1, 0];
  else if (verifier.kind === 'random') [keepIfCorrect, keepIfWrong] = [verifier.r, verifier.r];
  else if (verifier.kind === 'rates') [keepIfCorrect, keepIfWrong] = [verifier.phi, verifier.psi];
  const vDir = verifier.kind === 'linear' ? verifier.b : verifier.kind === 'model' ? verifier.w : undefined;
  const vThreshold = vDir && (verifier.kind === 'linear' || verifier.kind === 'model') ? (verifier.margin ?? 0) * Math.sqrt(dot(vDir, vDir)) : 0;
  const ruleDir = rule?.b;
  const ruleNorm = ruleDir ? Math.sqrt(dot(ruleDir, ruleDir)) || 1 : 1;
  const ruleThreshold = rule?.threshold ?? Infinity;
  const scores = rule?.scores;
  let tiesLeft = rule?.ties ?? 0;

  let correctCount = 0;
  let keptCorrect = 0;
  let keptWrong = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    noise.fill(x, 0, rows * d);
    let kept = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * d;
      let y: number;
      if (halfspace) y = dot(x, mu, d, base, 0) >= 0 ? 1 : -1;
      else {
        y = (dec.nextUint32() & 1) === 1 ? 1 : -1;
        for (let j = 0; j < d; j++) x[base + j] = (x[base + j] as number) + y * (mu[j] as number);
      }
      let yp: number;
      if (genA === undefined) yp = dec.uniform() < flipP ? -y : y;
      else yp = dot(x, genA, d, base, 0) >= 0 ? 1 : -1;
      const correct = yp === y;
      let keep: boolean;
      if (ruleDir !== undefined) {
        const s = (yp * dot(x, ruleDir, d, base, 0)) / ruleNorm;
        if (scores) scores[start + r] = s;
        keep = s > ruleThreshold || (s === ruleThreshold && tiesLeft-- > 0);
      } else if (vDir === undefined) {
        // oracle / random / rates; the oracle needs no randomness.
        keep = vKind === 'oracle' ? correct : dec.uniform() < (correct ? keepIfCorrect : keepIfWrong);
      } else {
        const s = dot(x, vDir, d, base, 0);
        keep = (s >= 0 ? 1 : -1) === yp && Math.abs(s) >= vThreshold;
      }
      if (correct) correctCount++;
      if (!keep) continue;
      if (correct) keptCorrect++;
      else keptWrong++;
      if (kept !== r) x.copyWithin(kept * d, base, base + d);
      keptY[kept] = yp;
      keptTrue[kept] = y;
      kept++;
    }
    syrkAccumulate(stats.xtx, x, kept, d);
    gemvT(x, kept, d, keptY, stats.xty);
    store?.append(x, keptY, keptTrue, kept);
  }
  symmetrizeFromUpper(stats.xtx, d);
  stats.correct = correctCount;
  stats.wrong = n - correctCount;
  stats.keptCorrect = keptCorrect;
  stats.keptWrong = keptWrong;
  stats.kept = keptCorrect + keptWrong;
  return stats;
}
