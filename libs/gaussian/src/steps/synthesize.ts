import { defineStep } from '@veriflow/step-api';
import { distributionAccuracy } from '../math/index.js';
import { problemGeometry, readProblem } from '../artifacts/problem-file.js';
import { SYNTHESIZED_FORMAT } from '../artifacts/synthesized-file.js';
import type { SynthesizedFile } from '../artifacts/synthesized-file.js';
import { generatorSchema } from '../schema/labelling-schemas.js';
import { resolveGenerator } from '../schema/resolve-labelling.js';

export const synthesize = defineStep({
  name: 'gaussian/synthesize',
  version: '1',
  description: 'Synthesized pairs (x, y\') from a generator: flip (error rate p) or linear (sign(aᵀx)). Writes the exact recipe; verifiers draw the rows.',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['problem', 'n', 'generator'],
    properties: {
      problem: { type: 'string', description: 'The problem output of gaussian/sample.' },
      n: { type: 'integer', minimum: 1, description: 'Synthesized pairs.' },
      generator: generatorSchema,
    },
  },
  outputs: {
    data: { kind: 'artifact', description: 'The synthesized dataset (its distribution, generator, n and seed).' },
    generator_error: { kind: 'number', description: 'The generator\'s error rate on fresh inputs.' },
  },
}).run(async (ctx) => {
  const problem = await readProblem(ctx.with.problem);
  const geometry = problemGeometry(problem);
  const mu = geometry.mu;
  const generator = await resolveGenerator(ctx.with.generator, mu);
  let generatorError: number;
  if (generator.kind === 'flip') generatorError = generator.p;
  else {
    const a = Float64Array.from(generator.a);
    if (a.length !== problem.dim) throw new Error(`the generator model has ${a.length} weights but the problem has d = ${problem.dim}`);
    // Mixture: Φ(−aᵀμ/√(aᵀΣa)); halfspace: θ/π, θ the angle between a and w*.
    generatorError = 1 - distributionAccuracy(a, geometry);
  }
  const file: SynthesizedFile = { format: SYNTHESIZED_FORMAT, problem, n: ctx.with.n, generator, generator_error: generatorError, seed: ctx.seed };
  await ctx.writeJson('data', file);
  ctx.metrics.log('generator_error', generatorError);
  return { generator_error: generatorError };
});
