import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { NormalSource, Xoshiro128, fillNormal, zigguratTables } from './normal-fill.js';
import { normalCdf, normalQuantile } from './special-functions.js';

describe('Xoshiro128', () => {
  it('matches the reference xoshiro128** output for state {1, 2, 3, 4}', () => {
    // Reference C: result = rotl(s[1] * 5, 7) * 9 → rotl(10, 7) * 9 = 11520 for the first output.
    const g = new Xoshiro128(1, 2, 3, 4);
    assert.equal(g.nextUint32(), 11520);
    // Later outputs against an independent BigInt transcription of the reference code.
    let [s0, s1, s2, s3] = [1, 2, 3, 4];
    const step = (): number => {
      const r = Number((BigInt.asUintN(32, BigInt(s1) * 5n) << 7n | BigInt.asUintN(32, BigInt(s1) * 5n) >> 25n) & 0xffffffffn);
      const out = Number(BigInt.asUintN(32, BigInt(r) * 9n));
      const t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0; s3 = (s3 ^ s1) >>> 0; s1 = (s1 ^ s2) >>> 0; s0 = (s0 ^ s3) >>> 0; s2 = (s2 ^ t) >>> 0;
      s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
      return out;
    };
    step();
    for (let i = 0; i < 100; i++) assert.equal(g.nextUint32(), step());
  });

  it('uniform() is in [0, 1) with mean 1/2', () => {
    const g = Xoshiro128.fromRng(createRng(5));
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = g.uniform();
      assert.ok(u >= 0 && u < 1);
      sum += u;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005);
  });
});

describe('ziggurat tables', () => {
  it('every layer has the same area v and the top layer closes at x = 0', () => {
    const { x, f, r, v } = zigguratTables;
    const tail = Math.sqrt(2 * Math.PI) * normalCdf(-r); // ∫_r^∞ exp(−t²/2) dt
    assert.ok(Math.abs(r * Math.exp(-r * r / 2) + tail - v) < 1e-12, 'base layer area');
    for (let i = 1; i < x.length - 1; i++) {
      const area = (x[i] as number) * ((f[i + 1] as number) - (f[i] as number));
      assert.ok(Math.abs(area - v) < 1e-11, `layer ${i} area ${area}`);
    }
    assert.equal(x[x.length - 1], 0);
  });
});

describe('fillNormal', () => {
  it('is deterministic for a seed and independent of how the buffer is split', () => {
    const a = new Float64Array(10_000);
    fillNormal(createRng(42), a);
    const b = new Float64Array(10_000);
    fillNormal(createRng(42), b);
    assert.deepEqual(a, b);
    const src = NormalSource.fromRng(createRng(42));
    const c = new Float64Array(10_000);
    src.fill(c, 0, 3_333);
    src.fill(c, 3_333);
    assert.deepEqual(a, c);
    const d = new Float64Array(10_000);
    fillNormal(createRng(43), d);
    assert.notDeepEqual(a, d);
  });

  it('fills only the requested range and works on Float32Array', () => {
    const out = new Float32Array(100);
    fillNormal(createRng(1), out, 10, 20);
    for (let i = 0; i < 100; i++) assert.equal(out[i] !== 0, i >= 10 && i < 30);
    assert.throws(() => fillNormal(createRng(1), out, 90, 20), RangeError);
  });

  it('has standard normal moments, tails and a Kolmogorov–Smirnov distance within the 0.1% level', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    fillNormal(createRng(2024), z);
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0, tail = 0;
    for (const x of z) {
      m1 += x; m2 += x * x; m3 += x ** 3; m4 += x ** 4;
      if (Math.abs(x) > zigguratTables.r) tail++;
    }
    m1 /= n; m2 /= n; m3 /= n; m4 /= n;
    // Standard errors: 1/√n, √2/√n, √15/√n, √96/√n; allow 4 of each.
    assert.ok(Math.abs(m1) < 4 / Math.sqrt(n), `mean ${m1}`);
    assert.ok(Math.abs(m2 - 1) < 4 * Math.sqrt(2 / n), `var ${m2}`);
    assert.ok(Math.abs(m3) < 4 * Math.sqrt(15 / n), `skew ${m3}`);
    assert.ok(Math.abs(m4 - 3) < 4 * Math.sqrt(96 / n), `kurtosis ${m4}`);
    const pTail = 2 * normalCdf(-zigguratTables.r);
    assert.ok(Math.abs(tail / n - pTail) < 4 * Math.sqrt(pTail / n), `tail ${tail / n} vs ${pTail}`);
    const sorted = Float64Array.from(z).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) {
      const c = normalCdf(sorted[i] as number);
      ks = Math.max(ks, Math.abs(c - i / n), Math.abs(c - (i + 1) / n));
    }
    assert.ok(ks < 1.95 / Math.sqrt(n), `KS ${ks}`);
    // χ² over 200 equiprobable bins (catches layer-edge artefacts the KS distance averages out).
    const bins = 200;
    const counts = new Float64Array(bins);
    for (const x of z) counts[Math.min(bins - 1, Math.floor(normalCdf(x) * bins))]! += 1;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - n / bins) ** 2 / (n / bins);
    // 199 degrees of freedom: the 0.1% critical value is about 267.
    assert.ok(chi2 < 267, `chi2 ${chi2}`);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-15);
  });
});
