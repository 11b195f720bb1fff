export interface ResourceRequest {
  readonly cpus: number;
  readonly gpu: number;
}

export interface Capacity {
  readonly jobs: number;
  readonly cpus: number;
  readonly gpus: number;
}

/** A place in the pool's queue, taken when an instance becomes ready and before it knows whether it will run. */
export interface Reservation {
  /** Resolves with a release function once the request fits and every higher-priority reservation was served. */
  granted(): Promise<() => void>;
  /** Gives the place up (the instance was a cache hit, or cannot run). */
  cancel(): void;
}

interface Waiter {
  readonly request: ResourceRequest;
  readonly priority: number;
  /** Set once the holder asks for its grant; until then the waiter holds its place without taking resources. */
  grant?: () => void;
}

/**
 * Job slots, CPU cores and GPUs shared by running instances. Waiters are served in priority order (the
 * plan's order, so runs are reproducible) among those that fit, so a GPU job does not block CPU jobs behind it.
 * A reservation keeps its place while its instance is still deciding whether to run: the resources it would
 * fit in are held back from lower-priority waiters, so the order of grants does not depend on which
 * instance's cache lookup happened to finish first.
 */
export class ResourcePool {
  #jobs: number;
  #cpus: number;
  #gpus: number;
  readonly #waiters: Waiter[] = [];

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
    return this.reserve(request, priority).granted();
  }

  /** Takes a place in the queue now; lower `priority` is served first. */
  reserve(request: ResourceRequest, priority = 0): Reservation {
    const waiter: Waiter = { request, priority };
    const at = this.#waiters.findIndex((other) => other.priority > priority);
    this.#waiters.splice(at < 0 ? this.#waiters.length : at, 0, waiter);
    let settled = false;
    return {
      granted: () =>
        new Promise((resolve) => {
          if (settled) throw new Error('a reservation is granted once');
          settled = true;
          waiter.grant = () => resolve(this.#releaser(request));
          this.#dispatch();
        }),
      cancel: () => {
        if (settled) return;
        settled = true;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        this.#dispatch();
      },
    };
  }

  #dispatch(): void {
    // Free resources as seen by the next waiter: a reservation still deciding holds back what it would take.
    let jobs = this.#jobs;
    let cpus = this.#cpus;
    let gpus = this.#gpus;
    for (let index = 0; index < this.#waiters.length; ) {
      const waiter = this.#waiters[index]!;
      const fits = jobs >= 1 && cpus >= waiter.request.cpus && gpus >= waiter.request.gpu;
      if (fits) {
        jobs -= 1;
        cpus -= waiter.request.cpus;
        gpus -= waiter.request.gpu;
      }
      if (fits && waiter.grant) {
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
