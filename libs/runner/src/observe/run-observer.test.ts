import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeObservers } from './run-observer.js';
import type { InstanceOutcome, RunEnd, RunObserver } from './run-observer.js';

const outcome: InstanceOutcome = { name: 'a', step: 'a', matrix: {}, status: 'succeeded', reason: { kind: 'new' }, attempts: 1, durationMs: 5, values: {}, metrics: {}, kind: 'core/echo' };
const end: RunEnd = { runId: 'r1', status: 'succeeded', outcomes: [outcome], durationMs: 9, expectations: [] };

/** Collects process warnings emitted while `body` runs. */
async function warningsDuring(body: () => Promise<void> | void): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe('composeObservers', () => {
  it('forwards every event, with its arguments, to each observer in order', async () => {
    const calls: string[] = [];
    const recorder = (tag: string): RunObserver => ({
      runStarted: (start) => calls.push(`${tag} start ${start.runId} ${start.total}`),
      instanceStarted: (name, attempt) => calls.push(`${tag} started ${name} ${attempt}`),
      instanceProgress: (name, fraction) => calls.push(`${tag} progress ${name} ${fraction}`),
      instanceLog: (name, level, line) => calls.push(`${tag} log ${name} ${level} ${line}`),
      instanceMetric: (name, key, value, step) => calls.push(`${tag} metric ${name} ${key}=${value}@${step}`),
      instanceFinished: (finished) => calls.push(`${tag} finished ${finished.name} ${finished.status}`),
      runFinished: async (finished) => {
        await new Promise((resolve) => setImmediate(resolve));
        calls.push(`${tag} end ${finished.status}`);
      },
    });
    const all = composeObservers([recorder('A'), recorder('B')]);
    all.runStarted({ runId: 'r1', workflow: 'w', total: 1, startedAt: 0 });
    all.instanceStarted('a', 2);
    all.instanceProgress('a', 0.5);
    all.instanceLog('a', 'warn', 'hi');
    all.instanceMetric('a', 'loss', 0.25, 3);
    all.instanceFinished(outcome);
    await all.runFinished(end);
    assert.deepEqual(calls, [
      'A start r1 1', 'B start r1 1',
      'A started a 2', 'B started a 2',
      'A progress a 0.5', 'B progress a 0.5',
      'A log a warn hi', 'B log a warn hi',
      'A metric a loss=0.25@3', 'B metric a loss=0.25@3',
      'A finished a succeeded', 'B finished a succeeded',
      'A end succeeded', 'B end succeeded',
    ]);
  });

  it('observers may leave out any method', async () => {
    const all = composeObservers([{}, { instanceLog: () => undefined }]);
    all.runStarted({ runId: 'r', workflow: 'w', total: 0, startedAt: 0 });
    all.instanceFinished(outcome);
    await all.runFinished(end);
  });

  it('keeps methods bound to their observer', () => {
    class Counter implements RunObserver {
      count = 0;
      instanceFinished(): void {
        this.count++;
      }
    }
    const counter = new Counter();
    composeObservers([counter]).instanceFinished(outcome);
    assert.equal(counter.count, 1);
  });

  it('an observer that throws does not stop the others, and becomes a warning', async () => {
    const seen: string[] = [];
    const warnings = await warningsDuring(async () => {
      const all = composeObservers([
        { instanceFinished: () => { throw new Error('sink is down'); }, runFinished: () => Promise.reject(new Error('upload failed')) },
        { instanceFinished: (finished) => seen.push(finished.name), runFinished: (finished) => { seen.push(`end ${finished.runId}`); } },
      ]);
      assert.doesNotThrow(() => all.instanceFinished(outcome));
      await all.runFinished(end);
    });
    assert.deepEqual(seen, ['a', 'end r1']);
    assert.deepEqual(warnings, ['observer instanceFinished failed: sink is down', 'observer runFinished failed: upload failed']);
  });
});
