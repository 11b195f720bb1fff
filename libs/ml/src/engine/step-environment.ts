// The model steps' environment fact: the tensor engine they will run on. Engines round differently, so a
// result cached on one is not reused on another; `veriflow plan` shows "environment changed: engine …".
import type { StepContext } from '@veriflow/step-api';
import type { DeviceRequest } from './backend.js';
import { predictDenseProducts, predictEngineLabel } from './engine-label.js';

const deviceOf = (value: unknown): DeviceRequest => (value === 'cpu' || value === 'gpu' ? value : 'auto');

export function engineEnvironment(withValue: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  const device = deviceOf(withValue['device']);
  const denseProducts = predictDenseProducts(device);
  return { engine: predictEngineLabel(device), ...(denseProducts === undefined ? {} : { dense_products: denseProducts }) };
}

/** The cache key assumed the predicted engine; say so when the step got another one. */
export function warnOnEngineMismatch(ctx: Pick<StepContext<unknown>, 'log'>, device: DeviceRequest, actual: string): void {
  const predicted = predictEngineLabel(device);
  if (predicted !== actual) ctx.log.warn(`engine ${actual} is not the one this instance's cache key assumed (${predicted}): an installed native TensorFlow package may have failed to load; its result is cached under ${predicted}`);
}
