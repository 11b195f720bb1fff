import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InstanceOutcome } from '@veriflow/runner';
import { progressObserver } from './progress.js';

const stream = (isTTY: boolean) => {
  const out = { text: '', isTTY, columns: 300, write: (chunk: string) => ((out.text += chunk), true) };
  return out;
};
const placement = { executor: 'slurm', id: '42', state: 'PENDING', detail: 'Resources' };
const cached = { name: 'b', step: 'b', matrix: {}, status: 'cached', reason: { kind: 'cached' }, attempts: 0, durationMs: 0, values: {}, metrics: {}, kind: 'core/sum' } as unknown as InstanceOutcome;

/** A progress display of a two-instance run whose instance `a` started and had its job queued. */
function queued(isTTY: boolean) {
  const out = stream(isTTY);
  const progress = progressObserver({ stream: out as unknown as NodeJS.WriteStream, verbose: false });
  progress.runStarted!({ runId: 'r', workflow: 'w', total: 2, startedAt: Date.now() });
  progress.instanceStarted!('a', 1);
  progress.instancePlaced!('a', placement);
  return { out, progress };
}

it('prints each job state change as a line in a plain log', () => {
  const { out } = queued(false);
  assert.match(out.text, /^ {2}a \| slurm job 42 PENDING \(Resources\)$/m);
});

it("shows a running instance's job and state in the terminal's status line", () => {
  const { out, progress } = queued(true);
  progress.instanceFinished!(cached);
  assert.doesNotMatch(out.text, /a \| slurm job/);
  assert.match(out.text, /running · 1 cached .*· a \(slurm 42 PENDING\)/);
  progress.runFinished!({ runId: 'r', status: 'succeeded', outcomes: [], durationMs: 0, expectations: [] });
});
