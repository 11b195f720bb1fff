import type { GpuDevice } from '@veriflow/step-api';
import type { ExpectationResult } from '@veriflow/workflow';
import type { Placement } from '../executors/instance-executor.js';
import type { PlanReason } from '../plan/reasons.js';
import type { InstanceRecord } from '../store/index.js';

/** Closed set of final instance states; `cached` is a success that did no work. */
export type InstanceStatus = 'succeeded' | 'cached' | 'failed' | 'skipped' | 'cancelled';

export interface InstanceOutcome {
  readonly name: string;
  readonly step: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly status: InstanceStatus;
  readonly reason: PlanReason;
  readonly key?: string;
  readonly attempts: number;
  readonly durationMs: number;
  /** Value outputs. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Last value of each metric. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly error?: string;
  /** Failure that does not fail the run (`continue-on-error`). */
  readonly tolerated?: boolean;
  /** The step kind (`uses`). */
  readonly kind: string;
  /** The GPUs the instance held while it ran in this run (absent when it held none or did not run). */
  readonly gpus?: readonly GpuDevice[];
  /** The cluster job of its last attempt (executors that submit jobs). */
  readonly placement?: Placement;
  /** What produced the outputs (for `cached`, an earlier run): inputs, resolved `with`, outputs, metric histories. */
  readonly record?: InstanceRecord;
}

export interface RunStart {
  readonly runId: string;
  readonly workflow: string;
  readonly total: number;
  readonly startedAt: number;
}

export interface RunEnd {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly outcomes: readonly InstanceOutcome[];
  readonly durationMs: number;
  /** The workflow's `expect:` claims, evaluated on this run's outcomes (empty when it declares none). */
  readonly expectations: readonly ExpectationResult[];
}

/**
 * How the runner reports. The core never imports a sink: progress display, result files and tracking
 * are observers composed together. Every method is optional and must not throw.
 */
export interface RunObserver {
  runStarted?(start: RunStart): void;
  instanceStarted?(name: string, attempt: number): void;
  instanceProgress?(name: string, fraction: number): void;
  /** A cluster job of the instance was submitted or changed state. */
  instancePlaced?(name: string, placement: Placement): void;
  instanceLog?(name: string, level: 'info' | 'warn' | 'debug', line: string): void;
  instanceMetric?(name: string, key: string, value: number, step: number): void;
  instanceFinished?(outcome: InstanceOutcome): void;
  runFinished?(end: RunEnd): void | Promise<void>;
}

/** Fans every event out to each observer; one observer failing never stops the run or the others. */
export function composeObservers(observers: readonly RunObserver[]): Required<RunObserver> {
  const call = <K extends keyof RunObserver>(method: K, args: Parameters<NonNullable<RunObserver[K]>>): void => {
    for (const observer of observers) {
      try {
        (observer[method] as ((...a: unknown[]) => void) | undefined)?.apply(observer, args);
      } catch (error) {
        process.emitWarning(`observer ${method} failed: ${(error as Error).message}`);
      }
    }
  };
  return {
    runStarted: (...args) => call('runStarted', args),
    instanceStarted: (...args) => call('instanceStarted', args),
    instanceProgress: (...args) => call('instanceProgress', args),
    instancePlaced: (...args) => call('instancePlaced', args),
    instanceLog: (...args) => call('instanceLog', args),
    instanceMetric: (...args) => call('instanceMetric', args),
    instanceFinished: (...args) => call('instanceFinished', args),
    runFinished: async (end) => {
      for (const observer of observers) {
        try {
          await observer.runFinished?.(end);
        } catch (error) {
          process.emitWarning(`observer runFinished failed: ${(error as Error).message}`);
        }
      }
    },
  };
}
