import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRng } from '@veriflow/step-api';
import type { GpuDevice, InstanceIdentity, StepContext } from '@veriflow/step-api';

export interface LoggedLine {
  readonly level: 'info' | 'warn' | 'debug';
  readonly message: string;
}

export interface LoggedMetric {
  readonly key: string;
  readonly value: number;
  readonly step: number;
}

export interface TestContextOptions<W> {
  readonly with: W;
  readonly seed?: number;
  readonly instance?: Partial<InstanceIdentity>;
  /** The instance environment (default: this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: the work directory. */
  readonly workflowDir?: string;
  /** The GPUs the instance holds (default: none). */
  readonly gpus?: readonly GpuDevice[];
}

/** A real `StepContext` on temporary directories, recording what the step reports so tests can assert on it. */
export interface TestContext<W> {
  readonly ctx: StepContext<W>;
  /** Root temp directory holding `work/` and `outputs/`; removed by `cleanup`. */
  readonly root: string;
  readonly workdir: string;
  readonly outputsDir: string;
  readonly logs: LoggedLine[];
  readonly metrics: LoggedMetric[];
  readonly progress: number[];
  /** Aborts `ctx.signal`, as the runner does on Ctrl-C or timeout. */
  abort(reason?: unknown): void;
  readOutputJson(name: string): Promise<unknown>;
  cleanup(): Promise<void>;
}

export async function createTestContext<W>(options: TestContextOptions<W>): Promise<TestContext<W>> {
  const root = await mkdtemp(join(tmpdir(), 'veriflow-test-'));
  const workdir = join(root, 'work');
  const outputsDir = join(root, 'outputs');
  await mkdir(workdir);
  await mkdir(join(root, 'checkpoints'));
  await mkdir(outputsDir);

  const logs: LoggedLine[] = [];
  const metrics: LoggedMetric[] = [];
  const progress: number[] = [];
  const controller = new AbortController();
  const seed = options.seed ?? 0;
  const outputPath = (name: string): string => join(outputsDir, name);
  const writeOutput = async (name: string, data: string | Uint8Array): Promise<void> => {
    await mkdir(dirname(outputPath(name)), { recursive: true });
    await writeFile(outputPath(name), data);
  };

  const ctx: StepContext<W> = {
    with: options.with,
    instance: { step: 'test', name: 'test', matrix: {}, ...options.instance },
    seed,
    rng: createRng(seed),
    log: {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      debug: (message) => logs.push({ level: 'debug', message }),
    },
    metrics: {
      log: (key, value, step) => {
        metrics.push({ key, value, step: step ?? metrics.filter((m) => m.key === key).length });
      },
    },
    signal: controller.signal,
    resources: { cpus: 1, gpu: options.gpus?.length ?? 0 },
    gpus: options.gpus ?? [],
    env: options.env ?? Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    workflowDir: options.workflowDir ?? workdir,
    checkpointDir: join(root, 'checkpoints'),
    workdir,
    outputPath,
    writeJson: (name, value) => writeOutput(name, `${JSON.stringify(value, null, 2)}\n`),
    writeBytes: (name, data) => writeOutput(name, data),
    progress: (fraction) => progress.push(fraction),
  };

  return {
    ctx,
    root,
    workdir,
    outputsDir,
    logs,
    metrics,
    progress,
    abort: (reason) => controller.abort(reason),
    readOutputJson: async (name) => JSON.parse(await readFile(outputPath(name), 'utf8')) as unknown,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
