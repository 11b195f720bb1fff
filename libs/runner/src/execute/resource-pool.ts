export interface ResourceRequest {
  readonly cpus: number;
  readonly gpu: number;
}

export interface Capacity {
  readonly jobs: number;
  readonly cpus: number;
  readonly gpus: number;
}

/**
 * Job slots, CPU cores and GPUs shared by running instances. Waiters are served in priority order (the
 * plan's order, so runs are reproducible) among those that fit, so a GPU job does not block CPU jobs behind it.
 */
export class ResourcePool {
  #jobs: number;
  #cpus: number;
  #gpus: number;
  readonly #waiters: { request: ResourceRequest; priority: number; grant: () => void }[] = [];

  constructor(readonly capacity: Capacity) {
    this.#jobs = capacity.jobs;
    this.#cpus = capacity.cpus;
    this.#gpus = capacity.gpus;
  }

  /** Why this request can never be granted, or undefined when it can. */
  impossible(request: ResourceRequest): string | undefined {
    if (request.gpu > this.capacity.gpus) return `needs ${request.gpu} GPU(s) but ${this.capacity.gpus} are available (pass --gpus N, or run it on Slurm)`;
    if (request.cpus > this.capacity.cpus) return `needs ${request.cpus} CPUs but ${this.capacity.cpus} are available (pass --cpus N)`;
    return undefined;
  }

  /** Resolves with a release function once the request fits; lower `priority` is served first among waiters. */
  acquire(request: ResourceRequest, priority = 0): Promise<() => void> {
    return new Promise((resolve) => {
      const waiter = { request, priority, grant: () => resolve(this.#releaser(request)) };
      const at = this.#waiters.findIndex((other) => other.priority > priority);
      this.#waiters.splice(at < 0 ? this.#waiters.length : at, 0, waiter);
      this.#dispatch();
    });
  }

  #fits(request: ResourceRequest): boolean {
    return this.#jobs >= 1 && this.#cpus >= request.cpus && this.#gpus >= request.gpu;
  }

  #dispatch(): void {
    for (let index = 0; index < this.#waiters.length; ) {
      const waiter = this.#waiters[index]!;
      if (this.#fits(waiter.request)) {
        this.#waiters.splice(index, 1);
        this.#jobs -= 1;
        this.#cpus -= waiter.request.cpus;
        this.#gpus -= waiter.request.gpu;
        waiter.grant();
      } else index++;
    }
  }

  #releaser(request: ResourceRequest): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#jobs += 1;
      this.#cpus += request.cpus;
      this.#gpus += request.gpu;
      this.#dispatch();
    };
  }
}
