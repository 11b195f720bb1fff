import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { ResourcePool } from './resource-pool.js';
import type { Grant, ResourceRequest } from './resource-pool.js';

const cpu = (cpus = 1): ResourceRequest => ({ cpus, gpu: 0 });
const gpu = (n = 1, cpus = 1): ResourceRequest => ({ cpus, gpu: n });

/** Acquires and records the order in which grants arrive. */
function tracker(pool: ResourcePool) {
  const granted: string[] = [];
  const releases = new Map<string, () => void>();
  const acquire = (label: string, request: ResourceRequest, priority?: number): Promise<void> =>
    pool.acquire(request, priority).then((grant) => {
      granted.push(label);
      releases.set(label, grant.release);
    });
  const release = (label: string): void => {
    const fn = releases.get(label);
    assert.ok(fn, `${label} was not granted`);
    fn();
  };
  return { granted, acquire, release };
}

describe('ResourcePool', () => {
  it('grants at once while there is room', async () => {
    const pool = new ResourcePool({ jobs: 2, cpus: 4, gpus: 0 });
    const t = tracker(pool);
    await Promise.all([t.acquire('a', cpu()), t.acquire('b', cpu())]);
    assert.deepEqual(t.granted, ['a', 'b']);
  });

  it('never runs more jobs than slots', async () => {
    const pool = new ResourcePool({ jobs: 2, cpus: 16, gpus: 0 });
    const t = tracker(pool);
    for (const label of ['a', 'b', 'c', 'd']) void t.acquire(label, cpu());
    await tick();
    assert.deepEqual(t.granted, ['a', 'b']);
    t.release('a');
    await tick();
    assert.deepEqual(t.granted, ['a', 'b', 'c']);
  });

  it('never commits more CPUs than it has', async () => {
    const pool = new ResourcePool({ jobs: 10, cpus: 4, gpus: 0 });
    const t = tracker(pool);
    void t.acquire('three', cpu(3));
    void t.acquire('two', cpu(2));
    await tick();
    assert.deepEqual(t.granted, ['three']);
    t.release('three');
    await tick();
    assert.deepEqual(t.granted, ['three', 'two']);
  });

  it('never commits more GPUs than it has', async () => {
    const pool = new ResourcePool({ jobs: 10, cpus: 10, gpus: 2 });
    const t = tracker(pool);
    void t.acquire('g1', gpu(1));
    void t.acquire('g2', gpu(2));
    void t.acquire('g3', gpu(1));
    await tick();
    // g2 does not fit beside g1, but g3 does.
    assert.deepEqual(t.granted, ['g1', 'g3']);
    t.release('g1');
    await tick();
    assert.deepEqual(t.granted, ['g1', 'g3']);
    t.release('g3');
    await tick();
    assert.deepEqual(t.granted, ['g1', 'g3', 'g2']);
  });

  it('serves waiters by priority, lowest first, not by arrival', async () => {
    const pool = new ResourcePool({ jobs: 1, cpus: 8, gpus: 0 });
    const t = tracker(pool);
    void t.acquire('holder', cpu(), 0);
    await tick();
    void t.acquire('p5', cpu(), 5);
    void t.acquire('p1', cpu(), 1);
    void t.acquire('p3', cpu(), 3);
    void t.acquire('p1-later', cpu(), 1);
    for (const label of ['holder', 'p1', 'p1-later', 'p3']) {
      await tick();
      t.release(label);
    }
    await tick();
    assert.deepEqual(t.granted, ['holder', 'p1', 'p1-later', 'p3', 'p5']);
  });

  it('a waiting GPU job does not block CPU jobs that fit, even behind it in priority', async () => {
    const pool = new ResourcePool({ jobs: 4, cpus: 4, gpus: 1 });
    const t = tracker(pool);
    void t.acquire('gpu-a', gpu(1), 0);
    await tick();
    void t.acquire('gpu-b', gpu(1), 1);
    void t.acquire('cpu-c', cpu(), 2);
    void t.acquire('cpu-d', cpu(), 3);
    await tick();
    assert.deepEqual(t.granted, ['gpu-a', 'cpu-c', 'cpu-d']);
    t.release('gpu-a');
    await tick();
    assert.deepEqual(t.granted, ['gpu-a', 'cpu-c', 'cpu-d', 'gpu-b']);
  });

  it('release is idempotent: a second call frees nothing more', async () => {
    const pool = new ResourcePool({ jobs: 1, cpus: 1, gpus: 0 });
    const t = tracker(pool);
    await t.acquire('a', cpu());
    void t.acquire('b', cpu());
    void t.acquire('c', cpu());
    t.release('a');
    t.release('a');
    await tick();
    assert.deepEqual(t.granted, ['a', 'b']);
    t.release('b');
    await tick();
    assert.deepEqual(t.granted, ['a', 'b', 'c']);
  });

  it('never exceeds capacity under a random load', async () => {
    const pool = new ResourcePool({ jobs: 3, cpus: 4, gpus: 1 });
    let jobs = 0;
    let cpus = 0;
    let gpus = 0;
    let peak = { jobs: 0, cpus: 0, gpus: 0 };
    const requests: ResourceRequest[] = Array.from({ length: 40 }, (_, i) => ({ cpus: (i % 4) + 1, gpu: i % 5 === 0 ? 1 : 0 }));
    await Promise.all(
      requests.map(async (request, index) => {
        const grant = await pool.acquire(request, index);
        jobs += 1;
        cpus += request.cpus;
        gpus += request.gpu;
        peak = { jobs: Math.max(peak.jobs, jobs), cpus: Math.max(peak.cpus, cpus), gpus: Math.max(peak.gpus, gpus) };
        assert.ok(jobs <= 3 && cpus <= 4 && gpus <= 1, `over-committed: ${jobs} jobs, ${cpus} cpus, ${gpus} gpus`);
        await tick();
        jobs -= 1;
        cpus -= request.cpus;
        gpus -= request.gpu;
        grant.release();
      }),
    );
    assert.deepEqual(peak, { jobs: 3, cpus: 4, gpus: 1 });
  });

  it('a reservation still deciding keeps its place: a later, lower-priority grant request waits behind it', async () => {
    const pool = new ResourcePool({ jobs: 1, cpus: 4, gpus: 0 });
    const first = pool.reserve(cpu(), 0);
    const second = pool.reserve(cpu(), 1);
    const granted: string[] = [];
    // The second instance's cache lookup finished first; the first one's has not.
    const secondGrant = second.granted().then((grant) => {
      granted.push('second');
      return grant;
    });
    await tick();
    assert.equal(granted.length, 0);
    const firstGrant = await first.granted();
    granted.push('first');
    await tick();
    assert.deepEqual(granted, ['first']);
    firstGrant.release();
    (await secondGrant).release();
    assert.deepEqual(granted, ['first', 'second']);
  });

  it('a cancelled reservation (a cache hit) gives its place to the next waiter', async () => {
    const pool = new ResourcePool({ jobs: 1, cpus: 4, gpus: 0 });
    const cached = pool.reserve(cpu(), 0);
    const runs = pool.reserve(cpu(), 1);
    let granted = false;
    void runs.granted().then(() => (granted = true));
    await tick();
    assert.equal(granted, false);
    cached.cancel();
    await tick();
    assert.equal(granted, true);
  });

  it('a deciding reservation that does not fit does not hold back smaller waiters (backfill)', async () => {
    const pool = new ResourcePool({ jobs: 4, cpus: 4, gpus: 0 });
    const busy = await pool.acquire(cpu(3));
    pool.reserve(cpu(4), 0);
    let granted = false;
    void pool.acquire(cpu(1), 1).then(() => (granted = true));
    await tick();
    assert.equal(granted, true);
    busy.release();
  });

  it('impossible says why a request can never be granted', () => {
    const pool = new ResourcePool({ jobs: 2, cpus: 4, gpus: 0 });
    assert.equal(pool.impossible(cpu(4)), undefined);
    assert.equal(pool.impossible(gpu(1)), 'needs 1 GPU(s) but 0 are available');
    const h100 = new ResourcePool({ jobs: 2, cpus: 4, gpus: 1, devices: [{ index: 0, name: 'NVIDIA H100' }] });
    assert.equal(h100.impossible(gpu(2)), 'needs 2 GPU(s) but 1 is available (0: NVIDIA H100)');
    assert.equal(pool.impossible(cpu(6)), 'needs 6 CPUs but 4 are available (pass --cpus N)');
    // Judged against capacity, not what is free right now.
    void pool.acquire(cpu(4));
    assert.equal(pool.impossible(cpu(4)), undefined);
  });

  describe('GPU devices', () => {
    const devices = (grant: Grant): number[] => grant.gpus.map((device) => device.index);

    it('hands each grant its own devices, lowest index first, and a freed device to the next waiter', async () => {
      const pool = new ResourcePool({ jobs: 8, cpus: 8, gpus: 2, devices: [{ index: 1, name: 'B' }, { index: 0, name: 'A' }] });
      const first = await pool.acquire(gpu(1), 0);
      const second = await pool.acquire(gpu(1), 1);
      assert.deepEqual([devices(first), devices(second)], [[0], [1]]);
      assert.deepEqual(first.gpus, [{ index: 0, name: 'A' }]);
      let third: Grant | undefined;
      void pool.acquire(gpu(1), 2).then((grant) => (third = grant));
      await tick();
      assert.equal(third, undefined, 'a third gpu:1 waits while both devices are held');
      second.release();
      await tick();
      assert.deepEqual(third && devices(third), [1]);
    });

    it('gives a CPU-only grant no device, even when GPUs are free', async () => {
      const pool = new ResourcePool({ jobs: 2, cpus: 2, gpus: 1 });
      assert.deepEqual((await pool.acquire(cpu())).gpus, []);
      assert.deepEqual(devices(await pool.acquire(gpu(1))), [0]);
    });

    it('a grant released twice returns its devices once', async () => {
      const pool = new ResourcePool({ jobs: 4, cpus: 4, gpus: 2 });
      const pair = await pool.acquire(gpu(2));
      pair.release();
      pair.release();
      const a = await pool.acquire(gpu(1));
      const b = await pool.acquire(gpu(1));
      assert.deepEqual([devices(a), devices(b)], [[0], [1]]);
      let extra: Grant | undefined;
      void pool.acquire(gpu(1)).then((grant) => (extra = grant));
      await tick();
      assert.equal(extra, undefined, 'a double release must not make a device appear twice');
    });

    it('never hands out a device that another grant holds, under a random load', async () => {
      const pool = new ResourcePool({ jobs: 4, cpus: 8, gpus: 3, devices: [{ index: 5, name: 'x' }, { index: 2, name: 'y' }, { index: 7, name: 'z' }] });
      const held = new Set<number>();
      let used = new Set<number>();
      const requests = Array.from({ length: 60 }, (_, i) => gpu((i * 7) % 4));
      await Promise.all(
        requests.map(async (request, index) => {
          const grant = await pool.acquire(request, index);
          assert.equal(grant.gpus.length, request.gpu);
          for (const index of devices(grant)) {
            assert.ok(!held.has(index), `device ${index} handed out twice at once`);
            held.add(index);
          }
          used = new Set([...used, ...devices(grant)]);
          for (let spin = 0; spin < (index % 3) + 1; spin++) await tick();
          for (const index of devices(grant)) held.delete(index);
          grant.release();
        }),
      );
      assert.deepEqual([...used].sort((a, b) => a - b), [2, 5, 7]);
    });

    it('refuses a device list that does not match the GPU count or repeats an index', () => {
      assert.throws(() => new ResourcePool({ jobs: 1, cpus: 1, gpus: 2, devices: [{ index: 0, name: 'a' }] }), /lists 1 GPU device\(s\) for 2 GPU\(s\)/);
      assert.throws(() => new ResourcePool({ jobs: 1, cpus: 1, gpus: 2, devices: [{ index: 0, name: 'a' }, { index: 0, name: 'b' }] }), /index twice/);
    });
  });
});
