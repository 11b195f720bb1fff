import type { AnyStepDefinition } from '@veriflow/step-api';

/**
 * The paper's summarisation task (XL-Sum): ROUGE as rouge-score computes it, the XL-Sum loader and an
 * embedded corpus generator.
 */
export const xlsumSteps: AnyStepDefinition[] = [];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = xlsumSteps;

export * from './rouge/index.js';
