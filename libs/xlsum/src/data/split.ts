/**
 * Disjoint, seeded samples of an XL-Sum file: the generator's real training budget, the pool whose
 * summaries get synthesized, and the test set.
 */
import type { Rng } from '@veriflow/step-api';

export interface SplitFractions {
  readonly real: number;
  readonly pool: number;
  /** Of the same rows as real and pool, or of a test file of its own. */
  readonly test: number;
}

export interface SplitIndices {
  readonly real: number[];
  readonly pool: number[];
  readonly test: number[];
}

/** A seeded random permutation of 0 … n−1 (Fisher–Yates). */
function permutation(rng: Rng, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

function take(order: Int32Array, from: number, count: number): number[] {
  return Array.from(order.subarray(from, from + count)).sort((a, b) => a - b);
}

function rowsOf(name: string, fraction: number, total: number, file: string): number {
  const count = Math.floor(fraction * total);
  if (count === 0) throw new Error(`${name} = ${fraction} of the ${total} rows of ${file} is no row; raise ${name} or use a larger file`);
  return count;
}

/**
 * Row indices (in file order within each split) for `fractions` of `rows` rows, from one permutation:
 * test first when it comes from the same file, then real, then pool, so the splits never overlap.
 */
export function splitIndices(rng: Rng, rows: number, fractions: SplitFractions, file: string, testRows?: { rows: number; file: string }): SplitIndices {
  const shared = testRows === undefined;
  const sum = fractions.real + fractions.pool + (shared ? fractions.test : 0);
  if (sum > 1 + 1e-12) throw new Error(`real + pool${shared ? ' + test' : ''} = ${sum} > 1: the splits of ${file} must not overlap; lower them${shared ? ' or give test_path' : ''}`);
  const order = permutation(rng.fork('train'), rows);
  const test = shared
    ? take(order, 0, rowsOf('test', fractions.test, rows, file))
    : take(permutation(rng.fork('test'), testRows.rows), 0, rowsOf('test', fractions.test, testRows.rows, testRows.file));
  const realStart = shared ? test.length : 0;
  const real = take(order, realStart, rowsOf('real', fractions.real, rows, file));
  const pool = take(order, realStart + real.length, rowsOf('pool', fractions.pool, rows, file));
  return { real, pool, test };
}
