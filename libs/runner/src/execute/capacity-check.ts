import type { InstanceNode } from '@veriflow/workflow';
import type { PlannedInstance } from '../plan/plan-workflow.js';
import { ResourcePool } from './resource-pool.js';
import type { Capacity, ResourceRequest } from './resource-pool.js';

/** What the user can do about a missing resource; the CLI adds why GPU discovery found what it found. */
const GPU_HINT =
  'GPUs are found with nvidia-smi (install the NVIDIA driver where it is missing) and limited by CUDA_VISIBLE_DEVICES and --gpus N; run GPU steps on a machine that has enough, or lower their resources.gpu';

/** An instance that would run but can never be granted its resources, and why. */
export interface UnfitInstance {
  readonly name: string;
  readonly problem: string;
}

/** Instances that would run but need more than the machine has. The run refuses them before anything runs. */
export class CapacityError extends Error {
  constructor(readonly unfit: readonly UnfitInstance[]) {
    const lines = unfit.slice(0, 10).map((item) => `  ${item.name} ${item.problem}`);
    if (unfit.length > 10) lines.push(`  … and ${unfit.length - 10} more`);
    const hint = unfit.some((item) => item.problem.includes('GPU')) ? GPU_HINT : 'pass --cpus N, or lower their resources.cpus';
    super(`${unfit.length} instance(s) need more than this machine offers, so nothing was run:\n${lines.join('\n')}\n${hint}`);
    this.name = 'CapacityError';
  }
}

export function resourcesOf(instance: InstanceNode): ResourceRequest {
  return { cpus: instance.resources.cpus, gpu: instance.resources.gpu };
}

function problemsOf(pool: ResourcePool, instances: readonly InstanceNode[]): Map<string, string> {
  const problems = new Map<string, string>();
  for (const instance of instances) {
    const problem = pool.impossible(resourcesOf(instance));
    if (problem) problems.set(instance.name, problem);
  }
  return problems;
}

function runningOnes(planned: readonly PlannedInstance[], problems: ReadonlyMap<string, string>): UnfitInstance[] {
  return planned.filter((item) => item.runs && problems.has(item.name)).map((item) => ({ name: item.name, problem: problems.get(item.name)! }));
}

/** The planned instances that would run but can never fit in `capacity` (what `plan` warns about). */
export function unfitInstances(capacity: Capacity, instances: readonly InstanceNode[], planned: readonly PlannedInstance[]): UnfitInstance[] {
  return runningOnes(planned, problemsOf(new ResourcePool(capacity), instances));
}

/**
 * Throws CapacityError when an instance that will run can never be granted its resources. Planning costs
 * a pass over the cache, so it happens only when some selected instance does not fit: a cached GPU step
 * on a machine without GPUs is fine (it will not run), a new one is refused before its neighbours run.
 */
export async function refuseWhatCannotFit(pool: ResourcePool, instances: readonly InstanceNode[], plan: () => Promise<readonly PlannedInstance[]>): Promise<void> {
  const problems = problemsOf(pool, instances);
  if (problems.size === 0) return;
  const unfit = runningOnes(await plan(), problems);
  if (unfit.length > 0) throw new CapacityError(unfit);
}
