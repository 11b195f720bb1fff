import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StepRegistry } from '@veriflow/step-api';
import * as eigen from './index.js';

describe('@veriflow/eigen', () => {
  it('exports its step kinds as `steps`, all running in workers', () => {
    assert.equal(eigen.steps, eigen.eigenSteps);
    assert.deepEqual(eigen.steps.map((s) => s.name), ['eigen/sample', 'eigen/encode', 'eigen/generate', 'eigen/verify', 'eigen/train', 'eigen/evaluate']);
    assert.ok(eigen.steps.every((s) => s.execution === 'worker'));
    const registry = new StepRegistry();
    registry.register(eigen.steps, '@veriflow/eigen', '@veriflow/eigen');
    assert.equal(registry.moduleOf('eigen/verify'), '@veriflow/eigen');
  });

  it('exports the step `verify` and the verifier function under different names', () => {
    assert.equal(eigen.verify.name, 'eigen/verify');
    assert.equal(typeof eigen.runVerifier, 'function');
  });
});
