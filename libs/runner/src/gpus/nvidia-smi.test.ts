import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNvidiaSmiGpus } from './nvidia-smi.js';

describe('parseNvidiaSmiGpus', () => {
  it('reads the rows nvidia-smi prints for --query-gpu=index,name,memory.total,uuid', () => {
    const text = '0, NVIDIA H100 80GB HBM3, 81559, GPU-5f3c2d1e-0b7a-4c1e-9d2f-1a2b3c4d5e6f\n1, NVIDIA H100 80GB HBM3, 81559, GPU-6a4d3e2f-1c8b-5d2f-0e3a-2b3c4d5e6f7a\n';
    assert.deepEqual(parseNvidiaSmiGpus(text), {
      devices: [
        { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, uuid: 'GPU-5f3c2d1e-0b7a-4c1e-9d2f-1a2b3c4d5e6f' },
        { index: 1, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, uuid: 'GPU-6a4d3e2f-1c8b-5d2f-0e3a-2b3c4d5e6f7a' },
      ],
      problems: [],
    });
  });

  it('accepts CRLF, a header, units and fields the driver cannot read', () => {
    const text = 'index, name, memory.total [MiB], uuid\r\n0, Tesla T4, 15360 MiB, [N/A]\r\n1, NVIDIA A100-SXM4-40GB, [Not Supported], GPU-abc\r\n\r\n';
    assert.deepEqual(parseNvidiaSmiGpus(text).devices, [
      { index: 0, name: 'Tesla T4', memoryMiB: 15360 },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-abc' },
    ]);
  });

  it('keeps a model name that contains a comma whole', () => {
    assert.deepEqual(parseNvidiaSmiGpus('2, Quadro RTX 8000, Rev B, 49152, GPU-q').devices, [{ index: 2, name: 'Quadro RTX 8000, Rev B', memoryMiB: 49152, uuid: 'GPU-q' }]);
  });

  it('reports what is not a GPU row (driver errors, a lost GPU) instead of scheduling onto it', () => {
    const lost = 'Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error';
    const parsed = parseNvidiaSmiGpus(`0, NVIDIA L4, 23034, GPU-l4\n${lost}\n[Unknown Error], [Unknown Error], [Unknown Error], [Unknown Error]\n`);
    assert.deepEqual(parsed.devices, [{ index: 0, name: 'NVIDIA L4', memoryMiB: 23034, uuid: 'GPU-l4' }]);
    assert.deepEqual(parsed.problems, [lost, '[Unknown Error], [Unknown Error], [Unknown Error], [Unknown Error]']);
    const driver = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
    assert.deepEqual(parseNvidiaSmiGpus(`${driver}\n\n`), { devices: [], problems: [driver] });
    assert.deepEqual(parseNvidiaSmiGpus('No devices were found\n'), { devices: [], problems: ['No devices were found'] });
  });
});
