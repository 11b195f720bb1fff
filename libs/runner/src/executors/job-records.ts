import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, writeJsonAtomic } from '@veriflow/durable-fs';
import { assertCacheKey, isCacheKey } from '../store/digest.js';
import { readdirOrEmpty } from '../store/read-dir.js';

/** A cluster job that is (or was, until its outcome is taken) the attempt of one cache key. */
export interface JobRecord {
  /** `slurm`. */
  readonly executor: string;
  readonly jobId: string;
  readonly key: string;
  /** Instance name, for messages. */
  readonly instance: string;
  /** The run that waits for the job now: the one that submitted it, or the one that adopted it after a kill. */
  readonly runId: string;
  readonly submittedBy: string;
  readonly attempt: number;
  /** Where the job reads its plan and writes its output and result (shared with the nodes). */
  readonly attemptDir: string;
  /** ISO 8601. */
  readonly submittedAt: string;
}

const FORMAT = 'veriflow-job/1';

/**
 * `<root>/<key>.json` names the cluster job computing that key, written (atomically) the moment it is
 * submitted and removed once a run has taken its outcome. So a job outlives the `veriflow run` that
 * submitted it on disk too: `veriflow cancel` finds a run's jobs here, and a later run adopts a key's job
 * instead of submitting it again. Only the holder of the key's instance lock writes or removes it.
 */
export class JobRecords {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertCacheKey(key);
    return join(this.root, `${key}.json`);
  }

  async write(record: JobRecord): Promise<void> {
    await writeJsonAtomic(this.pathOf(record.key), { format: FORMAT, ...record });
  }

  /** The key's job, or undefined when none is recorded (or the file is unreadable: a record is only a lead). */
  async read(key: string): Promise<JobRecord | undefined> {
    let parsed: Partial<JobRecord> & { format?: unknown };
    try {
      parsed = JSON.parse(await readFile(this.pathOf(key), 'utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    const { format, ...record } = parsed;
    const complete = typeof record.jobId === 'string' && typeof record.runId === 'string' && typeof record.attemptDir === 'string' && record.key === key;
    return format === FORMAT && complete ? (record as JobRecord) : undefined;
  }

  /** Removes the key's record if it still names `jobId` (an adopter may have replaced it meanwhile). */
  async remove(key: string, jobId: string): Promise<void> {
    if ((await this.read(key))?.jobId !== jobId) return;
    await unlink(this.pathOf(key)).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }

  /** The jobs a run waits for (those it submitted or adopted). */
  async ofRun(runId: string): Promise<JobRecord[]> {
    const keys = (await readdirOrEmpty(this.root)).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter(isCacheKey);
    const records = await Promise.all(keys.map((key) => this.read(key)));
    return records.filter((record): record is JobRecord => record?.runId === runId);
  }
}
