/** What one instance of a step needs while it runs; the scheduler never over-commits these. */
export interface Resources {
  /** CPU cores the instance keeps busy (default 1). */
  readonly cpus?: number;
  /** GPUs the instance needs (default 0). */
  readonly gpu?: number;
  /** Resident memory in MiB the instance may use (default: not limited). */
  readonly memoryMb?: number;
}
