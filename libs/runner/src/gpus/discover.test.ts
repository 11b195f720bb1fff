import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverGpus, GpuDiscoveryError } from './discover.js';

const H100 = (index: number): string => `${index}, NVIDIA H100 80GB HBM3, 81559, GPU-0000000${index}-aaaa-bbbb-cccc-dddddddddddd`;

let root: string;

/** A PATH whose first directory holds an executable `nvidia-smi` that checks its arguments, prints `stdout` and exits with `code`. */
async function fakeNvidiaSmi(name: string, stdout: string, code = 0): Promise<string> {
  const dir = join(root, name);
  const script = join(dir, 'nvidia-smi');
  await writeFile(join(root, `${name}.out`), stdout);
  const expected = '--query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits';
  await mkdir(dir);
  await writeFile(script, `#!/bin/sh\n[ "$*" = "${expected}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }\ncat '${root}/${name}.out'\nexit ${code}\n`);
  await chmod(script, 0o755);
  // First on PATH, so it wins over a real nvidia-smi; the rest of PATH is there for `cat`.
  return `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
}

/** Where a real driver is installed (a GPU machine), its nvidia-smi is parsed too; elsewhere the test says why it skipped. */
const realNvidiaSmi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
const noRealGpu = realNvidiaSmi.error ? 'no nvidia-smi on PATH (no NVIDIA driver here)' : realNvidiaSmi.status !== 0 ? `nvidia-smi -L failed: ${realNvidiaSmi.stdout.trim()}` : false;

describe('discoverGpus', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'veriflow-gpus-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('lists what nvidia-smi reports, running the real program found on PATH', async () => {
    const path = await fakeNvidiaSmi('two', `${H100(0)}\n${H100(1)}\n`);
    const inventory = await discoverGpus({ PATH: path });
    assert.equal(inventory.source, 'nvidia-smi');
    assert.deepEqual(inventory.devices.map((device) => [device.index, device.name, device.memoryMiB]), [[0, 'NVIDIA H100 80GB HBM3', 81559], [1, 'NVIDIA H100 80GB HBM3', 81559]]);
    assert.deepEqual(inventory.notes, []);
  });

  it('finds no GPU, and says why, when nvidia-smi is missing or fails', async () => {
    const missing = await discoverGpus({ PATH: join(root, 'nowhere') });
    assert.deepEqual([missing.devices, missing.notes], [[], ['nvidia-smi is not on PATH (no NVIDIA driver is installed here)']]);
    const driver = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
    const failing = await discoverGpus({ PATH: await fakeNvidiaSmi('nodriver', `${driver}\n`, 9) });
    assert.deepEqual([failing.devices, failing.notes], [[], [`nvidia-smi failed (exit 9): ${driver}`]]);
  });

  it('keeps the GPUs that answer when nvidia-smi exits non-zero over a lost one', async () => {
    const lost = 'Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost. Reboot the system to recover this GPU';
    const inventory = await discoverGpus({ PATH: await fakeNvidiaSmi('lost', `${H100(0)}\n${lost}\n`, 15) });
    assert.deepEqual(inventory.devices.map((device) => device.index), [0]);
    assert.deepEqual(inventory.notes, [`nvidia-smi failed (exit 15): ${lost}`]);
  });

  it('narrows to the runner’s own CUDA_VISIBLE_DEVICES, by index or UUID, in its order', async () => {
    const path = await fakeNvidiaSmi('four', [0, 1, 2, 3].map(H100).join('\n'));
    const byIndex = await discoverGpus({ PATH: path, CUDA_VISIBLE_DEVICES: '3,1' });
    assert.deepEqual(byIndex.devices.map((device) => device.index), [3, 1]);
    assert.deepEqual(byIndex.notes, ['CUDA_VISIBLE_DEVICES="3,1" limits this run to 2 of the 4 GPU(s) found']);
    const byUuid = await discoverGpus({ PATH: path, CUDA_VISIBLE_DEVICES: 'GPU-00000002' });
    assert.deepEqual(byUuid.devices.map((device) => device.index), [2]);
    assert.deepEqual((await discoverGpus({ PATH: path, CUDA_VISIBLE_DEVICES: '' })).devices, []);
    // CUDA stops at the first entry it cannot use: so does the runner.
    const stops = await discoverGpus({ PATH: path, CUDA_VISIBLE_DEVICES: '0,7,1' });
    assert.deepEqual(stops.devices.map((device) => device.index), [0]);
    assert.match(stops.notes[0]!, /names 7, which is not among the GPUs found/);
  });

  it('reads every GPU the real nvidia-smi lists', { skip: noRealGpu }, async () => {
    const listed = realNvidiaSmi.stdout.split('\n').filter((line) => line.startsWith('GPU '));
    const inventory = await discoverGpus({ PATH: process.env.PATH });
    assert.deepEqual(inventory.notes, []);
    assert.equal(inventory.devices.length, listed.length);
    for (const device of inventory.devices) {
      assert.ok(listed.some((line) => line.startsWith(`GPU ${device.index}: ${device.name} (UUID: ${device.uuid})`)), `${JSON.stringify(device)} is not in ${listed.join(' | ')}`);
      assert.ok((device.memoryMiB ?? 0) > 0);
    }
  });

  it('takes a fake inventory from VERIFLOW_FAKE_GPUS without running nvidia-smi', async () => {
    const never = await fakeNvidiaSmi('never', 'must not be read', 1);
    assert.deepEqual(await discoverGpus({ PATH: never, VERIFLOW_FAKE_GPUS: '2' }), {
      devices: [{ index: 0, name: 'fake GPU' }, { index: 1, name: 'fake GPU' }],
      source: 'VERIFLOW_FAKE_GPUS',
      notes: [],
    });
    const named = await discoverGpus({ PATH: never, VERIFLOW_FAKE_GPUS: '0:NVIDIA H100, 1:NVIDIA H200', CUDA_VISIBLE_DEVICES: '1' });
    assert.deepEqual(named.devices, [{ index: 1, name: 'NVIDIA H200' }]);
    await assert.rejects(discoverGpus({ VERIFLOW_FAKE_GPUS: 'two' }), (error: Error) => error instanceof GpuDiscoveryError && /VERIFLOW_FAKE_GPUS="two" cannot be read at "two": give a count/.test(error.message));
    await assert.rejects(discoverGpus({ VERIFLOW_FAKE_GPUS: '0:a,0:b' }), /names an index twice/);
  });
});
