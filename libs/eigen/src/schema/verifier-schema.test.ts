import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveVerifier } from './verifier-schema.js';

describe('resolveVerifier', () => {
  it('fills defaults per kind', () => {
    assert.deepEqual(resolveVerifier({ kind: 'oracle' }), { kind: 'oracle', tolerance: 0.01 });
    assert.deepEqual(resolveVerifier({ kind: 'noisy-oracle', flip: 0.1, tolerance: 0.02 }), { kind: 'noisy-oracle', tolerance: 0.02, flip: 0.1 });
    assert.deepEqual(resolveVerifier({ kind: 'self' }), { kind: 'self', fraction: 0.5 });
    assert.deepEqual(resolveVerifier({ kind: 'self', threshold: -2 }), { kind: 'self', threshold: -2 });
    assert.deepEqual(resolveVerifier({ kind: 'consistency' }), { kind: 'consistency', tolerance: 0.01, sorted: true });
    assert.deepEqual(resolveVerifier({ kind: 'random', keep: 0.3, name: 'r' }), { kind: 'random', keep: 0.3 });
    assert.deepEqual(resolveVerifier({ kind: 'none' }), { kind: 'none' });
  });

  it('gives oracles the task\'s correctness tolerance unless they set their own; consistency keeps its residual default', () => {
    assert.deepEqual(resolveVerifier({ kind: 'oracle' }, 0.05), { kind: 'oracle', tolerance: 0.05 });
    assert.deepEqual(resolveVerifier({ kind: 'noisy-oracle', flip: 0.2 }, 0.05), { kind: 'noisy-oracle', tolerance: 0.05, flip: 0.2 });
    assert.deepEqual(resolveVerifier({ kind: 'oracle', tolerance: 0.02 }, 0.05), { kind: 'oracle', tolerance: 0.02 });
    assert.deepEqual(resolveVerifier({ kind: 'consistency' }, 0.05), { kind: 'consistency', tolerance: 0.01, sorted: true });
    assert.throws(() => resolveVerifier({ kind: 'none', keep: 1 }), /"keep" does not apply to kind none/);
  });

  it('says which fields belong to which kind', () => {
    assert.throws(() => resolveVerifier({ kind: 'random', keep: 0.5, tolerance: 0.1 }), /"tolerance" does not apply to kind random \(it is a field of oracle, noisy-oracle, consistency\); random takes keep/);
    assert.throws(() => resolveVerifier({ kind: 'self', fraction: 0.5, threshold: 1 }), /fraction" or "threshold", not both/);
    assert.throws(() => resolveVerifier({ kind: 'random' }), /random needs "keep"/);
  });
});
