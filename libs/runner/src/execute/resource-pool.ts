import type { GpuDevice } from '@veriflow/step-api';

export interface ResourceRequest {
  readonly cpus: number;
  readonly gpu: number;
}

export interface Capacity {
  readonly jobs: number;
  readonly cpus: number;
  readonly gpus: number;
  /** The `gpus` devices to hand out (default: devices 0 … gpus-1, named by their index). */
  readonly devices?: readonly GpuDevice[];
}

/** What a granted request holds until `release` (idempotent) gives it back. */
export interface Grant {
  /** The devices of this grant, used by no other grant until released; lowest indices first. */
  readonly gpus: readonly GpuDevice[];
  release(): void;
}

/** A place in the pool's queue, taken when an instance becomes ready and before it knows whether it will run. */
export interface Reservation {
  /** Resolves once the request fits and every higher-priority reservation was served. */
  granted(): Promise<Grant>;
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
  /** Devices no grant holds, by index. */
  readonly #freeGpus: GpuDevice[];
  readonly #waiters: Waiter[] = [];

  constructor(readonly capacity: Capacity) {
    this.#jobs = capacity.jobs;
    this.#cpus = capacity.cpus;
    const devices = capacity.devices ?? Array.from({ length: capacity.gpus }, (_, index) => ({ index, name: `GPU ${index}` }));
    if (devices.length !== capacity.gpus) throw new Error(`capacity lists ${devices.length} GPU device(s) for ${capacity.gpus} GPU(s)`);
    if (new Set(devices.map((device) => device.index)).size !== devices.length) throw new Error(`capacity lists a GPU index twice: ${devices.map((device) => device.index).join(',')}`);
    this.#freeGpus = [...devices].sort((a, b) => a.index - b.index);
  }

  /** Why this request can never be granted, or undefined when it can. */
  impossible(request: ResourceRequest): string | undefined {
    if (request.gpu > this.capacity.gpus) return `needs ${request.gpu} GPU(s) but ${this.capacity.gpus} ${this.capacity.gpus === 1 ? 'is' : 'are'} available${this.#deviceList()}`;
    if (request.cpus > this.capacity.cpus) return `needs ${request.cpus} CPUs but ${this.capacity.cpus} are available (pass --cpus N)`;
    return undefined;
  }

  #deviceList(): string {
    const devices = [...(this.capacity.devices ?? [])].sort((a, b) => a.index - b.index);
    return devices.length === 0 ? '' : ` (${devices.map((device) => `${device.index}: ${device.name}`).join(', ')})`;
  }

  /** Resolves once the request fits; lower `priority` is served first among waiters. */
  acquire(request: ResourceRequest, priority = 0): Promise<Grant> {
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
          waiter.grant = () => resolve(this.#take(request));
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
    let gpus = this.#freeGpus.length;
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
        waiter.grant();
      } else index++;
    }
  }

  #take(request: ResourceRequest): Grant {
    this.#jobs -= 1;
    this.#cpus -= request.cpus;
    const gpus = this.#freeGpus.splice(0, request.gpu);
    let released = false;
    return {
      gpus,
      release: () => {
        if (released) return;
        released = true;
        this.#jobs += 1;
        this.#cpus += request.cpus;
        this.#freeGpus.push(...gpus);
        this.#freeGpus.sort((a, b) => a.index - b.index);
        this.#dispatch();
      },
    };
  }
}
