import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemError, namingRefusals } from '@veriflow/durable-fs';
import type { FileSystemError } from '@veriflow/durable-fs';
import { createRng } from '@veriflow/step-api';
import type { GpuDevice, InstanceIdentity, StepContext } from '@veriflow/step-api';
import { isOutputName, OUTPUT_NAME_RULE } from '@veriflow/workflow';
import type { MetricPoint } from '../store/index.js';
import { HeadTailLog } from './head-tail-log.js';

export interface ContextSinks {
  log(level: 'info' | 'warn' | 'debug', line: string): void;
  metric(key: string, value: number, step: number): void;
  progress(fraction: number): void;
}

export interface ContextParts {
  readonly with: unknown;
  readonly identity: InstanceIdentity;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly cpus: number;
  readonly gpu: number;
  readonly gpus: readonly GpuDevice[];
  readonly env: Readonly<Record<string, string>>;
  readonly workflowDir: string;
  readonly checkpointDir: string;
  readonly workdir: string;
  readonly outputsDir: string;
  readonly metrics: Map<string, MetricPoint[]>;
  readonly sinks: ContextSinks;
}

/** The StepContext of one attempt. Metric histories go into `parts.metrics`, which the record keeps. */
export function createStepContext(parts: ContextParts): StepContext<unknown> {
  const outputPath = (name: string): string => {
    if (!isOutputName(name)) throw new Error(`output name "${name}" cannot be a file name; ${OUTPUT_NAME_RULE}`);
    return join(parts.outputsDir, name);
  };
  return {
    with: parts.with,
    instance: parts.identity,
    seed: parts.seed,
    rng: createRng(parts.seed),
    signal: parts.signal,
    resources: { cpus: parts.cpus, gpu: parts.gpu },
    gpus: parts.gpus,
    env: parts.env,
    workflowDir: parts.workflowDir,
    checkpointDir: parts.checkpointDir,
    workdir: parts.workdir,
    log: {
      info: (message) => parts.sinks.log('info', message),
      warn: (message) => parts.sinks.log('warn', message),
      debug: (message) => parts.sinks.log('debug', message),
    },
    metrics: {
      log(key, value, step) {
        if (!Number.isFinite(value)) throw new Error(`metric "${key}" got ${value}; log only finite numbers so runs stay comparable`);
        const history = parts.metrics.get(key) ?? [];
        const point = { value, step: step ?? history.length };
        history.push(point);
        parts.metrics.set(key, history);
        parts.sinks.metric(key, point.value, point.step);
      },
    },
    outputPath,
    writeJson: (name, value) => namingRefusals(outputPath(name), () => writeFile(outputPath(name), `${JSON.stringify(value, null, 2)}\n`)),
    writeBytes: (name, data) => namingRefusals(outputPath(name), () => writeFile(outputPath(name), data)),
    progress: (fraction) => parts.sinks.progress(Math.min(1, Math.max(0, fraction))),
  };
}

export interface InstanceLog {
  write(level: string, line: string): void;
  /** Why the log could not be written (a full disk, a read-only file system), once that happened. */
  readonly failure: Error | undefined;
  close(): Promise<void>;
}

/**
 * An append-only log file per instance; lines carry a timestamp and level. It holds at most `maxBytes`
 * (see HeadTailLog): a step printing without limit cannot fill the disk. A write the file system
 * refuses arrives as a stream `error` event: it is kept as `failure` (never thrown from an event
 * handler, which would crash the run) and later lines are dropped.
 */
export function openInstanceLog(path: string, maxBytes: number): InstanceLog {
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  const bounded = new HeadTailLog(maxBytes);
  let failure: FileSystemError | Error | undefined;
  stream.on('error', (error) => {
    failure ??= fileSystemError(error, path) ?? new Error(`could not write the log ${path}: ${error.message}`);
  });
  return {
    write: (level, line) => {
      if (failure !== undefined || stream.destroyed) return;
      const text = bounded.take(`${new Date().toISOString()} ${level.padEnd(5)} ${line}\n`);
      if (text !== '') stream.write(text);
    },
    get failure() {
      return failure;
    },
    close: () =>
      new Promise((resolve) => {
        if (stream.destroyed) return resolve();
        stream.once('close', resolve);
        if (failure === undefined) stream.end(bounded.rest());
        else stream.end();
      }),
  };
}
