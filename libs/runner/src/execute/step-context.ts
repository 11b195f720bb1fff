import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '@veriflow/step-api';
import type { InstanceIdentity, StepContext } from '@veriflow/step-api';
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
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`output name "${name}" cannot be a file name; use letters, digits, "_", "." and "-"`);
    return join(parts.outputsDir, name);
  };
  return {
    with: parts.with,
    instance: parts.identity,
    seed: parts.seed,
    rng: createRng(parts.seed),
    signal: parts.signal,
    resources: { cpus: parts.cpus, gpu: parts.gpu },
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
    writeJson: (name, value) => writeFile(outputPath(name), `${JSON.stringify(value, null, 2)}\n`),
    writeBytes: (name, data) => writeFile(outputPath(name), data),
    progress: (fraction) => parts.sinks.progress(Math.min(1, Math.max(0, fraction))),
  };
}

/**
 * An append-only log file per instance; lines carry a timestamp and level. It holds at most `maxBytes`
 * (see HeadTailLog): a step printing without limit cannot fill the disk.
 */
export function openInstanceLog(path: string, maxBytes: number): { write(level: string, line: string): void; close(): Promise<void> } {
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  const bounded = new HeadTailLog(maxBytes);
  return {
    write: (level, line) => {
      const text = bounded.take(`${new Date().toISOString()} ${level.padEnd(5)} ${line}\n`);
      if (text !== '') stream.write(text);
    },
    close: () => new Promise((resolve) => stream.end(bounded.rest(), resolve)),
  };
}
