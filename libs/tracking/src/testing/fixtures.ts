import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint, TrackedInstance, TrackedRun, TrackingEvent } from '../model.js';

/** A scratch workspace directory, removed by `dispose`. */
export async function scratchWorkspace(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-tracking-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export function trackedRun(id: string, overrides: Partial<TrackedRun> = {}): TrackedRun {
  return {
    id,
    workflow: 'sweep',
    file: 'workflows/sweep.yaml',
    fileHash: 'f'.repeat(64),
    gitCommit: undefined,
    user: 'ada',
    host: 'lab-1',
    startedAt: 1_700_000_000_000,
    endedAt: undefined,
    status: 'running',
    preset: undefined,
    overrides: [],
    experiment: 'sweep',
    ...overrides,
  };
}

export const point = (key: string, value: number, step: number, timestamp = 1_700_000_000_500 + step): MetricPoint => ({ key, value, step, timestamp });

export function started(name: string, time = 1_700_000_000_100): TrackingEvent {
  const step = name.split('[')[0]!;
  return { type: 'instance-started', name, step, kind: `${step}-kind`, version: '1', matrix: {}, time };
}

/** An instance-finished event; metrics, when given, are the ones the event itself carries. */
export function finished(name: string, fields: Partial<Omit<TrackedInstance, 'runId'>> = {}): TrackingEvent {
  const step = name.split('[')[0]!;
  return {
    type: 'instance-finished',
    instance: {
      name,
      step,
      kind: `${step}-kind`,
      version: '1',
      matrix: {},
      status: 'succeeded',
      cacheKey: undefined,
      producedByRun: undefined,
      params: {},
      tags: {},
      datasets: [],
      artifacts: [],
      values: {},
      startedAt: 1_700_000_000_100,
      endedAt: 1_700_000_000_900,
      error: undefined,
      ...fields,
    },
  };
}
