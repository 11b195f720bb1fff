import { join } from 'node:path';

/** Where a workspace keeps tracked runs; one directory per run so runs never share a file. */
export function trackingRunsDir(workspaceDir: string): string {
  return join(workspaceDir, '.veriflow', 'tracking', 'runs');
}

export const EVENTS_FILE = 'events.jsonl';
export const SYNC_STATE_FILE = 'sync-state.json';
/** Present while a writer has the run open: tells a live run (still `running`) from a killed one (`interrupted`). */
export const WRITER_FILE = 'writer.json';

// Run ids become directory names, so anything that could climb out of the runs directory or hide
// (a leading dot, like our temp files) is refused.
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertRunId(id: string): void {
  if (!RUN_ID.test(id) || id.length > 200) throw new Error(`invalid run id "${id}": use letters, digits, ".", "_" and "-", starting with a letter or digit`);
}

export function isRunId(name: string): boolean {
  return RUN_ID.test(name) && name.length <= 200;
}
