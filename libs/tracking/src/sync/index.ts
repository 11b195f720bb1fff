export { SyncProgress, syncRun } from './sync-run.js';
export type { SyncReport } from './sync-run.js';
export { mlflowStatus, parentRunTags, instanceRunTags, artifactFileName } from './run-mapping.js';
