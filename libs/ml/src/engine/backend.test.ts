import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, selectBackend } from './backend.js';

function installed(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

const nativeAbsent = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');
const skipNative = nativeAbsent ? false : 'tfjs-node is installed on this host';

/** A stand-in for tfjs-node: registers a 'tensorflow' backend (a cpu backend underneath). */
function fakeNative(usingGpu: boolean) {
  const imported: string[] = [];
  const importModule = async (specifier: string) => {
    imported.push(specifier);
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: usingGpu }));
    return {};
  };
  return { imported, importModule };
}

describe('selectBackend', () => {
  it('falls back to wasm here and says why the native backends were not used', { skip: skipNative }, async () => {
    const decision = await selectBackend({ device: 'auto' });
    assert.equal(decision.name, 'wasm');
    assert.equal(decision.gpu, false);
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(
      decision.attempts.map((a) => [a.candidate, a.ok]),
      [
        ['tfjs-node-gpu', false],
        ['tfjs-node', false],
        ['wasm', true],
      ],
    );
    assert.match(decision.attempts[0]?.reason ?? '', /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(decision.detail, /^wasm: tfjs-backend-wasm-simd\.wasm, 1 thread; rejected tfjs-node-gpu/);
    assert.equal(decision.versions.tfjsCore, '4.22.0');
    // Node: the threaded wasm build is never chosen, so XNNPACK runs on one thread.
    assert.deepEqual(decision.wasm && { simd: decision.wasm.simd, threads: decision.wasm.threads }, { simd: true, threads: 1 });
    assert.equal(getThreadsCount(), 1);
    assert.equal(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), false);
  });

  it("device: 'cpu' with native off goes straight to wasm", async () => {
    const decision = await selectBackend({ device: 'cpu', native: false });
    assert.equal(decision.name, 'wasm');
    assert.deepEqual(
      decision.attempts.map((a) => a.candidate),
      ['wasm'],
    );
  });

  it("device: 'gpu' without a GPU backend fails with what was tried and how to fix it", { skip: skipNative }, async () => {
    await assert.rejects(selectBackend({ device: 'gpu' }), (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.match(error.message, /device: 'gpu' was requested but no GPU backend is usable/);
      assert.match(error.message, /tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
      // This CPU machine has no NVIDIA driver, so the WebGPU part names at least that, with its fix.
      assert.match(error.message, /Missing for the WebGPU engine:\n {2}- no NVIDIA driver .*; to fix: install the NVIDIA driver/);
      assert.match(error.message, /allowFallback: true/);
      assert.deepEqual(error.attempts.map((a) => [a.candidate, a.ok]), [['tfjs-node-gpu', false], ['webgpu', false]]);
      return true;
    });
  });

  it("device: 'gpu' with allowFallback records the fallback", { skip: skipNative }, async () => {
    const decision = await selectBackend({ device: 'gpu', allowFallback: true });
    assert.equal(decision.name, 'wasm');
    assert.equal(decision.fellBack, true);
    assert.match(decision.detail, /fell back from device gpu/);
  });

  it('records a native load failure (e.g. missing CUDA 11 libraries) as the reason', async () => {
    const importModule = async (specifier: string) => {
      throw Object.assign(new Error(`libcudart.so.11.0: cannot open shared object file (${specifier})\nstack`), {
        code: 'ERR_DLOPEN_FAILED',
      });
    };
    const decision = await selectBackend({ device: 'auto', importModule });
    assert.equal(decision.name, 'wasm');
    assert.match(decision.attempts[0]?.reason ?? '', /tfjs-node-gpu failed to load: libcudart\.so\.11\.0: cannot open/);
  });

  it('notices a native package that registers against another tfjs-core copy', async () => {
    const decision = await selectBackend({ device: 'cpu', importModule: async () => ({}) });
    assert.equal(decision.name, 'wasm');
    assert.match(decision.attempts[0]?.reason ?? '', /registered no 'tensorflow' backend/);
  });

  it('uses a native backend when one loads, and tells GPU from CPU', async () => {
    try {
      const gpu = fakeNative(true);
      const onGpu = await selectBackend({ device: 'gpu', importModule: gpu.importModule });
      assert.deepEqual([onGpu.name, onGpu.gpu, onGpu.fellBack], ['tensorflow', true, false]);
      assert.deepEqual(gpu.imported, ['@tensorflow/tfjs-node-gpu']);
      tf.removeBackend('tensorflow');

      const cpuOnly = fakeNative(false);
      await assert.rejects(selectBackend({ device: 'gpu', importModule: cpuOnly.importModule }), /sees no GPU device/);
      const fallback = await selectBackend({ device: 'gpu', allowFallback: true, importModule: cpuOnly.importModule });
      assert.deepEqual([fallback.name, fallback.gpu, fallback.fellBack], ['tensorflow', false, true]);
      assert.deepEqual(cpuOnly.imported, ['@tensorflow/tfjs-node-gpu'], 'the loaded backend is reused, not re-imported');
    } finally {
      if (tf.findBackendFactory('tensorflow') != null) tf.removeBackend('tensorflow');
      await tf.setBackend('wasm');
    }
  });
});
