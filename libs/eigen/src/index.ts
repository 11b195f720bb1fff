import type { AnyStepDefinition } from '@veriflow/step-api';
import { encode } from './steps/encode.js';
import { evaluate } from './steps/evaluate.js';
import { generate } from './steps/generate.js';
import { sample } from './steps/sample.js';
import { train } from './steps/train.js';
import { verify } from './steps/verify.js';

/**
 * The eigenvalue task of the paper (after Charton's LAWT): sample matrices → a generator writes
 * candidates (the neural engine) → verify → train on the selection → evaluate.
 */
export const eigenSteps: AnyStepDefinition[] = [sample, encode, generate, verify, train, evaluate];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = eigenSteps;

export { sample, encode, generate, verify, train, evaluate };
export { TOKENS_FORMAT } from './steps/encode.js';
export { greedyAccuracy } from './steps/train.js';
export * from './model/index.js';
export { sampleMatrixSet } from './steps/sample.js';
export * from './math/index.js';
export * from './encoding/index.js';
export * from './artifacts/index.js';
export * from './verification/index.js';
export { resolveVerifier, verifierSchema, VERIFIER_KINDS } from './schema/verifier-schema.js';
export type { VerifierInput } from './schema/verifier-schema.js';
export { syntheticCandidates } from './testing/synthetic-candidates.js';
export type { SyntheticCandidateOptions } from './testing/synthetic-candidates.js';
