import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectationRecord } from './expectation-mapping.js';

describe('expectationRecord', () => {
  it('logs expect.<name> as 1/0 (none when not evaluated) and tags each status, its detail and a count', () => {
    const { metrics, tags } = expectationRecord(
      {
        params: {},
        seed: 0,
        results: [
          { name: 'a', status: 'held', that: 'x > 1', values: {}, measured: { x: 2 } },
          { name: 'b', status: 'failed', that: 'y > 1', values: {}, measured: { y: [0.5, 1] } },
          { name: 'c', status: 'not-evaluated', that: 'z', values: {}, measured: {}, reason: 'step "z" failed' },
        ],
      },
      42,
    );
    assert.deepEqual(metrics, [
      { key: 'expect.a', value: 1, step: 0, timestamp: 42 },
      { key: 'expect.b', value: 0, step: 0, timestamp: 42 },
    ]);
    assert.deepEqual(tags, {
      'veriflow.expect.a': 'held',
      'veriflow.expect.a.detail': 'x = 2',
      'veriflow.expect.b': 'failed',
      'veriflow.expect.b.detail': 'y = [0.5,1]',
      'veriflow.expect.c': 'not-evaluated',
      'veriflow.expect.c.detail': 'step "z" failed',
      'veriflow.expectations': '1 held, 1 failed, 1 not evaluated',
    });
  });
});
