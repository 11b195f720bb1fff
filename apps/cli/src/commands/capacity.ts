import { availableParallelism } from 'node:os';
import { discoverGpus, FAKE_GPUS_VARIABLE, GpuDiscoveryError } from '@veriflow/runner';
import type { Capacity, GpuInventory } from '@veriflow/runner';
import type { GpuDevice } from '@veriflow/step-api';
import type { RunArgs } from '../args.js';
import { renderTable } from '../render/table.js';
import { UsageError } from '../usage-error.js';

/** What a run may use, and what GPU discovery found (for messages about missing GPUs). */
export interface MachineCapacity {
  readonly capacity: Capacity;
  readonly inventory: GpuInventory;
}

/** Where the GPU list came from, and why it may be shorter than expected: the lines a user needs when a GPU is missing. */
export function describeInventory(inventory: GpuInventory): string {
  if (inventory.devices.length === 0 && inventory.notes.length > 0) return `no GPUs: ${inventory.notes.join('; ')}`;
  const found = `${inventory.devices.length} GPU(s) found by ${inventory.source === 'nvidia-smi' ? 'nvidia-smi' : `the fake inventory ${FAKE_GPUS_VARIABLE}`}`;
  return [found, ...inventory.notes].join('; ');
}

/** The machine's capacity, narrowed by --jobs, --cpus and --gpus N (the first N GPUs found). */
export async function capacityFrom(args: RunArgs): Promise<MachineCapacity> {
  const cores = availableParallelism();
  let inventory: GpuInventory;
  try {
    inventory = await discoverGpus(process.env);
  } catch (error) {
    if (error instanceof GpuDiscoveryError) throw new UsageError(error.message);
    throw error;
  }
  const found = inventory.devices;
  if (args.gpus !== undefined && args.gpus > found.length) {
    throw new UsageError(`--gpus ${args.gpus} asks for more GPUs than this machine has: ${describeInventory(inventory)}. Pass at most --gpus ${found.length}, or set ${FAKE_GPUS_VARIABLE}=${args.gpus} to try a schedule without GPUs`);
  }
  const devices: readonly GpuDevice[] = args.gpus === undefined ? found : found.slice(0, args.gpus);
  return { capacity: { jobs: args.jobs ?? cores, cpus: args.cpus ?? cores, gpus: devices.length, devices }, inventory };
}

/** `veriflow capacity`: what a run here would use (jobs, CPUs, each GPU), with the same --jobs/--cpus/--gpus. */
export async function capacityCommand(args: RunArgs): Promise<number> {
  const { capacity, inventory } = await capacityFrom(args);
  const devices = capacity.devices ?? [];
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ jobs: capacity.jobs, cpus: capacity.cpus, gpus: devices, source: inventory.source, notes: inventory.notes }, null, 2)}\n`);
    return 0;
  }
  const lines = [`jobs  ${capacity.jobs}`, `cpus  ${capacity.cpus}`, `gpus  ${devices.length} (${describeInventory(inventory)})`];
  if (devices.length > 0) {
    const rows = devices.map((device) => [String(device.index), device.name, device.memoryMiB === undefined ? '' : `${device.memoryMiB} MiB`, device.uuid ?? '']);
    lines.push('', renderTable(['index', 'model', 'memory', 'uuid'], rows));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
