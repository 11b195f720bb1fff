import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockedReason, describeReason, reasonRuns, skippedByCondition } from './reasons.js';
import type { PlanReason, ReasonKind } from './reasons.js';

/** One example of every reason, with what `describeReason` says and whether it runs. */
const EXAMPLES: Record<ReasonKind, [PlanReason, string, boolean]> = {
  cached: [{ kind: 'cached' }, 'cached', false],
  new: [{ kind: 'new' }, 'new', true],
  'params-changed': [
    {
      kind: 'params-changed',
      changes: [
        { path: 'lr', before: 0.1, after: 0.2 },
        { path: 'model.act', before: 'relu', after: 'tanh' },
        { path: 'sizes', before: [1], after: undefined },
      ],
    },
    'params changed: lr 0.1 → 0.2, model.act relu → tanh, sizes [1] → (none)',
    true,
  ],
  'input-changed': [{ kind: 'input-changed', inputs: ['a.x', 'b.y'] }, 'input changed: a.x, b.y', true],
  'version-changed': [{ kind: 'version-changed', before: 'toy/train@1', after: 'toy/train@2' }, 'code version changed: toy/train@1 → toy/train@2', true],
  'environment-changed': [
    { kind: 'environment-changed', changes: [{ path: 'engine', before: 'wasm+openblas', after: 'wasm+openblas+fused' }] },
    'environment changed: engine wasm+openblas → wasm+openblas+fused',
    true,
  ],
  'seed-changed': [{ kind: 'seed-changed', before: 1, after: 2 }, 'seed changed: 1 → 2', true],
  'outputs-missing': [{ kind: 'outputs-missing', detail: 'model is gone' }, 'outputs missing: model is gone', true],
  'outputs-corrupt': [{ kind: 'outputs-corrupt', detail: 'model digest mismatch' }, 'outputs corrupted: model digest mismatch', true],
  incomplete: [{ kind: 'incomplete', runId: 'run-7' }, 'incomplete: interrupted in run run-7', true],
  failed: [{ kind: 'failed', runId: 'run-8', error: 'exit code 3: CUDA out of memory' }, 'failed in run run-8: exit code 3: CUDA out of memory', true],
  'no-record': [{ kind: 'no-record' }, 'not in cache', true],
  forced: [{ kind: 'forced' }, 'forced', true],
  'upstream-runs': [{ kind: 'upstream-runs', upstream: ['train[p=1]'] }, 'upstream will run: train[p=1]', true],
  'condition-false': [{ kind: 'condition-false' }, 'skipped (if is false)', false],
  'upstream-not-run': [{ kind: 'upstream-not-run', upstream: ['a', 'b', 'c'] }, 'skipped (an upstream instance did not succeed): a, b, c', false],
  'upstream-skipped': [{ kind: 'upstream-skipped', upstream: ['student[replicate=2]'] }, 'skipped (an upstream instance is skipped by its if:): student[replicate=2]', false],
  stopped: [{ kind: 'stopped' }, 'not started (the run stopped after a failure; --keep-going runs independent instances)', false],
};

describe('describeReason and reasonRuns', () => {
  for (const [kind, [reason, text, runs]] of Object.entries(EXAMPLES)) {
    it(kind, () => {
      assert.equal(reason.kind, kind);
      assert.equal(describeReason(reason), text);
      assert.equal(reasonRuns(reason), runs);
    });
  }

  it('only cached and the four skip reasons do not run', () => {
    const idle = Object.values(EXAMPLES)
      .filter(([reason]) => !reasonRuns(reason))
      .map(([reason]) => reason.kind)
      .sort();
    assert.deepEqual(idle, ['cached', 'condition-false', 'stopped', 'upstream-not-run', 'upstream-skipped']);
  });

  it('shortens long instance lists to three names and a count', () => {
    assert.equal(describeReason({ kind: 'input-changed', inputs: ['a', 'b', 'c', 'd', 'e'] }), 'input changed: a, b, c and 2 more');
    assert.equal(describeReason({ kind: 'upstream-runs', upstream: ['a', 'b', 'c', 'd'] }), 'upstream will run: a, b, c and 1 more');
    assert.equal(describeReason({ kind: 'upstream-not-run', upstream: ['a', 'b', 'c', 'd'] }), 'skipped (an upstream instance did not succeed): a, b, c and 1 more');
  });

  it('blames a failure unless every blocking upstream instance was skipped by a condition', () => {
    const byCondition = { name: 'a', reason: { kind: 'condition-false' } } as const;
    const transitively = { name: 'b', reason: { kind: 'upstream-skipped', upstream: ['a'] } } as const;
    const failed = { name: 'c', reason: { kind: 'new' } } as const;
    assert.deepEqual(blockedReason([byCondition, transitively]), { kind: 'upstream-skipped', upstream: ['a', 'b'] });
    assert.deepEqual(blockedReason([byCondition, failed]), { kind: 'upstream-not-run', upstream: ['a', 'c'] });
    assert.equal(skippedByCondition({ kind: 'upstream-not-run', upstream: ['c'] }), false);
  });

  it('writes object param values as JSON and strings bare', () => {
    assert.equal(describeReason({ kind: 'params-changed', changes: [{ path: 'prior', before: { phi: 0.9 }, after: 'none' }] }), 'params changed: prior {"phi":0.9} → none');
  });
});
