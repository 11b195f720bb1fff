import { defineStep } from '@veriflow/step-api';
import { carrySchema, withCarried } from '@veriflow/steps-core';
import { readCandidates } from '../artifacts/candidates-file.js';
import { readMatrices } from '../artifacts/matrices-file.js';
import { rankCandidates } from '../verification/ranked-candidates.js';
import { evaluatePredictions } from '../verification/accuracy.js';

export const evaluate = defineStep({
  name: 'eigen/evaluate',
  // 2: accuracy_10pct added (a cached version-1 record lacks it).
  version: '2',
  description: 'Accuracy of a model\'s predictions (its top-1 candidate per test matrix) at 1%, 2%, 5% and 10% relative L1 tolerance; malformed or missing predictions count as wrong.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['candidates', 'data'],
    properties: {
      candidates: { type: 'string', description: 'The model\'s candidates for the test matrices ("veriflow.eigen.candidates/1").' },
      data: { type: 'string', description: 'The test matrices (data output of eigen/sample); every matrix in it is scored.' },
      carry: carrySchema,
    },
  },
  outputs: {
    accuracy: { kind: 'number', description: 'Share of test matrices whose top-1 prediction is within 1% (the paper\'s metric).' },
    accuracy_2pct: { kind: 'number' },
    accuracy_5pct: { kind: 'number' },
    accuracy_10pct: { kind: 'number' },
    beam_accuracy: { kind: 'number', description: 'Share with some candidate within 1%: what an oracle picking from the beam would reach.' },
    malformed_rate: { kind: 'number', description: 'Share of test matrices whose top-1 prediction is malformed.' },
    missing: { kind: 'number', description: 'Test matrices without any candidate.' },
    count: { kind: 'number' },
  },
}).run(async (ctx) => {
  const [candidates, data] = await Promise.all([readCandidates(ctx.with.candidates), readMatrices(ctx.with.data)]);
  // Grading happens inside evaluatePredictions at every tolerance; rankCandidates only decodes and ranks here.
  const result = evaluatePredictions(rankCandidates(candidates, data, 0.01), data);
  const [at1, at2, at5, at10] = result.accuracy;
  const values = { accuracy: at1!, accuracy_2pct: at2!, accuracy_5pct: at5!, accuracy_10pct: at10!, beam_accuracy: result.beamAccuracy, malformed_rate: result.malformedRate, missing: result.missing, count: result.count };
  for (const [key, value] of Object.entries(values)) if (key !== 'count') ctx.metrics.log(key, value);
  ctx.log.info(`accuracy ${(100 * at1!).toFixed(2)}% / ${(100 * at2!).toFixed(2)}% / ${(100 * at5!).toFixed(2)}% / ${(100 * at10!).toFixed(2)}% at 1/2/5/10% over ${result.count} matrices (${result.missing} missing, ${(100 * result.malformedRate).toFixed(2)}% malformed)`);
  return withCarried(values, ctx.with.carry);
});
