/** One GPU as the runner found it (nvidia-smi, or a fake inventory in tests). */
export interface GpuDevice {
  /** nvidia-smi's index (PCI bus order); `command` steps see it in CUDA_VISIBLE_DEVICES. */
  readonly index: number;
  /** The model, e.g. `NVIDIA H100 80GB HBM3`. */
  readonly name: string;
  /** Total memory in MiB, when the driver reports it. */
  readonly memoryMiB?: number;
  /** The driver's stable id (`GPU-…`), when known. */
  readonly uuid?: string;
}
