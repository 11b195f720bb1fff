// Gradients and chained ops for tfjs-core in Node.
//
// Surprise in tfjs 4.22: the CommonJS bundle that Node loads for `@tensorflow/tfjs-core` (dist/tf-core.node.js)
// registers NO gradients and NO chained ops (`x.square()`); the union package `@tensorflow/tfjs` normally adds
// them. With tfjs-core alone `tf.grad` fails with "gradient function not found for Sum". tfjs-core does ship
// both registrations as ES modules (dist/register_all_gradients.js, dist/public/chained_ops/...), in a form
// Node cannot import as is (ESM in a CommonJS package, extensionless relative imports), so we register module
// hooks (tfjs-esm-hooks.ts) that fix exactly that and import them.
//
// That second, ESM copy of tfjs-core's modules is safe to mix with the CommonJS one: tfjs keeps its engine,
// kernel and gradient registries and the Tensor class on globalThis, and `instanceof Tensor` is duck-typed,
// precisely so that several copies cooperate. The gradient functions run the shared engine's kernels.
// Cost: about 0.3–0.7 s once per process. A dependency on `@tensorflow/tfjs` would make this unnecessary.
import { createRequire, register } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Sum, getGradient } from '@tensorflow/tfjs-core';
// Types only: the chained-op method declarations (`x.square()`) that the runtime registration below provides.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { registerGradientFixes } from './gradient-fixes.js';

export interface GradientRegistration {
  /** How the gradients got there: already present, or loaded from tfjs-core's ESM files. */
  source: 'present' | 'tfjs-core-esm';
  chainedOps: boolean;
  /** Gradients we replace with corrected versions (gradient-fixes.ts). */
  fixes: string[];
  ms: number;
}

let pending: Promise<GradientRegistration> | null = null;

function hasChainedOps(): boolean {
  return typeof (tf.Tensor.prototype as unknown as { square?: unknown }).square === 'function';
}

async function load(): Promise<GradientRegistration> {
  const start = performance.now();
  const chainedBefore = hasChainedOps();
  if (getGradient(Sum) != null && chainedBefore) {
    return { source: 'present', chainedOps: true, fixes: registerGradientFixes(), ms: 0 };
  }
  if (typeof register !== 'function') {
    throw new Error('engine: registering tfjs-core gradients needs node:module register() (Node >= 20.6)');
  }
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-core'));
  const distUrl = `${pathToFileURL(dist).href}/`;
  register(new URL('./tfjs-esm-hooks.js', import.meta.url), { data: { distUrl } });
  const imports: Promise<unknown>[] = [];
  if (getGradient(Sum) == null) imports.push(import(`${distUrl}register_all_gradients.js`));
  if (!chainedBefore) imports.push(import(`${distUrl}public/chained_ops/register_all_chained_ops.js`));
  await Promise.all(imports);
  if (getGradient(Sum) == null) throw new Error('engine: tfjs-core gradients did not register');
  return {
    source: 'tfjs-core-esm',
    chainedOps: hasChainedOps(),
    fixes: registerGradientFixes(),
    ms: Math.round(performance.now() - start),
  };
}

/** Makes sure tfjs gradients (and chained ops) are registered; idempotent, concurrent calls share one load. */
export function ensureGradients(): Promise<GradientRegistration> {
  pending ??= load().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
