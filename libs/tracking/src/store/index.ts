export { RunStore } from './run-store.js';
export type { RunRecord, RunSummary } from './run-store.js';
export { RunWriter } from './run-writer.js';
export type { FinishedRunStatus } from './run-writer.js';
export { RunLookupError, CorruptRunError } from './errors.js';
export { replayRun, parseEventLines } from './replay.js';
export type { ReplayedRun } from './replay.js';
export { trackingRunsDir, EVENTS_FILE, SYNC_STATE_FILE } from './paths.js';
