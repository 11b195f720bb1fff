import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowError } from '../diagnostics/diagnostic.js';
import { loadWorkflow } from './load-workflow.js';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs } from './retry-backoff.js';

const step = (fields: string): string => `name: t\nsteps:\n  train: { uses: x/y, retries: 3, ${fields} }\n`;
const backoffOf = (fields: string) => loadWorkflow(step(fields), 'wf.yaml').spec.steps[0]!.retryBackoff;

/** The one-line diagnostics of a workflow that must not load. */
function problems(fields: string): string[] {
  try {
    loadWorkflow(step(fields), 'wf.yaml');
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return error.message.split('\n');
  }
  return assert.fail('expected the workflow to be rejected');
}

describe('retry-backoff', () => {
  it('defaults to 1s, doubling, at most 10m', () => {
    assert.deepEqual(backoffOf('with: {}'), DEFAULT_RETRY_BACKOFF);
    assert.deepEqual([1, 2, 3, 10, 11].map((failed) => retryDelayMs(DEFAULT_RETRY_BACKOFF, failed)), [1_000, 2_000, 4_000, 512_000, 600_000]);
  });

  it('takes the first wait as a duration, or delay, factor and max-delay', () => {
    assert.deepEqual(backoffOf('retry-backoff: 10s'), { delayMs: 10_000, factor: 2, maxDelayMs: 600_000 });
    assert.deepEqual(backoffOf('retry-backoff: 0'), { delayMs: 0, factor: 2, maxDelayMs: 600_000 });
    assert.deepEqual(backoffOf('retry-backoff: 1h'), { delayMs: 3_600_000, factor: 2, maxDelayMs: 3_600_000 });
    const constant = backoffOf('retry-backoff: { delay: 30s, factor: 1 }');
    assert.deepEqual([1, 2, 5].map((failed) => retryDelayMs(constant, failed)), [30_000, 30_000, 30_000]);
    const capped = backoffOf('retry-backoff: { delay: 250ms, factor: 3, max-delay: 2s }');
    assert.deepEqual([1, 2, 3, 4].map((failed) => retryDelayMs(capped, failed)), [250, 750, 2_000, 2_000]);
  });

  it('rejects a malformed value at its position', () => {
    const [first] = problems('retry-backoff: soon');
    assert.match(first ?? '', /^wf\.yaml:3:50: .*"steps\.train\.retry-backoff", found string "soon".* \[INVALID_VALUE\]$/);
    assert.match(problems('retry-backoff: { delay: 1s, factor: 0.5 }')[0] ?? '', /^wf\.yaml:3:71: .*retry-backoff\.factor.*\[INVALID_VALUE\]$/);
    assert.match(problems('retry-backoff: { wait: 1s }')[0] ?? '', /unknown key "wait".*Expected one of delay, factor, max-delay.*\[UNKNOWN_KEY\]$/);
  });

  it('rejects a max-delay shorter than the delay, at the max-delay', () => {
    assert.deepEqual(problems('retry-backoff: { delay: 1m, max-delay: 10s }'), [
      'wf.yaml:3:74: max-delay 10s of steps.train.retry-backoff is shorter than its delay 60s. Make max-delay at least the delay (it caps the waits that grow by factor), or lower the delay. [INVALID_VALUE]',
    ]);
  });
});
