import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { ResultsInstance } from './cli.js';

const CLUSTER_SCRIPT = resolve(import.meta.dirname, '..', '..', '..', 'scripts', 'slurm-cluster.sh');

function nodeState(): string | undefined {
  try {
    return execFileSync('sinfo', ['--noheader', '--format=%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * `{}` when a Slurm cluster answers here (starting the single-node test cluster first where we are root),
 * else `{ skip }` with the reason. Under VERIFLOW_REQUIRE_SLURM=1 (CI, see .ci/run) a missing cluster
 * throws instead, so the Slurm suites fail rather than skip.
 */
export function slurmAvailability(): { skip?: string } {
  let reason: string | undefined;
  if (!/idle|mixed|alloc/.test(nodeState() ?? '')) {
    if (process.getuid?.() === 0) {
      const started = spawnSync(CLUSTER_SCRIPT, ['start'], { encoding: 'utf8', timeout: 120_000 });
      if (started.status !== 0) reason = `scripts/slurm-cluster.sh start failed: ${(started.stderr || started.stdout || String(started.error)).trim()}`;
    } else reason = 'no Slurm node answers sinfo, and starting the test cluster (scripts/slurm-cluster.sh start) needs root';
  }
  if (reason === undefined && !/idle|mixed|alloc/.test(nodeState() ?? '')) reason = `no Slurm node is up (sinfo says "${nodeState() ?? 'nothing'}")`;
  if (reason === undefined) return {};
  if (process.env.VERIFLOW_REQUIRE_SLURM === '1') throw new Error(`${reason}, and VERIFLOW_REQUIRE_SLURM=1 requires the Slurm integration tests to run`);
  return { skip: reason };
}

/** The jobs (array tasks one by one, `4242_7`) of a run that Slurm still holds as pending, running or completing (squeue's default states). */
export function liveJobsOf(runId: string): string[] {
  const out = execFileSync('squeue', ['--noheader', '--array', `--name=veriflow-${runId}`, '--format=%i %T'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '');
}

/** name → (status, cache key, values): what must not depend on where (local, Slurm job, array task) the instances ran. */
export function essence(instances: readonly ResultsInstance[]): Record<string, unknown> {
  return Object.fromEntries(instances.map((instance) => [instance.name, { status: instance.status, key: instance.key, values: instance.values }]));
}

/** The run id the CLI announced on stderr. */
export function runIdOf(stderr: string): string {
  const id = /\(\d+ instances, run (\S+)\)/.exec(stderr)?.[1];
  assert.ok(id, `no run id in the CLI's output:\n${stderr}`);
  return id;
}
