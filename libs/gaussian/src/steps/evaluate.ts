import { readFile } from 'node:fs/promises';
import { defineStep } from '@veriflow/step-api';
import { carrySchema, withCarried } from '@veriflow/steps-core';
import { decodeTensor } from '@veriflow/ml';
import { distributionAccuracy, relativeError } from '../math/index.js';
import { readModel } from '../artifacts/model-file.js';
import { problemGeometry, readProblem } from '../artifacts/problem-file.js';

/** Share of real test pairs whose label sign(wᵀx) gets right (a zero score counts as +1). */
async function testAccuracy(path: string, w: Float64Array): Promise<number> {
  const tensor = decodeTensor(new Uint8Array(await readFile(path)));
  const [rows, columns] = tensor.shape as [number, number];
  if (columns !== w.length + 1) throw new Error(`the test set has ${columns - 1} features but the model has ${w.length} weights`);
  let correct = 0;
  const x = tensor.data;
  for (let i = 0; i < rows; i++) {
    let score = 0;
    const base = i * columns;
    for (let j = 0; j < w.length; j++) score += w[j]! * (x[base + j] as number);
    if ((score >= 0 ? 1 : -1) === x[base + w.length]) correct++;
  }
  return rows === 0 ? NaN : correct / rows;
}

export const evaluate = defineStep({
  name: 'gaussian/evaluate',
  version: '1',
  description:
    'Accuracy of a linear model on the real distribution (exactly: Φ(wᵀμ/√(wᵀΣw)) on the mixture, Φ(wᵀμ/‖w‖) when Σ = I; 1 − θ/π on the halfspace variant, θ the angle between w and w*; and on the real test set), against Bayes and the generator.',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'problem'],
    properties: {
      model: { type: 'string', description: 'The model output of gaussian/train.' },
      problem: { type: 'string', description: 'The problem output of gaussian/sample.' },
      test: { type: 'string', description: 'The test output of gaussian/sample (adds test_accuracy).' },
      generator_error: { type: 'number', minimum: 0, maximum: 1, description: 'The generator\'s error rate, to say whether the model beats it.' },
      carry: carrySchema,
    },
  },
  outputs: {
    accuracy: { kind: 'number', description: 'Exact accuracy on the real distribution.' },
    test_accuracy: { kind: 'json', description: 'Accuracy on the real test set (null without one).' },
    bayes_accuracy: { kind: 'number' },
    relative_error: { kind: 'number', description: '(Bayes − accuracy) / Bayes.' },
    generator_accuracy: { kind: 'json', description: '1 − generator_error (null when not given).' },
    beats_generator: { kind: 'json', description: 'accuracy > generator accuracy (null when not given).' },
    collapsed: { kind: 'boolean', description: 'Worse than chance: the model learnt the opposite of the truth.' },
  },
}).run(async (ctx) => {
  const model = await readModel(ctx.with.model);
  const problem = await readProblem(ctx.with.problem);
  const w = Float64Array.from(model.w);
  if (w.length !== problem.dim) throw new Error(`the model has ${w.length} weights but the problem has d = ${problem.dim}`);
  const accuracy = distributionAccuracy(w, problemGeometry(problem));
  const test = ctx.with.test === undefined ? undefined : await testAccuracy(ctx.with.test, w);
  const generatorAccuracy = ctx.with.generator_error === undefined ? undefined : 1 - ctx.with.generator_error;
  const results = {
    accuracy,
    test_accuracy: test !== undefined && Number.isFinite(test) ? test : null,
    bayes_accuracy: problem.bayes_accuracy,
    relative_error: relativeError(accuracy, problem.bayes_accuracy),
    generator_accuracy: generatorAccuracy ?? null,
    beats_generator: generatorAccuracy === undefined ? null : accuracy > generatorAccuracy,
    collapsed: accuracy < 0.5,
  };
  for (const key of ['accuracy', 'test_accuracy', 'relative_error'] as const) {
    const value = results[key];
    if (typeof value === 'number') ctx.metrics.log(key, value);
  }
  return withCarried(results, ctx.with.carry);
});
