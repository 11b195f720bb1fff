import { fileURLToPath } from 'node:url';
import { execAttemptFile, localExecutor, slurmExecutor } from '@veriflow/runner';
import type { InstanceExecutor } from '@veriflow/runner';
import type { ExecutorSpec } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { builtinRegistry } from '../load/builtin-steps.js';
import { UsageError } from '../usage-error.js';

/** This CLI, as a node on the cluster runs it: the same Node.js and files, over the shared file system. */
const CLI_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** How many jobs a run keeps queued at once without --jobs: enough for a sweep, not enough to flood the controller. */
export const QUEUED_JOBS_DEFAULT = 500;

function pollMsFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.VERIFLOW_SLURM_POLL_MS;
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 50) throw new UsageError(`VERIFLOW_SLURM_POLL_MS must be a number of milliseconds of at least 50, got "${value}"`);
  return ms;
}

/** `--executor`, else the workflow's `executor.kind`, else local; Slurm's settings come from `executor:`. */
export function executorFrom(args: RunArgs, spec: ExecutorSpec): InstanceExecutor {
  const kind = args.executor ?? spec.kind ?? 'local';
  if (kind === 'local') return localExecutor;
  const pollMs = pollMsFrom(process.env);
  return slurmExecutor({
    partition: spec.partition,
    account: spec.account,
    qos: spec.qos,
    extraArgs: spec.extraArgs,
    array: spec.array,
    entry: [process.execPath, CLI_MAIN, 'exec-instance'],
    ...(pollMs === undefined ? {} : { pollMs }),
  });
}

/** `veriflow exec-instance <attempt.json>`: internal, what a Slurm job runs (the file names the attempt). */
export async function execInstanceCommand(args: RunArgs): Promise<number> {
  return execAttemptFile(args.file, builtinRegistry());
}
