import type { InstanceNode } from '@veriflow/workflow';
import type { PlannedInstance } from '../plan/plan-workflow.js';
import type { ResourcePool, ResourceRequest } from './resource-pool.js';

/** What the user can do about a missing resource; the CLI adds why GPU discovery found what it found. */
const GPU_HINT =
  'GPUs are found with nvidia-smi (install the NVIDIA driver where it is missing) and limited by CUDA_VISIBLE_DEVICES and --gpus N; run GPU steps on a machine that has enough, or lower their resources.gpu';

/** Instances that would run but need more than the machine has. The run refuses them before anything runs. */
export class CapacityError extends Error {
  constructor(readonly unfit: readonly { readonly name: string; readonly problem: string }[]) {
    const lines = unfit.slice(0, 10).map((item) => `  ${item.name} ${item.problem}`);
    if (unfit.length > 10) lines.push(`  … and ${unfit.length - 10} more`);
    const hint = unfit.some((item) => item.problem.includes('GPU')) ? GPU_HINT : 'pass --cpus N, or lower their resources.cpus';
    super(`${unfit.length} instance(s) need more than this machine offers, so nothing was run:\n${lines.join('\n')}\n${hint}`);
    this.name = 'CapacityError';
  }
}

/**
 * Throws CapacityError when an instance that will run can never be granted its resources. Planning costs
 * a pass over the cache, so it happens only when some selected instance does not fit: a cached GPU step
 * on a machine without GPUs is fine (it will not run), a new one is refused before its neighbours run.
 */
export async function refuseWhatCannotFit(pool: ResourcePool, instances: readonly InstanceNode[], resourcesOf: (instance: InstanceNode) => ResourceRequest, plan: () => Promise<readonly PlannedInstance[]>): Promise<void> {
  const problems = new Map<string, string>();
  for (const instance of instances) {
    const problem = pool.impossible(resourcesOf(instance));
    if (problem) problems.set(instance.name, problem);
  }
  if (problems.size === 0) return;
  const unfit = (await plan()).filter((planned) => planned.runs && problems.has(planned.name)).map((planned) => ({ name: planned.name, problem: problems.get(planned.name)! }));
  if (unfit.length > 0) throw new CapacityError(unfit);
}
