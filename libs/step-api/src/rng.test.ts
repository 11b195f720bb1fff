import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, deriveSeed, hash32 } from './rng.js';
import type { Rng } from './rng.js';

const draws = (rng: Rng, n: number, draw: (rng: Rng) => number = (r) => r.uniform()): number[] => Array.from({ length: n }, () => draw(rng));
const mean = (xs: readonly number[]): number => xs.reduce((sum, x) => sum + x, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('hash32', () => {
  it('is 32-bit FNV-1a (published test vectors)', () => {
    assert.equal(hash32(''), 0x811c9dc5);
    assert.equal(hash32('a'), 0xe40c292c);
    assert.equal(hash32('foobar'), 0xbf9cf968);
  });

  it('takes another basis to chain hashes', () => {
    assert.notEqual(hash32('a', 1), hash32('a'));
    assert.equal(hash32('', 1234), 1234);
  });
});

describe('deriveSeed', () => {
  it('is a fixed function of the workflow seed and the instance name (golden values)', () => {
    // If these change, every cached result and every published number changes with them.
    assert.equal(deriveSeed(0, 'train[p=0.1]'), 12847651);
    assert.equal(deriveSeed(7, 'sum[a=1]'), 3753258050);
  });

  it('changes with either input and stays a 32-bit unsigned integer', () => {
    const seeds = new Set([deriveSeed(0, 'a'), deriveSeed(1, 'a'), deriveSeed(0, 'b'), deriveSeed(1, 'b')]);
    assert.equal(seeds.size, 4);
    for (const seed of seeds) assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
  });
});

describe('createRng', () => {
  it('is deterministic for a seed (golden values)', () => {
    const rng = createRng(12345);
    assert.equal(rng.uniform(), 0.546095307989308);
    assert.equal(rng.uniform(), 0.6926104437566477);
    assert.equal(rng.int(1000), 406);
    assert.equal(rng.normal(), 0.3565551664602703);
    assert.deepEqual(draws(createRng(99), 20), draws(createRng(99), 20));
  });

  it('different seeds give different streams', () => {
    assert.notDeepEqual(draws(createRng(1), 5), draws(createRng(2), 5));
  });

  it('keeps its seed as an unsigned 32-bit integer', () => {
    assert.equal(createRng(7).seed, 7);
    assert.equal(createRng(-1).seed, 2 ** 32 - 1);
    assert.deepEqual(draws(createRng(-1), 5), draws(createRng(2 ** 32 - 1), 5));
  });

  it('uniform is in [0, 1) with the mean and variance of U(0, 1)', () => {
    const xs = draws(createRng(2024), 100_000);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(Math.abs(mean(xs) - 0.5) < 0.005, `mean ${mean(xs)}`);
    assert.ok(Math.abs(variance(xs) - 1 / 12) < 0.002, `variance ${variance(xs)}`);
    // Spread over the whole interval: every tenth gets about a tenth of the draws.
    const deciles = new Array<number>(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)]! += 1;
    for (const n of deciles) assert.ok(Math.abs(n - 10_000) < 500, `decile count ${n}`);
  });

  it('normal has mean 0 and variance 1, and symmetric tails', () => {
    const xs = draws(createRng(7), 100_000, (r) => r.normal());
    assert.ok(Math.abs(mean(xs)) < 0.02, `mean ${mean(xs)}`);
    assert.ok(Math.abs(variance(xs) - 1) < 0.03, `variance ${variance(xs)}`);
    const beyond2 = xs.filter((x) => Math.abs(x) > 1.96).length / xs.length;
    assert.ok(Math.abs(beyond2 - 0.05) < 0.005, `P(|x| > 1.96) = ${beyond2}`);
    assert.ok(xs.every(Number.isFinite));
  });

  it('int(n) gives every integer in [0, n) about equally often', () => {
    const counts = new Array<number>(6).fill(0);
    for (const k of draws(createRng(3), 60_000, (r) => r.int(6))) {
      assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
      counts[k]! += 1;
    }
    for (const n of counts) assert.ok(Math.abs(n - 10_000) < 400, `count ${n}`);
  });
});

describe('fork', () => {
  it('is determined by the seed and the label', () => {
    assert.deepEqual(draws(createRng(5).fork('init'), 10), draws(createRng(5).fork('init'), 10));
    assert.notDeepEqual(draws(createRng(5).fork('init'), 10), draws(createRng(5).fork('noise'), 10));
    assert.notDeepEqual(draws(createRng(5).fork('init'), 10), draws(createRng(6).fork('init'), 10));
  });

  it('does not depend on, or disturb, the parent’s position', () => {
    const parent = createRng(5);
    const untouched = draws(createRng(5), 10);
    const early = draws(parent.fork('x'), 5);
    const used = draws(parent, 10);
    const late = draws(parent.fork('x'), 5);
    assert.deepEqual(used, untouched);
    assert.deepEqual(late, early);
  });

  it('a fork’s stream is not the parent’s', () => {
    const a = draws(createRng(5), 1_000);
    const b = draws(createRng(5).fork('child'), 1_000);
    assert.notDeepEqual(a, b);
    // Uncorrelated: the sample correlation of 1000 independent pairs is within a few 1/sqrt(1000).
    const ma = mean(a);
    const mb = mean(b);
    const cov = a.reduce((sum, x, i) => sum + (x - ma) * (b[i]! - mb), 0) / a.length;
    const corr = cov / Math.sqrt(variance(a) * variance(b));
    assert.ok(Math.abs(corr) < 0.12, `correlation ${corr}`);
  });
});
