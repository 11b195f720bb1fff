import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withCarried } from './carry.js';

it('adds carried values next to a step\'s own and refuses to shadow them', () => {
  assert.deepEqual(withCarried({ accuracy: 0.9 }, { p: 0.3, verifier: 'oracle' }), { p: 0.3, verifier: 'oracle', accuracy: 0.9 });
  assert.deepEqual(withCarried({ accuracy: 0.9 }, undefined), { accuracy: 0.9 });
  assert.throws(() => withCarried({ accuracy: 0.9 }, { accuracy: 1 }), /carry\.accuracy would overwrite the step's own output "accuracy"/);
});
