/**
 * The reference simulation: generate every synthesized row, label it, verify it, and fold the
 * kept rows into XᵀX and Xᵀy'. Works for every generator/verifier pair and is what the faster
 * exact and projected paths are tested against. Rows are produced in chunks into reused buffers,
 * so memory is O(chunk·d + d²) whatever n is (unless the kept rows are asked for).
 *
 * Random streams: the noise comes from rng.fork('noise') and the labels and keep decisions from
 * rng.fork('decisions'), each consumed row by row, so results do not depend on the chunk size.
 */
import type { Rng } from '@veriflow/step-api';
import { NormalSource, Xoshiro128, dot, gemvT, symmetrizeFromUpper, syrkAccumulate } from '@veriflow/ml';
import { emptyStatistics, validateCell } from './types.js';
import type { CellConfig, KeptStatistics, LabelledRows } from './types.js';

export interface StreamOptions {
  /** Rows generated per chunk (default 4096). */
  chunkRows?: number;
}

const DEFAULT_CHUNK = 4096;

/** Sufficient statistics of the kept pairs of one cell, by generating all n rows. */
export function streamStatistics(cell: CellConfig, rng: Rng, options: StreamOptions = {}): KeptStatistics {
  return runStream(cell, rng, options, undefined);
}

/**
 * Like `streamStatistics`, but also returns the kept rows (memory O(m·d)): for estimators such as
 * logistic regression that need more than XᵀX and Xᵀy'.
 */
export function streamKeptRows(cell: CellConfig, rng: Rng, options: StreamOptions = {}): { stats: KeptStatistics; rows: LabelledRows } {
  const d = cell.mu.length;
  const store = new RowStore(d);
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

function runStream(cell: CellConfig, rng: Rng, options: StreamOptions, store: RowStore | undefined): KeptStatistics {
  validateCell(cell);
  const { mu, n, generator, verifier } = cell;
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

  let correctCount = 0;
  let keptCorrect = 0;
  let keptWrong = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    noise.fill(x, 0, rows * d);
    let kept = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * d;
      const y = (dec.nextUint32() & 1) === 1 ? 1 : -1;
      for (let j = 0; j < d; j++) x[base + j] = (x[base + j] as number) + y * (mu[j] as number);
      let yp: number;
      if (genA === undefined) yp = dec.uniform() < flipP ? -y : y;
      else yp = dot(x, genA, d, base, 0) >= 0 ? 1 : -1;
      const correct = yp === y;
      let keep: boolean;
      if (vDir === undefined) {
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
