import { execFile } from 'node:child_process';
import type { GpuDevice } from '@veriflow/step-api';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiGpus } from './nvidia-smi.js';

/** Names a fake inventory, for testing schedules where there is no GPU: a count (`2`) or `index:name` pairs. */
export const FAKE_GPUS_VARIABLE = 'VERIFLOW_FAKE_GPUS';
const NVIDIA_SMI_TIMEOUT_MS = 10_000;

export interface GpuInventory {
  /** The GPUs this process may hand out, by index. */
  readonly devices: readonly GpuDevice[];
  /** Where the list came from. */
  readonly source: 'nvidia-smi' | typeof FAKE_GPUS_VARIABLE;
  /** Why GPUs that one might expect are not listed: nvidia-smi missing or failing, unreadable rows, CUDA_VISIBLE_DEVICES. */
  readonly notes: readonly string[];
}

/** A fake inventory or CUDA_VISIBLE_DEVICES the runner cannot make sense of: the user's mistake, to fix before running. */
export class GpuDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuDiscoveryError';
  }
}

function fakeDevices(value: string): GpuDevice[] {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Array.from({ length: Number(text) }, (_, index) => ({ index, name: 'fake GPU' }));
  const devices = text.split(',').map((entry) => {
    const match = /^\s*(\d+)\s*:\s*(\S.*?)\s*$/.exec(entry);
    if (!match) throw new GpuDiscoveryError(`${FAKE_GPUS_VARIABLE}="${value}" cannot be read at "${entry}": give a count (${FAKE_GPUS_VARIABLE}=2) or index:name pairs (${FAKE_GPUS_VARIABLE}="0:NVIDIA H100,1:NVIDIA H100")`);
    return { index: Number(match[1]), name: match[2]! };
  });
  if (new Set(devices.map((device) => device.index)).size !== devices.length) throw new GpuDiscoveryError(`${FAKE_GPUS_VARIABLE}="${value}" names an index twice`);
  return devices;
}

function runNvidiaSmi(env: Readonly<Record<string, string | undefined>>): Promise<{ devices: GpuDevice[]; notes: string[] }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', [...NVIDIA_SMI_ARGS], { env, timeout: NVIDIA_SMI_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      const { devices, problems } = parseNvidiaSmiGpus(stdout);
      const unreadable = problems.map((line) => `nvidia-smi could not read a GPU: ${line}`);
      if (!error) return resolve({ devices, notes: unreadable });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ devices, notes: ['nvidia-smi is not on PATH (no NVIDIA driver is installed here)'] });
      if (error.killed) return resolve({ devices, notes: [`nvidia-smi did not answer within ${NVIDIA_SMI_TIMEOUT_MS / 1000} s (a hung driver?)`] });
      // Its own explanation ("couldn't communicate with the NVIDIA driver", "No devices were found") is
      // the first line it printed. A lost GPU makes it exit non-zero while listing the others: those stay usable.
      const said = [...stderr.split('\n'), ...problems].map((line) => line.trim()).find((line) => line !== '');
      resolve({ devices, notes: [`nvidia-smi failed (exit ${String(code)})${said ? `: ${said}` : ''}`, ...unreadable.filter((note) => !note.endsWith(`: ${said}`))] });
    });
  });
}

/** Keeps the devices CUDA_VISIBLE_DEVICES names (indices or `GPU-` UUIDs), in its order, as CUDA would. */
function visibleOnly(devices: readonly GpuDevice[], visible: string): { devices: GpuDevice[]; notes: string[] } {
  const kept: GpuDevice[] = [];
  const notes: string[] = [];
  for (const token of visible.split(',').map((entry) => entry.trim())) {
    // CUDA stops at the first entry it cannot use (`-1` or an empty list hides every GPU).
    if (token === '' || token === '-1') break;
    const device = /^\d+$/.test(token) ? devices.find((candidate) => candidate.index === Number(token)) : devices.find((candidate) => candidate.uuid !== undefined && candidate.uuid.startsWith(token));
    if (!device) {
      notes.push(`CUDA_VISIBLE_DEVICES names ${token}, which is not among the GPUs found`);
      break;
    }
    if (!kept.includes(device)) kept.push(device);
  }
  if (kept.length < devices.length) notes.push(`CUDA_VISIBLE_DEVICES="${visible}" limits this run to ${kept.length} of the ${devices.length} GPU(s) found`);
  return { devices: kept, notes };
}

/**
 * The GPUs a run may use: the fake inventory when VERIFLOW_FAKE_GPUS is set, else what nvidia-smi lists
 * (no nvidia-smi: none), narrowed by the runner's own CUDA_VISIBLE_DEVICES (a Slurm allocation sets it).
 */
export async function discoverGpus(env: Readonly<Record<string, string | undefined>>): Promise<GpuInventory> {
  const fake = env[FAKE_GPUS_VARIABLE];
  const found = fake === undefined ? await runNvidiaSmi(env) : { devices: fakeDevices(fake), notes: [] };
  const source = fake === undefined ? 'nvidia-smi' : FAKE_GPUS_VARIABLE;
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible === undefined) return { devices: found.devices, source, notes: found.notes };
  const narrowed = visibleOnly(found.devices, visible);
  return { devices: narrowed.devices, source, notes: [...found.notes, ...narrowed.notes] };
}
