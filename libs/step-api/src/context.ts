import type { GpuDevice } from './gpu-device.js';
import type { Resources } from './resources.js';
import type { Rng } from './rng.js';

export interface StepLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface MetricLogger {
  /** Record one point of a metric history; `step` defaults to the number of points already logged for the key. */
  log(key: string, value: number, step?: number): void;
}

/** Who is running: the instance's stable name and its matrix coordinates. */
export interface InstanceIdentity {
  readonly step: string;
  readonly name: string;
  readonly matrix: Readonly<Record<string, unknown>>;
}

/** Everything a step may touch while it runs. Artifacts written here are hashed and stored when `run` resolves. */
export interface StepContext<W> {
  /** The resolved `with`; artifact references arrive as absolute, read-only file paths. */
  readonly with: W;
  readonly instance: InstanceIdentity;
  readonly seed: number;
  readonly rng: Rng;
  readonly log: StepLogger;
  readonly metrics: MetricLogger;
  /** Aborted on Ctrl-C, timeout or fail-fast; long loops should check it and throw `signal.reason`. */
  readonly signal: AbortSignal;
  readonly resources: Required<Pick<Resources, 'cpus' | 'gpu'>>;
  /**
   * The GPUs this instance holds, `resources.gpu` of them, used by no other running instance: put the
   * engine on one of these. Empty when it asked for none.
   */
  readonly gpus: readonly GpuDevice[];
  /** The instance's environment: the runner's, then the workflow's and the step's `env`. Use it instead of process.env. */
  readonly env: Readonly<Record<string, string>>;
  /** The directory holding the workflow file; relative paths a user writes are relative to it. */
  readonly workflowDir: string;
  /**
   * A directory that survives failed attempts, timeouts, Ctrl-C and crashes of this instance (same cache
   * key) and is removed once it succeeds: long steps keep checkpoints here and resume from them.
   */
  readonly checkpointDir: string;
  /** A scratch directory that is deleted after the instance ends. */
  readonly workdir: string;
  /** Where to write the artifact output `name`; the file must exist when `run` resolves. */
  outputPath(name: string): string;
  writeJson(name: string, value: unknown): Promise<void>;
  writeBytes(name: string, data: Uint8Array): Promise<void>;
  /** Progress within the instance, 0..1, shown by the runner. */
  progress(fraction: number): void;
}
