// Helpers shared by this folder's tests (not exported from the package).
import assert from 'node:assert/strict';
import { dot } from '@veriflow/ml';
import type { KeptStatistics } from './types.js';

export interface Summary {
  mean: number;
  sd: number;
  count: number;
}

export function summarize(values: readonly number[]): Summary {
  const count = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / count;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (count - 1);
  return { mean, sd: Math.sqrt(variance), count };
}

/**
 * Two-sample check that two simulation methods draw from the same law: means within `z` standard
 * errors of their difference, and standard deviations within `z` standard errors of log(sd)
 * (≈ 1/√(2(n−1)) each).
 */
export function assertSameDistribution(label: string, a: readonly number[], b: readonly number[], z = 3): void {
  const sa = summarize(a);
  const sb = summarize(b);
  const se = Math.sqrt(sa.sd ** 2 / sa.count + sb.sd ** 2 / sb.count);
  const zMean = se === 0 ? (sa.mean === sb.mean ? 0 : Infinity) : Math.abs(sa.mean - sb.mean) / se;
  assert.ok(zMean < z, `${label}: means ${sa.mean} vs ${sb.mean} differ by ${zMean.toFixed(2)} standard errors`);
  if (sa.sd > 0 || sb.sd > 0) {
    const seLog = Math.sqrt(1 / (2 * (sa.count - 1)) + 1 / (2 * (sb.count - 1)));
    const zSd = Math.abs(Math.log(sa.sd / sb.sd)) / seLog;
    assert.ok(zSd < z, `${label}: standard deviations ${sa.sd} vs ${sb.sd} differ by ${zSd.toFixed(2)} standard errors`);
  }
}

/** Scalar summaries of the statistics that exercise every block of XᵀX and Xᵀy'. */
export function statisticFeatures(s: KeptStatistics, mu: Float64Array): Record<string, number> {
  const d = s.dim;
  let trace = 0;
  let quad = 0;
  let off = 0;
  for (let i = 0; i < d; i++) {
    trace += s.xtx[i * d + i] as number;
    for (let j = 0; j < d; j++) quad += (mu[i] as number) * (s.xtx[i * d + j] as number) * (mu[j] as number);
  }
  if (d > 1) off = s.xtx[1] as number;
  return { kept: s.kept, trace, muXtXmu: quad, offDiagonal: off, xtyMu: dot(s.xty, mu), xtyNorm2: dot(s.xty, s.xty) };
}
