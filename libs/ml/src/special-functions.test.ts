import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bivariateNormalCdf, erf, erfc, normalCdf, normalPdf, normalQuantile } from './special-functions.js';

function close(actual: number, expected: number, rel: number, label = ''): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(err <= rel, `${label} ${actual} vs ${expected} (relative error ${err})`);
}

describe('erf / erfc', () => {
  it('match reference values', () => {
    close(erf(0.5), 0.5204998778130465, 1e-15);
    close(erf(1), 0.8427007929497149, 1e-15);
    close(erf(-1), -0.8427007929497149, 1e-15);
    close(erfc(3), 0.00002209049699858544, 1e-14);
    close(erfc(10), 2.088487583762545e-45, 1e-13);
    close(erfc(-2), 1.9953222650189528, 1e-15);
    assert.equal(erf(0), 0);
    assert.equal(erfc(30), 0);
  });
});

describe('normalCdf', () => {
  it('matches reference values to ~1e-14 relative, deep into the left tail', () => {
    const cases: Array<[number, number]> = [
      [0, 0.5],
      [1, 0.8413447460685429],
      [2, 0.9772498680518208],
      [-1.96, 0.0249978951482204],
      [-3, 0.0013498980316300946],
      [-5, 2.866515718791939e-7],
      [-8, 6.220960574271784e-16],
      [-10, 7.619853024160525e-24],
      [-20, 2.7536241186062337e-89],
    ];
    for (const [x, p] of cases) close(normalCdf(x), p, 1e-13, `Φ(${x})`);
    assert.equal(normalCdf(Infinity), 1);
    assert.equal(normalCdf(-Infinity), 0);
    assert.ok(Number.isNaN(normalCdf(NaN)));
  });

  it('is consistent with the density (numerical derivative)', () => {
    for (const x of [-4, -1.3, 0, 0.7, 2.5]) {
      const h = 1e-5;
      close((normalCdf(x + h) - normalCdf(x - h)) / (2 * h), normalPdf(x), 1e-8, `φ(${x})`);
    }
  });
});

describe('normalQuantile', () => {
  it('matches reference quantiles', () => {
    close(normalQuantile(0.975), 1.959963984540054, 1e-14);
    close(normalQuantile(0.94), 1.5547735945968535, 1e-14);
    close(normalQuantile(1e-10), -6.361340902404056, 1e-14);
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), -Infinity);
    assert.equal(normalQuantile(1), Infinity);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
  });

  it('inverts normalCdf to ~1e-14 relative from 1e-300 to 1 − 1e-16', () => {
    for (let e = -300; e <= -1; e += 7) {
      for (const m of [1, 3.3, 7.7]) {
        const p = m * 10 ** e;
        close(normalCdf(normalQuantile(p)), p, 2e-13, `p=${p}`);
      }
    }
    for (let p = 0.01; p < 1; p += 0.0173) close(normalCdf(normalQuantile(p)), p, 1e-14, `p=${p}`);
    close(normalQuantile(1 - 1e-16), -normalQuantile(1e-16), 0.02);
  });
});

/** Φ₂(h, k; ρ) = ∫_{−∞}^{h} φ(x) Φ((k − ρx)/√(1−ρ²)) dx by composite Simpson (slow, independent). */
function bvnQuadrature(h: number, k: number, rho: number): number {
  const lo = -12;
  const hi = Math.min(h, 12);
  if (hi <= lo) return 0;
  const steps = 40_000;
  const dx = (hi - lo) / steps;
  const s = Math.sqrt(1 - rho * rho);
  const f = (x: number): number => normalPdf(x) * normalCdf((k - rho * x) / s);
  let sum = f(lo) + f(hi);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * dx);
  return (sum * dx) / 3;
}

describe('bivariateNormalCdf', () => {
  it('gives 1/4 + asin(ρ)/(2π) at the origin', () => {
    for (const rho of [-0.999, -0.95, -0.9, -0.5, -0.2, 0, 0.1, 0.3, 0.6, 0.8, 0.93, 0.99, 0.9999]) {
      close(bivariateNormalCdf(0, 0, rho), 0.25 + Math.asin(rho) / (2 * Math.PI), 1e-13, `ρ=${rho}`);
    }
  });

  it('handles independence and the degenerate correlations ±1 exactly', () => {
    close(bivariateNormalCdf(0.3, -1.2, 0), normalCdf(0.3) * normalCdf(-1.2), 1e-14);
    close(bivariateNormalCdf(0.3, -1.2, 1), normalCdf(-1.2), 1e-14);
    close(bivariateNormalCdf(0.3, 1.2, -1), normalCdf(0.3) - normalCdf(-1.2), 1e-14);
    assert.equal(bivariateNormalCdf(-0.3, 0.2, -1), 0);
    close(bivariateNormalCdf(Infinity, 0.4, 0.5), normalCdf(0.4), 1e-15);
    assert.equal(bivariateNormalCdf(-Infinity, 0.4, 0.5), 0);
    assert.throws(() => bivariateNormalCdf(0, 0, 1.5), RangeError);
  });

  it('agrees with direct quadrature to 1e-9 across correlations, including |ρ| ≥ 0.925', () => {
    const points: Array<[number, number]> = [[0.5, -0.3], [-1.5, -2], [2.2, 1.1], [-0.4, 1.7], [1.555, 1.2], [-3, 0.5]];
    for (const rho of [-0.99, -0.95, -0.8, -0.4, 0.2, 0.5, 0.74, 0.76, 0.9, 0.924, 0.926, 0.97, 0.995]) {
      for (const [h, k] of points) {
        const exact = bvnQuadrature(h, k, rho);
        const got = bivariateNormalCdf(h, k, rho);
        assert.ok(Math.abs(got - exact) < 1e-9, `Φ₂(${h}, ${k}; ${rho}) = ${got}, quadrature ${exact}`);
      }
    }
  });

  it('satisfies Φ₂(h, k; ρ) + Φ₂(h, −k; −ρ) = Φ(h) and symmetry in (h, k)', () => {
    for (const rho of [-0.97, -0.3, 0.45, 0.96]) {
      for (const [h, k] of [[0.7, -1.1], [-2.5, 0.3], [1.9, 2.4]] as Array<[number, number]>) {
        close(bivariateNormalCdf(h, k, rho) + bivariateNormalCdf(h, -k, -rho), normalCdf(h), 1e-12);
        close(bivariateNormalCdf(h, k, rho), bivariateNormalCdf(k, h, rho), 1e-12);
      }
    }
  });
});
