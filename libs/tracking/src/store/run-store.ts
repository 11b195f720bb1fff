import { appendFile, readFile, readdir, stat } from 'node:fs/promises';
import { isErrno, writeJsonAtomic } from '@veriflow/durable-fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { TrackedExpectations, TrackedInstance, TrackedInstanceStatus, TrackedRun, TrackedRunStatus } from '../model.js';
import { CorruptRunError, RunLookupError } from './errors.js';
import { EVENTS_FILE, SYNC_STATE_FILE, WRITER_FILE, assertRunId, isRunId, trackingRunsDir } from './paths.js';
import { encodeEvent } from './encode.js';
import { replayRun } from './replay.js';
import type { FinishedRunStatus } from './run-writer.js';
import { RunWriter } from './run-writer.js';

/** One line of `veriflow runs`. */
export interface RunSummary {
  readonly id: string;
  readonly workflow: string;
  readonly status: TrackedRunStatus;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly instanceCount: number;
  readonly counts: Readonly<Partial<Record<TrackedInstanceStatus, number>>>;
}

export interface RunRecord {
  readonly run: TrackedRun;
  readonly instances: TrackedInstance[];
  readonly expectations: TrackedExpectations | undefined;
  /** Log lines that were not whole events; non-zero after a kill mid-write. */
  readonly skippedLines: number;
}

// Enough to fill the disk queue without running out of file descriptors in a workspace with many runs.
const READ_BATCH = 16;
const MAX_LISTED_CANDIDATES = 10;

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_LISTED_CANDIDATES).join(', ');
  return ids.length > MAX_LISTED_CANDIDATES ? `${shown}, and ${ids.length - MAX_LISTED_CANDIDATES} more` : shown;
}

/** The tracked runs of one workspace: `<workspace>/.veriflow/tracking/runs/<runId>/events.jsonl`. */
export class RunStore {
  readonly runsDir: string;

  constructor(readonly workspaceDir: string) {
    this.runsDir = trackingRunsDir(workspaceDir);
  }

  runDir(runId: string): string {
    assertRunId(runId);
    return join(this.runsDir, runId);
  }

  /** Starts a run's log (appending run-started). Throws if a run with this id already exists. */
  openRun(run: TrackedRun): RunWriter {
    return new RunWriter(this.workspaceDir, run);
  }

  /** Ids of every run directory, newest first (ids start with a timestamp). */
  async runIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.runsDir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
    return names.filter(isRunId).sort().reverse();
  }

  /** Every readable run, newest first. Runs whose log lost even its first event are left out. */
  async listRuns(): Promise<RunSummary[]> {
    const ids = await this.runIds();
    const summaries: RunSummary[] = [];
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const batch = await Promise.all(ids.slice(start, start + READ_BATCH).map((id) => this.tryRead(id)));
      for (const record of batch) if (record) summaries.push(summarise(record));
    }
    return summaries.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** An exact run id, or a prefix of exactly one. */
  async resolveRunId(query: string): Promise<string> {
    const ids = await this.runIds();
    if (ids.includes(query)) return query;
    const matches = ids.filter((id) => id.startsWith(query));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new RunLookupError(`run id "${query}" is ambiguous: it matches ${listIds(matches)}`, query, matches);
    if (ids.length === 0) throw new RunLookupError(`no run matches "${query}": no runs are recorded in ${this.runsDir}`, query, []);
    throw new RunLookupError(`no run matches "${query}"; the newest runs are ${listIds(ids)}`, query, ids.slice(0, MAX_LISTED_CANDIDATES));
  }

  /** Replays a run's log; accepts a unique prefix of the run id. */
  async readRun(idOrPrefix: string): Promise<RunRecord> {
    const id = await this.resolveRunId(idOrPrefix);
    const record = await this.tryRead(id);
    if (!record) throw new CorruptRunError(`run ${id} has no readable run-started event in ${join(this.runDir(id), EVENTS_FILE)}`, id);
    return record;
  }

  /** What a later MLflow sync recorded for this run; undefined before the first sync. */
  async readSyncState(runId: string): Promise<Record<string, unknown> | undefined> {
    const path = join(this.runDir(runId), SYNC_STATE_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path} does not hold a JSON object`);
    return parsed as Record<string, unknown>;
  }

  /**
   * Replaces the run's sync state so a reader (or the next sync after a kill) sees the old state or the
   * new one, never a mix (an atomic replace). The events log is never touched.
   */
  async writeSyncState(runId: string, state: Record<string, unknown>): Promise<void> {
    const dir = this.runDir(runId);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new RunLookupError(`no run "${runId}" in ${this.runsDir}`, runId, []);
    await writeJsonAtomic(join(dir, SYNC_STATE_FILE), state);
  }

  private async tryRead(id: string): Promise<RunRecord | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.runDir(id), EVENTS_FILE), 'utf8');
    } catch (error) {
      // A directory without a log: a run killed between mkdir and open, or a stray folder.
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
      throw error;
    }
    return replayRun(text, { live: (await this.liveWriter(id)) !== undefined });
  }

  /**
   * Ends the log of a run whose process died (it reads back as interrupted) with `status`: `veriflow
   * cancel` records a killed run as cancelled once it has stopped the jobs the run left. Refuses a run
   * that is live or already finished, whose own process writes (or wrote) its end.
   */
  async finishAbandoned(id: string, status: FinishedRunStatus): Promise<void> {
    const { run } = await this.readRun(id);
    if (run.status !== 'interrupted') throw new Error(`run ${id} is ${run.status}; only a run whose veriflow process was killed can be ended from outside it`);
    // A leading newline ends a line the kill may have torn, so only that fragment is lost on replay.
    await appendFile(join(this.runDir(id), EVENTS_FILE), `\n${encodeEvent({ type: 'run-finished', status, time: Date.now() })}`);
  }

  /**
   * The process that has the run open, while it is still running; undefined once it closed the run or
   * died. A marker from another host cannot be checked and counts as live (its pid is then another
   * host's), as does one caught half-written (pid and host unknown).
   */
  async liveWriter(id: string): Promise<{ readonly pid: number | undefined; readonly host: string | undefined } | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.runDir(id), WRITER_FILE), 'utf8');
    } catch {
      return undefined;
    }
    let marker: { pid?: unknown; host?: unknown };
    try {
      marker = JSON.parse(text) as { pid?: unknown; host?: unknown };
    } catch {
      return { pid: undefined, host: undefined };
    }
    const writer = { pid: typeof marker.pid === 'number' ? marker.pid : undefined, host: typeof marker.host === 'string' ? marker.host : undefined };
    if (writer.pid === undefined || writer.host !== hostname()) return writer;
    try {
      process.kill(writer.pid, 0);
      return writer;
    } catch (error) {
      // EPERM: alive, but another user's.
      return isErrno(error, 'EPERM') ? writer : undefined;
    }
  }
}

function summarise(record: RunRecord): RunSummary {
  const counts: Partial<Record<TrackedInstanceStatus, number>> = {};
  for (const instance of record.instances) counts[instance.status] = (counts[instance.status] ?? 0) + 1;
  const { run } = record;
  return { id: run.id, workflow: run.workflow, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt, instanceCount: record.instances.length, counts };
}
