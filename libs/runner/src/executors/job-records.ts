import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, writeJsonAtomic } from '@veriflow/durable-fs';
import { assertCacheKey, isCacheKey } from '../store/digest.js';
import { readdirOrEmpty } from '../store/read-dir.js';

/** A cluster job that is (or was, until its outcome is taken) the attempt of one cache key. */
export interface JobRecord {
  /** `slurm`. */
  readonly executor: string;
  /** `4242`, or `4242_7` for task 7 of array job 4242. */
  readonly jobId: string;
  /** A token in the job's comment: it finds the job in the queue when its id never got recorded (below). */
  readonly submission: string;
  /** Its index in the array job it is a task of (undefined for a job of its own). */
  readonly task?: number;
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

/**
 * Written before sbatch runs, replaced by the JobRecord once it returned: a `veriflow run` killed between
 * the two leaves a job nobody recorded, which a later run finds in the queue by `submission`.
 */
export type SubmittingRecord = Omit<JobRecord, 'jobId'> & { readonly jobId?: undefined };

export type StoredJob = JobRecord | SubmittingRecord;

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

  async write(record: StoredJob): Promise<void> {
    await writeJsonAtomic(this.pathOf(record.key), { format: FORMAT, ...record });
  }

  /** The key's job, or undefined when none is recorded (or the file is unreadable: a record is only a lead). */
  async read(key: string): Promise<StoredJob | undefined> {
    let parsed: Partial<JobRecord> & { format?: unknown };
    try {
      parsed = JSON.parse(await readFile(this.pathOf(key), 'utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    const { format, ...record } = parsed;
    const complete = (record.jobId === undefined || typeof record.jobId === 'string') && typeof record.submission === 'string' && typeof record.runId === 'string' && typeof record.attemptDir === 'string' && record.key === key;
    return format === FORMAT && complete ? (record as StoredJob) : undefined;
  }

  /** Removes the key's record if it is still the one `owns` recognises (an adopter may have replaced it meanwhile). */
  async remove(key: string, owns: (record: StoredJob) => boolean): Promise<void> {
    const recorded = await this.read(key);
    if (!recorded || !owns(recorded)) return;
    await unlink(this.pathOf(key)).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }

  /** The jobs a run waits for (those it submitted or adopted), and those it was submitting when it stopped. */
  async ofRun(runId: string): Promise<StoredJob[]> {
    const keys = (await readdirOrEmpty(this.root)).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter(isCacheKey);
    const records = await Promise.all(keys.map((key) => this.read(key)));
    return records.filter((record): record is StoredJob => record?.runId === runId);
  }
}
