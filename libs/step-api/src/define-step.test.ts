import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStep, outputsOf } from './define-step.js';

const header = (name: string) => ({ name, version: '2', description: 'd', with: { type: 'object', properties: { n: { type: 'number' } } }, outputs: { total: { kind: 'number' } } }) as const;

describe('defineStep', () => {
  it('accepts library/kind and single-word names', () => {
    for (const name of ['core/sum', 'command', 'gaussian/train-verifier', 'ml2/fit3']) {
      assert.doesNotThrow(() => defineStep(header(name)), name);
    }
  });

  it('refuses names that are not lowercase library/kind', () => {
    for (const name of ['Core/sum', 'core/', '/sum', 'core/sum/x', '1core/sum', 'core/2sum', 'core_sum', 'core sum', '', 'core/-x']) {
      assert.throws(() => defineStep(header(name)), { message: `Step kind name "${name}" must look like "library/kind" (lowercase letters, digits and dashes)` }, JSON.stringify(name));
    }
  });

  it('keeps the header and the run function', async () => {
    const run = async () => ({ total: 3 });
    const step = defineStep(header('core/sum')).run(run);
    assert.equal(step.name, 'core/sum');
    assert.equal(step.version, '2');
    assert.deepEqual(step.outputs, { total: { kind: 'number' } });
    assert.equal(step.run, run);
  });
});

describe('outputsOf', () => {
  it('returns declared outputs as they are, or computed from with', () => {
    const fixed = defineStep(header('core/sum')).run(async () => ({ total: 1 }));
    assert.deepEqual(outputsOf(fixed, {}), { total: { kind: 'number' } });
    const dynamic = { ...fixed, outputs: (withValue: { names: string[] }) => Object.fromEntries(withValue.names.map((name) => [name, { kind: 'artifact' as const }])) };
    assert.deepEqual(outputsOf(dynamic, { names: ['a', 'b'] }), { a: { kind: 'artifact' }, b: { kind: 'artifact' } });
  });
});
