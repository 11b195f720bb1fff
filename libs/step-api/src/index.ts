export type { StepContext, StepLogger, MetricLogger, InstanceIdentity } from './context.js';
export { defineStep, outputsOf } from './define-step.js';
export type { StepDefinition, AnyStepDefinition, WithSchema, StepHeader, Execution, StepEnvironment } from './define-step.js';
export type { OutputKind, OutputSpec, OutputSpecs, StepValues } from './outputs.js';
export type { Resources } from './resources.js';
export { createRng, deriveSeed, hash32 } from './rng.js';
export type { Rng } from './rng.js';
export { StepRegistry } from './registry.js';
export { STOP_GRACE_MS } from './stop-grace.js';
