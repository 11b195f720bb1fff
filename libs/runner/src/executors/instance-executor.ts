import type { AnyStepDefinition, GpuDevice, InstanceIdentity } from '@veriflow/step-api';
import type { ResolvedInstance } from '../cache/resolve-instance.js';
import type { ContextSinks } from '../execute/step-context.js';
import type { InstanceRecord, ObjectStore } from '../store/index.js';

/**
 * What one attempt of a resolved instance needs, wherever it runs. Everything but the live handles
 * (definition, objects, signal, sinks) is plain data, so an executor can write it to a file and run the
 * attempt on another host against the same shared workspace.
 */
export interface AttemptPlan {
  readonly identity: InstanceIdentity;
  /** The step kind (`uses`). */
  readonly kind: string;
  /** Module exporting the kind in `steps` (undefined for a plugin that only has a default export). */
  readonly module: string | undefined;
  readonly resolved: ResolvedInstance;
  readonly resources: { readonly cpus: number; readonly gpu: number; readonly memoryMb: number | undefined };
  /** The devices the local pool granted (empty on a cluster, whose scheduler assigns them on the node). */
  readonly gpus: readonly GpuDevice[];
  readonly timeoutMs: number | undefined;
  /** 1-based. */
  readonly attempt: number;
  /** This attempt's scratch directory (its `work/` and `outputs/` live below it); removed after the instance. */
  readonly attemptDir: string;
  readonly checkpointDir: string;
  readonly workflowDir: string;
  readonly workspaceDir: string;
  readonly runId: string;
  /** When the instance's first attempt began (ISO 8601): the record's `startedAt`. */
  readonly startedAt: string;
}

/** Where an attempt runs on a cluster, as its scheduler last reported: `slurm` job `4242`, `RUNNING`, `on node-3`. */
export interface Placement {
  readonly executor: string;
  readonly id: string;
  readonly state: string;
  /** Why it waits or ended, or where it runs (e.g. `Resources`, `on node-3`). */
  readonly detail: string | undefined;
}

export interface AttemptRequest extends AttemptPlan {
  readonly definition: AnyStepDefinition;
  readonly objects: ObjectStore;
  /** Aborts on Ctrl-C or fail-fast: the executor stops the attempt and rejects with CancelledError. */
  readonly signal: AbortSignal;
  readonly sinks: ContextSinks;
  /** Hears the attempt's job id and state whenever they change (executors that submit jobs). */
  readonly onPlacement: (placement: Placement) => void;
}

/**
 * Runs one attempt of one resolved instance somewhere (this process, a Slurm job, a Kubernetes Job) and
 * reports its outcome. Everything else stays in the runner: the DAG, cache decisions, locks, retries and
 * records. Resolves with the record to store once the outputs are in the object store; rejects with why the
 * attempt failed (AttemptTimeoutError for a timeout, CancelledError when `signal` stopped it).
 */
export interface InstanceExecutor {
  /** Names the executor in logs and errors: `local`, `slurm`. */
  readonly kind: string;
  /** Whether the local resource pool (--cpus, --gpus) bounds what runs at once; a cluster scheduler bounds it itself. */
  readonly limitsLocalResources: boolean;
  runAttempt(request: AttemptRequest): Promise<InstanceRecord>;
}
