import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadWorkflow } from './load-workflow.js';
import { durationToMs } from './duration.js';

describe('durationToMs', () => {
  it('reads a bare number as seconds', () => {
    assert.equal(durationToMs(90), 90_000);
    assert.equal(durationToMs(0.25), 250);
  });

  it('reads each unit', () => {
    assert.equal(durationToMs('250ms'), 250);
    assert.equal(durationToMs('90s'), 90_000);
    assert.equal(durationToMs('5m'), 300_000);
    assert.equal(durationToMs('2h'), 7_200_000);
  });

  it('accepts decimals', () => {
    assert.equal(durationToMs('1.5s'), 1500);
    assert.equal(durationToMs('0.5h'), 1_800_000);
  });

  it('rejects anything else with an example of the form', () => {
    for (const text of ['5', '5 m', '5min', 'm', '-1s', '1.s', '']) {
      assert.throws(() => durationToMs(text), { message: `"${text}" is not a duration; write e.g. 30s, 5m or 1h` }, text);
    }
  });

  it('is what a step timeout becomes', () => {
    const { spec } = loadWorkflow(['name: t', 'steps:', '  a: { uses: x/y, timeout: 2m }', '  b: { uses: x/y, timeout: 3 }', '  c: { uses: x/y }', ''].join('\n'), 'wf.yaml');
    assert.deepEqual(
      spec.steps.map((step) => step.timeoutMs),
      [120_000, 3000, undefined],
    );
  });
});
