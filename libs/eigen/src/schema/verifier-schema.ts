/**
 * The `verifier` field of eigen/verify. One flat object with a `kind`, as in the gaussian task: each
 * kind's fields are checked in `resolveVerifier`, whose errors say which field belongs to which kind.
 */
import { DEFAULT_TOLERANCE } from '../math/tolerance.js';
import type { Verifier } from '../verification/verifiers.js';

export const VERIFIER_KINDS = ['oracle', 'noisy-oracle', 'self', 'consistency', 'random', 'none'] as const;

export const verifierSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description: 'oracle (tolerance), noisy-oracle (flip, tolerance), self (fraction or threshold), consistency (tolerance, sorted), random (keep) or none (no verification: keeps every top-1 label).',
  properties: {
    kind: { enum: VERIFIER_KINDS },
    name: { type: 'string', description: 'A label for tables and plots (default: derived from the kind and its fields).' },
    tolerance: { type: 'number', exclusiveMinimum: 0, description: 'oracle, noisy-oracle: relative L1 tolerance (default: the verify step\'s tolerance). consistency: relative tolerance on the trace and Frobenius identities (default 0.01).' },
    flip: { type: 'number', minimum: 0, maximum: 1, description: 'noisy-oracle: probability of flipping the oracle\'s decision (p* = 1 − flip).' },
    fraction: { type: 'number', minimum: 0, maximum: 1, description: 'self: keep this share of the candidates with the highest generator scores (default 0.5).' },
    threshold: { type: 'number', description: 'self: instead of fraction, keep candidates whose score (log-probability) is at least this.' },
    sorted: { type: 'boolean', description: 'consistency: also require the eigenvalues in descending order (default true).' },
    keep: { type: 'number', minimum: 0, maximum: 1, description: 'random: the keep rate.' },
  },
} as const;

export interface VerifierInput {
  readonly kind: (typeof VERIFIER_KINDS)[number];
  readonly name?: string;
  readonly tolerance?: number;
  readonly flip?: number;
  readonly fraction?: number;
  readonly threshold?: number;
  readonly sorted?: boolean;
  readonly keep?: number;
}

const FIELDS: Record<VerifierInput['kind'], readonly string[]> = {
  oracle: ['tolerance'],
  'noisy-oracle': ['tolerance', 'flip'],
  self: ['fraction', 'threshold'],
  consistency: ['tolerance', 'sorted'],
  random: ['keep'],
  none: [],
};

/**
 * The typed verifier; throws a sentence naming the field when one is missing or belongs to another kind.
 * `correctTolerance` is what "correct" means where the verifier is used: an oracle that does not set its own
 * tolerance judges by it (else a 5% task would get a 1% oracle that drops correct labels).
 */
export function resolveVerifier(input: VerifierInput, correctTolerance: number = DEFAULT_TOLERANCE): Verifier {
  const allowed = FIELDS[input.kind];
  for (const field of ['tolerance', 'flip', 'fraction', 'threshold', 'sorted', 'keep'] as const) {
    if (input[field] !== undefined && !allowed.includes(field)) {
      const owners = VERIFIER_KINDS.filter((k) => FIELDS[k].includes(field)).join(', ');
      throw new Error(`verifier: "${field}" does not apply to kind ${input.kind} (it is a field of ${owners}); ${input.kind} takes ${allowed.join(', ')}`);
    }
  }
  const tolerance = input.tolerance ?? correctTolerance;
  switch (input.kind) {
    case 'oracle':
      return { kind: 'oracle', tolerance };
    case 'noisy-oracle':
      if (input.flip === undefined) throw new Error('verifier: noisy-oracle needs "flip", the probability of flipping the oracle\'s decision (e.g. flip: 0.2 gives p* ≈ 0.8)');
      return { kind: 'noisy-oracle', tolerance, flip: input.flip };
    case 'self':
      if (input.fraction !== undefined && input.threshold !== undefined) throw new Error('verifier: self takes "fraction" or "threshold", not both');
      return input.threshold !== undefined ? { kind: 'self', threshold: input.threshold } : { kind: 'self', fraction: input.fraction ?? 0.5 };
    case 'consistency':
      // Its tolerance is on the trace and Frobenius residuals, not on the eigenvalues: its own default.
      return { kind: 'consistency', tolerance: input.tolerance ?? DEFAULT_TOLERANCE, sorted: input.sorted ?? true };
    case 'random':
      if (input.keep === undefined) throw new Error('verifier: random needs "keep", the keep rate (e.g. keep: 0.5)');
      return { kind: 'random', keep: input.keep };
    case 'none':
      return { kind: 'none' };
  }
}
