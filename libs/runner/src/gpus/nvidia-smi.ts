import type { GpuDevice } from '@veriflow/step-api';

/** The query discovery runs: one CSV line per GPU, no header, memory in MiB without the unit. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=index,name,memory.total,uuid', '--format=csv,noheader,nounits'] as const;

export interface ParsedGpus {
  readonly devices: GpuDevice[];
  /** Lines that name no usable GPU (nvidia-smi prints a per-GPU error in place of its row), as printed. */
  readonly problems: string[];
}

/** nvidia-smi writes `[N/A]`, `[Not Supported]` or `[Insufficient Permissions]` for a field it cannot read. */
const UNAVAILABLE = /^\[.*\]$|^N\/A$/;

/**
 * Parses the output of `nvidia-smi` with NVIDIA_SMI_ARGS. A row with a missing index or name is a
 * problem, not a device: scheduling onto an index that might not exist would hand a program a wrong GPU.
 */
export function parseNvidiaSmiGpus(text: string): ParsedGpus {
  const devices: GpuDevice[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // Some driver versions print the header despite `noheader`.
    if (line === '' || line.startsWith('index,')) continue;
    const fields = line.split(',').map((field) => field.trim());
    // A model name may itself contain a comma; index is first and memory and uuid are last.
    const [indexText, ...rest] = fields;
    const uuid = rest.length >= 3 ? rest.pop()! : undefined;
    const memoryText = rest.length >= 2 ? rest.pop()!.replace(/\s*MiB$/, '') : undefined;
    const name = rest.join(', ');
    const index = Number(indexText);
    if (!/^\d+$/.test(indexText ?? '') || name === '' || UNAVAILABLE.test(name) || memoryText === undefined || uuid === undefined) {
      problems.push(line);
      continue;
    }
    const memoryMiB = /^\d+$/.test(memoryText) ? Number(memoryText) : undefined;
    devices.push({ index, name, ...(memoryMiB === undefined ? {} : { memoryMiB }), ...(UNAVAILABLE.test(uuid) ? {} : { uuid }) });
  }
  return { devices, problems };
}
