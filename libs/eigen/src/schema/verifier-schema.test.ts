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
  });

  it('says which fields belong to which kind', () => {
    assert.throws(() => resolveVerifier({ kind: 'random', keep: 0.5, tolerance: 0.1 }), /"tolerance" does not apply to kind random \(it is a field of oracle, noisy-oracle, consistency\); random takes keep/);
    assert.throws(() => resolveVerifier({ kind: 'self', fraction: 0.5, threshold: 1 }), /fraction" or "threshold", not both/);
    assert.throws(() => resolveVerifier({ kind: 'random' }), /random needs "keep"/);
  });
});
