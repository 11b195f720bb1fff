import type { AnyStepDefinition } from '@veriflow/step-api';
import { evaluate } from './steps/evaluate.js';
import { sample } from './steps/sample.js';
import { synthesize } from './steps/synthesize.js';
import { theory } from './steps/theory.js';
import { train } from './steps/train.js';
import { transition } from './steps/transition.js';
import { verify } from './steps/verify.js';

/** The Gaussian-mixture task of the paper: sample → synthesize → verify → train → evaluate, with its theory. */
export const gaussianSteps: AnyStepDefinition[] = [sample, synthesize, verify, train, evaluate, theory, transition];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = gaussianSteps;

export { sample, synthesize, verify, train, evaluate, theory, transition };
export * as gaussianMath from './math/index.js';
