import { closeSync, close as closeFd, fsync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { TrackedRun, TrackedRunStatus, TrackingEvent } from '../model.js';
import { encodeEvent } from './encode.js';
import { EVENTS_FILE, WRITER_FILE, assertRunId, trackingRunsDir } from './paths.js';
import { fileSystemError, fsyncDir } from '@veriflow/durable-fs';

const fsyncAsync = promisify(fsync);
const closeAsync = promisify(closeFd);

export type FinishedRunStatus = Exclude<TrackedRunStatus, 'running' | 'interrupted'>;

/**
 * Appends one run's events to its log. Appends are synchronous so that events land in the order they
 * were produced and are in the OS page cache (surviving a SIGKILL of this process) the moment `append`
 * returns; the fsync that protects against power loss happens once, in `close`.
 */
export class RunWriter {
  readonly path: string;
  private readonly writerPath: string;
  private fd: number | undefined;
  // After a failed write the file may end in a fragment; the next event starts on a fresh line so only
  // the fragment is lost on replay.
  private needsNewline = false;

  /** Creates the run's directory and log; refuses to reuse an existing run id. */
  constructor(
    workspaceDir: string,
    readonly run: TrackedRun,
  ) {
    assertRunId(run.id);
    this.path = join(trackingRunsDir(workspaceDir), run.id, EVENTS_FILE);
    mkdirSync(dirname(this.path), { recursive: true });
    // 'ax': O_APPEND so each write lands at the end even if another handle appended meanwhile, O_EXCL
    // so two runs that somehow drew the same id never interleave in one log.
    this.fd = openSync(this.path, 'ax', 0o666);
    this.writerPath = join(dirname(this.path), WRITER_FILE);
    try {
      writeFileSync(this.writerPath, `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
      this.write({ type: 'run-started', run: { ...run, status: 'running', endedAt: undefined } });
    } catch (error) {
      closeSync(this.fd);
      this.fd = undefined;
      throw error;
    }
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Appends an instance or metric event. The run's own start and finish are written by the constructor and `close`. */
  append(event: TrackingEvent): void {
    if (event.type === 'run-started' || event.type === 'run-finished') throw new Error(`RunWriter.append: "${event.type}" is written by openRun/close, not append`);
    this.write(event);
  }

  /** Appends run-finished, makes the log durable and closes it. Calling it again does nothing. */
  async close(status: FinishedRunStatus, time: number = Date.now()): Promise<void> {
    if (this.fd === undefined) return;
    this.write({ type: 'run-finished', status, time });
    await this.release(true);
  }

  /**
   * Closes the log without a run-finished event, e.g. when the process must exit at once: the run then
   * reads back as interrupted, which is the truth.
   */
  async abandon(): Promise<void> {
    await this.release(false);
  }

  private async release(durable: boolean): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      if (durable) await fsyncAsync(fd);
    } finally {
      await closeAsync(fd);
      try {
        unlinkSync(this.writerPath);
      } catch {
        // Already gone: nothing claims the run is live.
      }
    }
    // The run directory and its entry in runs/ are new; without this a power cut could lose the whole log.
    if (durable) {
      await fsyncDir(dirname(this.path));
      await fsyncDir(dirname(dirname(this.path)));
    }
  }

  private write(event: TrackingEvent): void {
    if (this.fd === undefined) throw new Error(`run ${this.run.id}: the event log is closed`);
    const line = (this.needsNewline ? '\n' : '') + encodeEvent(event);
    const bytes = Buffer.from(line, 'utf8');
    this.needsNewline = true;
    let offset = 0;
    // One write per event; regular files only write short on errors like a full disk, and then we retry
    // the rest (or throw) rather than leave a fragment that would glue onto the next event.
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      throw fileSystemError(error, this.path) ?? error;
    }
    this.needsNewline = false;
  }
}
