import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetCount, chooseBest } from './choose.js';

const pool = (scores: Record<string, number[]>) => Object.entries(scores).flatMap(([id, list]) => list.map((score, k) => ({ id, k, score })));

describe('budgetCount', () => {
  it('rounds budget × articles to the nearest article, halves up', () => {
    assert.equal(budgetCount(0.125, 4), 1); // 0.5
    assert.equal(budgetCount(0.25, 10), 3); // 2.5
    assert.equal(budgetCount(0.5, 7), 4); // 3.5
    assert.equal(budgetCount(0.125, 20), 3); // 2.5
    assert.equal(budgetCount(0.125, 19), 2); // 2.375
    assert.equal(budgetCount(1, 5), 5);
  });

  it('refuses a budget that keeps no article, and one outside (0, 1]', () => {
    assert.throws(() => budgetCount(0.125, 3), /budget 0\.125 of 3 articles keeps no article \(0\.125 × 3 rounds to 0\); raise the budget or synthesize a larger pool/);
    assert.throws(() => budgetCount(0, 10), /budget 0 is not a fraction in \(0, 1\]/);
    assert.throws(() => budgetCount(1.5, 10), /budget 1\.5 is not a fraction/);
  });
});

describe('chooseBest', () => {
  it('keeps each article\'s best candidate, then the best budget fraction of articles', () => {
    const candidates = pool({ a: [0.1, 0.9], b: [0.5, 0.3], c: [0.2, 0.8], d: [0.4, 0.0] });
    const choice = chooseBest(candidates, 0.5);
    assert.equal(choice.articles, 4);
    // Bests: a1 0.9, b0 0.5, c1 0.8, d0 0.4; the top two are a1 and c1.
    assert.deepEqual(choice.chosen, [1, 5]);
    assert.deepEqual(choice.kept, [false, true, false, false, false, true, false, false]);
  });

  it('breaks ties by input order: the earlier candidate of an article, the earlier article at the edge', () => {
    const candidates = pool({ a: [0.5, 0.5], b: [0.7, 0.7], c: [0.5, 0.2] });
    // b's first candidate; then a and c tie at 0.5 for the second place and a comes first.
    assert.deepEqual(chooseBest(candidates, 0.5).chosen, [2, 0]);
  });

  it('ranks −∞ (an empty candidate) last without NaN comparisons', () => {
    const candidates = pool({ a: [-Infinity, -Infinity], b: [-Infinity, -2], c: [-Infinity] });
    assert.deepEqual(chooseBest(candidates, 1).chosen, [3, 0, 4]);
  });

  it('rejects a NaN score, naming the candidate', () => {
    assert.throws(() => chooseBest(pool({ a: [0.1, NaN] }), 1), /candidate id "a", k 1 has score NaN/);
  });
});
