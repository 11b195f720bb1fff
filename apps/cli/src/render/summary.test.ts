import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceOutcome } from '@veriflow/runner';
import { renderProblems, renderSummary } from './summary.js';

const outcome = (name: string, status: InstanceOutcome['status'], extra: Partial<InstanceOutcome> = {}): InstanceOutcome => ({
  name,
  step: name.replace(/\[.*$/, ''),
  kind: 'core/sum',
  matrix: {},
  status,
  reason: { kind: 'new' },
  attempts: 1,
  durationMs: 0,
  values: {},
  metrics: {},
  ...extra,
});

describe('renderSummary', () => {
  it('one row per instance: status, time when it ran, final metrics, then scalar values', () => {
    const table = renderSummary([
      outcome('train[p=0.1]', 'succeeded', { durationMs: 1500, metrics: { loss: 0.123456 }, values: { acc: 0.9, model_path: 'x', loss: 0.1, config: { a: 1 } } }),
      outcome('train[p=0.3]', 'failed', { durationMs: 20, error: 'boom' }),
      outcome('report', 'cached', { durationMs: 7, values: { acc: 1 } }),
    ]);
    assert.equal(
      table,
      [
        'instance      status     time  loss    acc  model_path',
        '------------  ---------  ----  ------  ---  ----------',
        'train[p=0.1]  succeeded  1.5s  0.1235  0.9  x',
        'train[p=0.3]  failed',
        'report        cached                   1',
      ].join('\n'),
    );
  });

  it('without metrics or values is just instance, status and time', () => {
    assert.equal(renderSummary([outcome('a', 'succeeded', { durationMs: 61_000 })]), ['instance  status     time', '--------  ---------  -----', 'a         succeeded  1m01s'].join('\n'));
  });
});

describe('renderProblems', () => {
  it('lists failures with their errors, marking tolerated ones', () => {
    const text = renderProblems([
      outcome('ok', 'succeeded'),
      outcome('bad', 'failed', { error: 'exited with code 3' }),
      outcome('flaky', 'failed', { tolerated: true, error: 'timed out' }),
      outcome('silent', 'failed'),
    ]);
    assert.equal(text, ['✗ bad: exited with code 3', '✗ flaky (continue-on-error): timed out', '✗ silent: failed'].join('\n'));
  });

  it('summarises skipped instances with the first reason, leaving out those whose if was false', () => {
    const skipped = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => outcome(name, 'skipped', { reason: { kind: 'upstream-not-run', upstream: ['bad'] } }));
    const text = renderProblems([outcome('off', 'skipped', { reason: { kind: 'condition-false' } }), ...skipped]);
    assert.equal(text, 'skipped 7 instance(s): a, b, c, d, e, and 2 more (skipped (an upstream instance did not succeed): bad)');
  });

  it('is empty when nothing went wrong', () => {
    assert.equal(renderProblems([outcome('a', 'succeeded'), outcome('b', 'cached'), outcome('c', 'skipped', { reason: { kind: 'condition-false' } }), outcome('d', 'skipped', { reason: { kind: 'upstream-skipped', upstream: ['c'] } })]), '');
  });
});
