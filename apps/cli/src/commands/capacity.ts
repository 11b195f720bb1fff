import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Capacity } from '@veriflow/runner';
import type { RunArgs } from '../args.js';

/** GPUs this process may use: CUDA_VISIBLE_DEVICES when set, else what nvidia-smi lists, else none. */
function detectGpus(): number {
  const visible = process.env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) return visible.trim() === '' || visible.trim() === '-1' ? 0 : visible.split(',').length;
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .split('\n')
      .filter((line) => line.startsWith('GPU ')).length;
  } catch {
    return 0;
  }
}

export function capacityFrom(args: RunArgs): Capacity {
  const cores = availableParallelism();
  return { jobs: args.jobs ?? cores, cpus: args.cpus ?? cores, gpus: args.gpus ?? detectGpus() };
}
