/**
 * How long a step has, once its signal aborts, to stop: a `command` step's program gets this long between
 * SIGTERM and SIGKILL (to save a checkpoint). The runner waits this long, and a little more, before it gives
 * up on a step, so a retry or the end of the run never overlaps a program that is still shutting down.
 */
export const STOP_GRACE_MS = 5_000;
