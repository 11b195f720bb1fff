import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { transition } from './transition.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

const defaults = { x: 'p', y: 'accuracy', series: 'verifier', predicted: 'p_star_predicted', tolerance: 0.03 } as const;

/** An evaluate instance as `${{ steps.evaluate.instances }}` lists it: p in the matrix, the rest in outputs. */
function instance(verifier: string, p: number, accuracy: number, predicted: number, replicate = 1): Record<string, unknown> {
  return {
    name: `evaluate[p=${p},replicate=${replicate},verifier=${verifier}]`,
    matrix: { p, replicate, verifier },
    outputs: { accuracy, p_star_predicted: predicted, bayes_accuracy: 0.94 },
  };
}

interface Row {
  series: string;
  measured: number | null;
  predicted: number;
  error: number | null;
  within: boolean;
}

describe('gaussian/transition', () => {
  // rates-0.62: two seeds at p = 0.6 average to 0.7, so the crossing of ½ is at 0.6 + (0.2/0.6)·0.1 ≈ 0.633.
  const rates = [
    instance('rates-0.62', 0.5, 0.93, 0.62),
    instance('rates-0.62', 0.6, 0.6, 0.62, 1),
    instance('rates-0.62', 0.6, 0.8, 0.62, 2),
    instance('rates-0.62', 0.7, 0.1, 0.62),
    instance('rates-0.62', 0.8, 0.07, 0.62),
  ];
  const crossing = 0.6 + (0.2 / 0.6) * 0.1;
  // The oracle never crosses: consistent with p* = 1 beyond the grid.
  const oracle = [0.5, 0.6, 0.7, 0.8].map((p) => instance('oracle', p, 0.94, 1));

  it('measures each verifier\'s crossing of ½ and compares it with the predicted p*', async () => {
    const { outputs, t } = await run(transition, { ...defaults, from: [...oracle, ...[...rates].reverse()] });
    assert.equal(outputs.all_within, true);
    assert.ok(Math.abs(outputs.max_error - (crossing - 0.62)) < 1e-12, `max_error ${outputs.max_error}`);
    const table = (await t.readOutputJson('table')) as { tolerance: number; transitions: Row[] };
    assert.equal(table.tolerance, 0.03);
    assert.deepEqual(outputs.transitions, table.transitions, 'expectations read the same rows as the table');
    const bySeries = Object.fromEntries(table.transitions.map((row) => [row.series, row]));
    assert.deepEqual(Object.keys(bySeries).sort(), ['oracle', 'rates-0.62']);
    assert.deepEqual(bySeries['oracle'], { series: 'oracle', measured: null, predicted: 1, error: 0, within: true });
    assert.ok(Math.abs(bySeries['rates-0.62']!.measured! - crossing) < 1e-12);
    assert.equal(bySeries['rates-0.62']!.predicted, 0.62);
    assert.equal(bySeries['rates-0.62']!.within, true);
    assert.deepEqual(t.metrics.map((m) => m.key), ['max_transition_error']);
  });

  it('fails all_within when a transition lies outside the tolerance', async () => {
    const { outputs } = await run(transition, { ...defaults, tolerance: 0.01, from: [...oracle, ...rates] });
    assert.equal(outputs.all_within, false);
    const shifted = rates.map((entry) => ({ ...entry, outputs: { ...(entry['outputs'] as object), p_star_predicted: 0.75 } }));
    const wrong = await run(transition, { ...defaults, from: [...oracle, ...shifted] });
    assert.equal(wrong.outputs.all_within, false);
    assert.ok(Math.abs(wrong.outputs.max_error - (0.75 - crossing)) < 1e-12);
  });

  it('reads its fields by name, outputs before matrix values', async () => {
    const renamed = [
      { name: 'a', matrix: { rate: 0.2, who: 'v' }, outputs: { acc: 0.9, predicted_here: 0.35 } },
      { name: 'b', matrix: { rate: 0.4, who: 'v' }, outputs: { acc: 0.2, predicted_here: 0.35 } },
      // An output named like a matrix value wins: this point is at x = 0.3, not 0.9.
      { name: 'c', matrix: { rate: 0.9, who: 'v' }, outputs: { acc: 0.6, rate: 0.3, predicted_here: 0.35 } },
    ];
    const { t } = await run(transition, { from: renamed, x: 'rate', y: 'acc', series: 'who', predicted: 'predicted_here', tolerance: 0.05 });
    const table = (await t.readOutputJson('table')) as { transitions: Row[] };
    assert.equal(table.transitions.length, 1);
    assert.ok(Math.abs(table.transitions[0]!.measured! - (0.3 + (0.1 / 0.4) * 0.1)) < 1e-12);
  });

  it('says what is missing instead of computing with NaN', async () => {
    await assert.rejects(run(transition, { ...defaults, from: [] }), /from is empty/);
    await assert.rejects(run(transition, { ...defaults, from: [{ name: 'x', matrix: { verifier: 'v' }, outputs: { accuracy: 0.9 } }] }), /x has no numeric "p" and "accuracy"/);
    await assert.rejects(run(transition, { ...defaults, from: [{ name: 'x', matrix: { verifier: 'v', p: 0.1 }, outputs: { accuracy: 0.9 } }] }), /series v has no numeric "p_star_predicted"/);
  });
});
