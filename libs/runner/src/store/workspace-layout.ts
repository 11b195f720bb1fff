import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertCacheKey } from './digest.js';
import { IncompleteMarkers } from './incomplete-markers.js';
import { InstanceRecords } from './instance-records.js';
import { ObjectStore } from './object-store.js';

export const STATE_DIR_NAME = '.veriflow';

// Same rule as workflow names in the schema: these become directory names.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertName(what: string, name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`${what} "${name}" cannot be used as a directory name; use letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
}

/** Where everything lives under `<workspace>/.veriflow`. Pure path arithmetic; `ensure()` creates the directories. */
export class WorkspaceLayout {
  readonly workspaceDir: string;
  readonly stateDir: string;
  /** Content-addressed artifacts. */
  readonly objects: string;
  /** Cache records. */
  readonly instances: string;
  /** Markers of instances that started but have no record yet. */
  readonly incomplete: string;
  readonly locks: string;
  /** One lock per cache key being computed (see instanceLockPath). */
  readonly instanceLocks: string;
  readonly runs: string;
  /** One record per cache key whose attempt is a cluster job, while the job is that key's attempt (see JobRecords). */
  readonly jobs: string;
  /** One folder per cache key whose step keeps checkpoints (see checkpointDir). */
  readonly checkpoints: string;
  /** Staging for the object store; inside the state dir so renames into `objects` stay on one filesystem. */
  readonly tmp: string;
  readonly workflows: string;

  constructor(workspaceDir: string) {
    this.workspaceDir = resolve(workspaceDir);
    this.stateDir = join(this.workspaceDir, STATE_DIR_NAME);
    this.objects = join(this.stateDir, 'objects');
    this.instances = join(this.stateDir, 'instances');
    this.incomplete = join(this.stateDir, 'incomplete');
    this.locks = join(this.stateDir, 'locks');
    this.instanceLocks = join(this.locks, 'instances');
    this.runs = join(this.stateDir, 'runs');
    this.jobs = join(this.stateDir, 'jobs');
    this.tmp = join(this.stateDir, 'tmp');
    this.checkpoints = join(this.stateDir, 'checkpoints');
    this.workflows = join(this.stateDir, 'workflows');
  }

  runDir(runId: string): string {
    assertName('Run id', runId);
    return join(this.runs, runId);
  }

  runLogsDir(runId: string): string {
    return join(this.runDir(runId), 'logs');
  }

  /** Holds the workflow's lock.json and results.json. */
  workflowDir(workflowName: string): string {
    assertName('Workflow name', workflowName);
    return join(this.workflows, workflowName);
  }

  workflowLockFile(workflowName: string): string {
    return join(this.workflowDir(workflowName), 'lock.json');
  }

  workflowResultsFile(workflowName: string): string {
    return join(this.workflowDir(workflowName), 'results.json');
  }

  /** A step's own checkpoints while its instance runs (resumed after a kill; removed once it succeeds). */
  checkpointDir(key: string): string {
    assertCacheKey(key);
    return join(this.checkpoints, key);
  }

  /** Held while an instance runs, so two concurrent runs never compute the same key twice. */
  instanceLockPath(key: string): string {
    assertCacheKey(key);
    return join(this.instanceLocks, `${key}.lock`);
  }

  /** A named workspace-wide lock, e.g. `lockPath('workflow-hello')` around writing a workflow's lock.json. */
  lockPath(name: string): string {
    assertName('Lock name', name);
    return join(this.locks, `${name}.lock`);
  }

  async ensure(): Promise<void> {
    for (const dir of [this.objects, this.instances, this.incomplete, this.instanceLocks, this.runs, this.tmp, this.workflows]) {
      await mkdir(dir, { recursive: true });
    }
  }

  /** The stores wired to this layout. */
  openStores(): { objects: ObjectStore; records: InstanceRecords; markers: IncompleteMarkers } {
    const objects = new ObjectStore(this.objects, { stagingDir: this.tmp });
    return { objects, records: new InstanceRecords(this.instances, objects), markers: new IncompleteMarkers(this.incomplete) };
  }
}
