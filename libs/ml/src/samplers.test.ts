import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { RandomStream, binomial, chiSquare, gamma, wishartIdentity } from './samplers.js';

function stream(seed: number): RandomStream {
  return RandomStream.fromRng(createRng(seed));
}

/** Binomial pmf by the stable ratio recursion, from the mode outwards. */
function binomialPmf(n: number, p: number): Float64Array {
  const logPmf = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) logPmf[k] = (logPmf[k - 1] as number) + Math.log(((n - k + 1) / k) * (p / (1 - p)));
  let max = -Infinity;
  for (const v of logPmf) max = Math.max(max, v);
  const pmf = logPmf.map((v) => Math.exp(v - max));
  const total = pmf.reduce((a, b) => a + b, 0);
  return pmf.map((v) => v / total);
}

function chiSquareGof(n: number, p: number, draws: number, seed: number): { stat: number; df: number } {
  const s = stream(seed);
  const pmf = binomialPmf(n, p);
  const counts = new Float64Array(n + 1);
  for (let i = 0; i < draws; i++) counts[binomial(s, n, p)]! += 1;
  // Pool cells with expected count < 5 into their neighbours.
  let stat = 0, df = -1, expAcc = 0, obsAcc = 0;
  for (let k = 0; k <= n; k++) {
    expAcc += (pmf[k] as number) * draws;
    obsAcc += counts[k] as number;
    if (expAcc >= 5) {
      stat += (obsAcc - expAcc) ** 2 / expAcc;
      df++;
      expAcc = 0;
      obsAcc = 0;
    }
  }
  return { stat, df };
}

describe('binomial', () => {
  it('passes χ² goodness of fit in the inversion and BTRS regimes', () => {
    for (const [n, p] of [[30, 0.2], [25, 0.39], [1000, 0.3], [200, 0.75], [5000, 0.5]] as Array<[number, number]>) {
      const { stat, df } = chiSquareGof(n, p, 40_000, n + Math.round(p * 100));
      // Normal approximation to the χ² 0.1% critical value.
      const crit = df + 3.09 * Math.sqrt(2 * df) + 3;
      assert.ok(stat < crit, `Bin(${n}, ${p}): χ² = ${stat} on ${df} df`);
    }
  });

  it('has the right mean and variance for large n, and exact edge cases', () => {
    const s = stream(7);
    const n = 10_000_000;
    const p = 0.37;
    const reps = 4000;
    let m = 0, v = 0;
    for (let i = 0; i < reps; i++) {
      const k = binomial(s, n, p);
      m += k;
      v += k * k;
    }
    m /= reps;
    v = v / reps - m * m;
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(m - n * p) < 4 * sd / Math.sqrt(reps));
    assert.ok(Math.abs(v / (sd * sd) - 1) < 4 * Math.sqrt(2 / reps));
    assert.equal(binomial(s, 0, 0.3), 0);
    assert.equal(binomial(s, 10, 0), 0);
    assert.equal(binomial(s, 10, 1), 10);
    assert.throws(() => binomial(s, 2.5, 0.3), RangeError);
    assert.throws(() => binomial(s, 5, 1.2), RangeError);
  });
});

describe('gamma and chi-square', () => {
  it('have the right mean and variance for small and large shapes', () => {
    const s = stream(11);
    for (const shape of [0.3, 0.5, 1, 3.7, 150]) {
      const reps = 60_000;
      let m = 0, v = 0;
      for (let i = 0; i < reps; i++) {
        const g = gamma(s, shape);
        assert.ok(g >= 0);
        m += g;
        v += g * g;
      }
      m /= reps;
      v = v / reps - m * m;
      assert.ok(Math.abs(m - shape) < 4 * Math.sqrt(shape / reps), `shape ${shape}: mean ${m}`);
      assert.ok(Math.abs(v / shape - 1) < 0.05, `shape ${shape}: variance ${v}`);
    }
    let m = 0;
    for (let i = 0; i < 20_000; i++) m += chiSquare(s, 1);
    assert.ok(Math.abs(m / 20_000 - 1) < 4 * Math.sqrt(2 / 20_000));
  });
});

describe('wishartIdentity', () => {
  it('matches E[W] = ν I, Var(W_ii) = 2ν, Var(W_ij) = ν and E tr(W²) = dν(ν+d+1), for ν ≥ d and ν < d', () => {
    const s = stream(13);
    const d = 6;
    for (const nu of [3, 6, 11, 40]) {
      const reps = 6000;
      let diag = 0, diag2 = 0, off = 0, off2 = 0, tr2 = 0;
      const W = new Float64Array(d * d);
      for (let r = 0; r < reps; r++) {
        wishartIdentity(s, nu, d, W);
        const a = W[2 * d + 2] as number;
        const b = W[1 * d + 4] as number;
        assert.equal(W[4 * d + 1], b, 'symmetric');
        diag += a; diag2 += a * a; off += b; off2 += b * b;
        for (const w of W) tr2 += w * w;
      }
      diag /= reps; off /= reps;
      const vDiag = diag2 / reps - diag * diag;
      const vOff = off2 / reps - off * off;
      assert.ok(Math.abs(diag - nu) < 4 * Math.sqrt(2 * nu / reps), `ν=${nu}: E W_ii ${diag}`);
      assert.ok(Math.abs(off) < 4 * Math.sqrt(nu / reps), `ν=${nu}: E W_ij ${off}`);
      assert.ok(Math.abs(vDiag / (2 * nu) - 1) < 0.12, `ν=${nu}: Var W_ii ${vDiag}`);
      assert.ok(Math.abs(vOff / nu - 1) < 0.12, `ν=${nu}: Var W_ij ${vOff}`);
      const expectedTr2 = d * nu * (nu + d + 1);
      assert.ok(Math.abs(tr2 / reps / expectedTr2 - 1) < 0.03, `ν=${nu}: E tr W² ${tr2 / reps} vs ${expectedTr2}`);
    }
    assert.deepEqual(wishartIdentity(s, 0, 3), new Float64Array(9));
    assert.throws(() => wishartIdentity(s, 2.5, 4), RangeError);
  });
});
