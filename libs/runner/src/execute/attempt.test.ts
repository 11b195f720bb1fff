import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { STOP_GRACE_MS } from '@veriflow/step-api';
import { AttemptTimeoutError, CancelledError, formatMs, runAttempt } from './attempt.js';

/** A step that stops as soon as its signal aborts, throwing the signal's reason as steps are told to. */
const cooperative = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describe('runAttempt', () => {
  it('returns what the step returns and leaves no listener on the run signal', async () => {
    const run = new AbortController();
    let seen: AbortSignal | undefined;
    const value = await runAttempt(run.signal, 5_000, async (signal) => {
      seen = signal;
      assert.equal(signal.aborted, false);
      return 42;
    });
    assert.equal(value, 42);
    // The step's signal is aborted once the attempt is over, so leftover work winds down; not as a timeout.
    assert.equal(seen?.aborted, true);
    assert.ok(!(seen?.reason instanceof AttemptTimeoutError));
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  it('passes the step’s own error through untouched, without waiting', async () => {
    const started = Date.now();
    const error = new Error('boom');
    await assert.rejects(
      runAttempt(new AbortController().signal, 5_000, async () => {
        throw error;
      }),
      (thrown) => thrown === error,
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it('a timeout rejects with AttemptTimeoutError and aborts the step’s signal with it', async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    await assert.rejects(
      runAttempt(new AbortController().signal, 40, (signal) => {
        seen = signal;
        return cooperative(signal);
      }),
      (error) => error instanceof AttemptTimeoutError && error.timeoutMs === 40 && error.message === 'timed out after 40ms',
    );
    assert.ok(Date.now() - started >= 35);
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof AttemptTimeoutError);
  });

  it('leaves no timer behind once a stopped step has wound down', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await assert.rejects(runAttempt(new AbortController().signal, 10, cooperative), AttemptTimeoutError);
    const run = new AbortController();
    const cancelled = runAttempt(run.signal, 60_000, cooperative);
    run.abort();
    await assert.rejects(cancelled, CancelledError);
    // A pending grace or timeout timer would keep the CLI alive after the run.
    assert.equal(timers(), before);
  });

  it('a step ignoring its signal cannot hang the attempt', async () => {
    const started = Date.now();
    await assert.rejects(
      runAttempt(new AbortController().signal, 20, () => new Promise<never>(() => undefined)),
      AttemptTimeoutError,
    );
    // It waits the stop grace (and a little more) for the step to wind down, then gives up on it.
    assert.ok(Date.now() - started < STOP_GRACE_MS + 4_000, `took ${Date.now() - started}ms`);
  });

  it('a step that finishes in time leaves no timeout pending', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    let seen: AbortSignal | undefined;
    await runAttempt(new AbortController().signal, 60_000, async (signal) => {
      seen = signal;
      await delay(1);
      return 'done';
    });
    assert.equal(timers(), before);
    assert.ok(!(seen?.reason instanceof AttemptTimeoutError));
  });

  it('aborting the run mid-attempt rejects with CancelledError and aborts the step', async () => {
    const run = new AbortController();
    let seen: AbortSignal | undefined;
    const attempt = runAttempt(run.signal, undefined, (signal) => {
      seen = signal;
      return cooperative(signal);
    });
    setTimeout(() => run.abort(), 10);
    await assert.rejects(attempt, CancelledError);
    assert.ok(seen?.reason instanceof CancelledError);
  });

  it('an already aborted run rejects with CancelledError at once', async () => {
    const run = new AbortController();
    run.abort();
    let seen: AbortSignal | undefined;
    await assert.rejects(
      runAttempt(run.signal, undefined, (signal) => {
        seen = signal;
        return cooperative(signal);
      }),
      { name: 'CancelledError', message: 'cancelled' },
    );
    assert.equal(seen?.aborted, true);
  });
});

describe('formatMs', () => {
  it('uses ms below a second, one decimal below ten seconds, whole seconds below a minute', () => {
    assert.equal(formatMs(0), '0ms');
    assert.equal(formatMs(999), '999ms');
    assert.equal(formatMs(1000), '1.0s');
    assert.equal(formatMs(2_345), '2.3s');
    assert.equal(formatMs(12_345), '12s');
  });

  it('uses minutes and two-digit seconds from a minute on', () => {
    assert.equal(formatMs(60_000), '1m00s');
    assert.equal(formatMs(61_000), '1m01s');
    assert.equal(formatMs(3_725_000), '62m05s');
  });

  it('carries rounded seconds into the minutes', () => {
    assert.equal(formatMs(119_500), '2m00s');
    assert.equal(formatMs(3_599_700), '60m00s');
  });
});
