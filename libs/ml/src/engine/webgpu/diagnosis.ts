// Why the WebGPU engine cannot run on a GPU here, from the host's facts and what Dawn answered: each missing
// piece with how to get it, in the order a user has to fix them (a driver before its Vulkan files).
import type { HostFacts } from './host-probes.js';

/** What Dawn answered when asked for a high-performance adapter. */
export type AdapterFact =
  | { readonly kind: 'package-missing'; readonly reason: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'software'; readonly description: string }
  | { readonly kind: 'hardware'; readonly description: string };

export interface MissingPiece {
  readonly what: string;
  readonly fix: string;
}

export interface GpuDiagnosis {
  readonly usable: boolean;
  readonly missing: readonly MissingPiece[];
}

const PACKAGE_FIX =
  'install it: `npm install` installs @veriflow/ml\'s optional dependencies webgpu and @tensorflow/tfjs-backend-webgpu (they are left out by --omit=optional or on platforms without a prebuilt dawn.node)';

function vulkanPieces(host: HostFacts): MissingPiece[] {
  const pieces: MissingPiece[] = [];
  if (host.vulkanLoader == null) {
    pieces.push({ what: 'no Vulkan loader (libvulkan.so.1 is neither in LD_LIBRARY_PATH, the ld.so cache nor the system library directories)', fix: 'apt-get install libvulkan1' });
  }
  if (!host.icds.some((icd) => icd.nvidia)) {
    const found = host.icds.length === 0 ? 'no ICD files at all' : `only ${host.icds.map((icd) => icd.path).join(', ')}`;
    const elsewhere = host.unsearchedNvidiaIcds[0];
    pieces.push({
      what: `no Vulkan ICD for the NVIDIA driver where the loader looks (${host.icdSearch}): ${found}`,
      fix:
        elsewhere !== undefined
          ? `the driver's ICD is at ${elsewhere}, outside the loader's search: export VK_DRIVER_FILES=${elsewhere}`
          : "install the driver's Vulkan part (Debian/Ubuntu: the libnvidia-gl package matching the driver; it writes /usr/share/vulkan/icd.d/nvidia_icd.json), or point VK_DRIVER_FILES at its nvidia_icd.json",
    });
  }
  return pieces;
}

export function diagnoseGpu(host: HostFacts, adapter: AdapterFact): GpuDiagnosis {
  if (adapter.kind === 'hardware') return { usable: true, missing: [] };
  const missing: MissingPiece[] = [];
  if (adapter.kind === 'package-missing') missing.push({ what: adapter.reason, fix: PACKAGE_FIX });
  if (host.nvidiaDriver == null) {
    missing.push({ what: 'no NVIDIA driver (neither /dev/nvidiactl nor /proc/driver/nvidia/version exists)', fix: 'install the NVIDIA driver (CUDA 12/13 era, e.g. 580) on a machine with an NVIDIA GPU, or run this on one' });
  }
  missing.push(...vulkanPieces(host));
  if (missing.length === 0 || adapter.kind === 'software') {
    // Everything is in place on paper, yet Dawn found no GPU: the driver's Vulkan is too old or broken.
    const answer = adapter.kind === 'software' ? `only a software adapter (${adapter.description})` : 'no adapter';
    missing.push({
      what: `Dawn (the webgpu package) found ${answer}`,
      fix: 'check that `vulkaninfo --summary` lists the GPU (package vulkan-tools); Dawn needs Vulkan 1.1 with features that CPU renderers such as Debian 12\'s lavapipe lack',
    });
  }
  return { usable: false, missing };
}

export function describeMissing(diagnosis: GpuDiagnosis): string[] {
  return diagnosis.missing.map((piece) => `${piece.what}; to fix: ${piece.fix}`);
}
