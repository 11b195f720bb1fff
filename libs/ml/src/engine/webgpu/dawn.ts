// The WebGPU engine: tfjs-backend-webgpu 4.22 on Dawn's Node binding (the `webgpu` package, which ships a
// prebuilt dawn.node and downloads nothing at install). Both are optional dependencies, so they are only ever
// reached through dynamic imports.
//
// Findings (webgpu 0.6.2, Node 20):
// - tfjs-backend-webgpu registers its backend at import time only if `navigator.gpu` exists, its backend's
//   constructor refuses to run without it, and its kernels use the WebGPU globals (GPUBufferUsage, GPUMapMode,
//   …). So once Dawn gives an adapter, its GPU object becomes `navigator.gpu` (Node 20 has no navigator) and
//   its globals go on globalThis; we register the backend ourselves with the adapter already probed.
// - Without libvulkan.so.1, or with only Debian 12's lavapipe (Mesa 22: "Vulkan shaderUniform*ArrayDynamicIndexing
//   required"), requestAdapter() answers null and Dawn writes its reason to stderr. Mesa 25's lavapipe (Debian
//   bookworm-backports) gives a software adapter (isFallbackAdapter true) on which the backend runs, slowly:
//   the tests use it to check the engine on CPU machines; `device: gpu` takes it only under
//   VERIFLOW_WEBGPU_ALLOW_SOFTWARE=1.
import * as tf from '@tensorflow/tfjs-core';
import type { AdapterFact } from './diagnosis.js';

export const WEBGPU_PACKAGES = { dawn: 'webgpu', backend: '@tensorflow/tfjs-backend-webgpu' } as const;

/** The part of Dawn's GPUAdapter we use (the `webgpu` package ships @webgpu/types, which we do not depend on). */
interface AdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  requestDevice(descriptor: unknown): Promise<unknown>;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(options: unknown): Promise<AdapterLike | null> };
  globals: Record<string, unknown>;
}

interface WebGpuBackendModule {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

export interface AdapterProbe {
  readonly fact: AdapterFact;
  readonly adapter: AdapterLike | null;
  readonly ms: number;
}

function describeAdapter(adapter: AdapterLike): { description: string; software: boolean } {
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description || info.device].filter((part) => part != null && part !== '').join(' / ') || 'adapter without info';
  return { description, software: info.isFallbackAdapter === true || info.architecture === 'software' };
}

function importFailure(specifier: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `the npm package ${specifier} is not installed`;
  const message = error instanceof Error ? error.message : String(error);
  return `the npm package ${specifier} failed to load: ${(message.split('\n')[0] ?? '').trim()}`;
}

let probed: Promise<AdapterProbe> | null = null;

async function probe(): Promise<AdapterProbe> {
  const start = performance.now();
  const done = (fact: AdapterFact, adapter: AdapterLike | null = null): AdapterProbe => ({ fact, adapter, ms: Math.round(performance.now() - start) });
  let dawn: DawnModule;
  try {
    dawn = (await import(WEBGPU_PACKAGES.dawn)) as DawnModule;
  } catch (error) {
    return done({ kind: 'package-missing', reason: importFailure(WEBGPU_PACKAGES.dawn, error) });
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) return done({ kind: 'none' });
  // tfjs's kernels read GPUBufferUsage & co. as globals.
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
  const holder = globalThis as { navigator?: { gpu?: unknown } };
  if (holder.navigator == null) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (holder.navigator!.gpu == null) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  const { description, software } = describeAdapter(adapter);
  return done(software ? { kind: 'software', description } : { kind: 'hardware', description }, adapter);
}

/** Asks Dawn for an adapter once per process (a few ms without a Vulkan loader, ~0.1 s with lavapipe). */
export function probeAdapter(): Promise<AdapterProbe> {
  probed ??= probe();
  return probed;
}

let registered = false;

/** The device request tfjs-backend-webgpu's own factory makes (its features and the adapter's limits). */
async function requestDevice(adapter: AdapterLike): Promise<unknown> {
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((name) => adapter.features.has(name));
  const limitNames = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];
  const requiredLimits = Object.fromEntries(limitNames.map((name) => [name, adapter.limits[name]]));
  return adapter.requestDevice({ requiredFeatures, requiredLimits });
}

/**
 * Makes 'webgpu' the active tfjs backend on the probed adapter. `allowSoftware` admits a CPU adapter
 * (lavapipe), which tests ask for, and runs under VERIFLOW_WEBGPU_ALLOW_SOFTWARE=1.
 */
export async function activateWebGpu(allowSoftware: boolean): Promise<{ ok: boolean; reason: string; fact: AdapterFact }> {
  const { fact, adapter } = await probeAdapter();
  if (fact.kind === 'package-missing') return { ok: false, reason: fact.reason, fact };
  if (adapter == null || fact.kind === 'none') return { ok: false, reason: 'Dawn found no WebGPU adapter', fact };
  if (fact.kind === 'software' && !allowSoftware) return { ok: false, reason: `Dawn found only a software adapter (${fact.description}); VERIFLOW_WEBGPU_ALLOW_SOFTWARE=1 runs on it anyway (slowly: to check the GPU path on a CPU machine)`, fact };
  if (!registered) {
    let module: WebGpuBackendModule;
    try {
      module = (await import(WEBGPU_PACKAGES.backend)) as WebGpuBackendModule;
    } catch (error) {
      return { ok: false, reason: importFailure(WEBGPU_PACKAGES.backend, error), fact };
    }
    // The import registered tfjs's own factory (navigator.gpu is set); ours reuses the probed adapter.
    if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', async () => new module.WebGPUBackend(await requestDevice(adapter), adapter.info));
    registered = true;
  }
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'webgpu backend failed to initialise (see the warning above)', fact };
  } catch (error) {
    return { ok: false, reason: `webgpu backend failed to initialise: ${error instanceof Error ? error.message : String(error)}`, fact };
  }
  return { ok: true, reason: `Dawn adapter ${fact.description}`, fact };
}
