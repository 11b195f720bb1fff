import { createRng, defineStep } from '@veriflow/step-api';
import type { Rng } from '@veriflow/step-api';
import { encodeMatrices } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { jacobiEigen } from '../math/jacobi.js';
import { randomSymmetricMatrix } from '../math/symmetric-matrix.js';

/** n LAWT matrices with their spectra; `onBatch` is called every few matrices with the share done. */
export function sampleMatrixSet(n: number, dim: number, rng: Rng, entryRange = 10, onBatch?: (fraction: number) => void): MatrixSet {
  const matrices = new Float64Array(n * dim * dim);
  const eigenvalues = new Float64Array(n * dim);
  const batch = Math.max(1, Math.floor(n / 20));
  for (let i = 0; i < n; i++) {
    const a = randomSymmetricMatrix(dim, rng, entryRange);
    matrices.set(a, i * dim * dim);
    eigenvalues.set(jacobiEigen(a, dim).values, i * dim);
    if (onBatch && (i + 1) % batch === 0) onBatch((i + 1) / n);
  }
  return { dim, count: n, matrices, eigenvalues, entryRange };
}

export const sample = defineStep({
  name: 'eigen/sample',
  version: '1',
  description: 'Random symmetric matrices as in LAWT (entries uniform in [−range, range], A = tril(a) + tril(a, −1)ᵀ) with their eigenvalues, descending, from Jacobi.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    properties: {
      n: { type: 'integer', minimum: 1, default: 1000, description: 'Number of matrices.' },
      dim: { type: 'integer', minimum: 1, maximum: 100, default: 5, description: 'Matrix dimension (LAWT: 5; 3 for quick CPU runs).' },
      entry_range: { type: 'number', exclusiveMinimum: 0, default: 10, description: 'Entries are uniform in [−entry_range, entry_range] (LAWT: 10).' },
      seed: { type: 'integer', minimum: 0, description: 'Draw from this seed instead of the instance\'s, e.g. to give two workflows the same test set.' },
    },
  },
  outputs: {
    data: { kind: 'artifact', description: 'Matrices and true eigenvalues (VFT1 tensor "veriflow.eigen.matrices/1").' },
    count: { kind: 'number' },
    dim: { kind: 'number' },
  },
}).run(async (ctx) => {
  const { n, dim, entry_range: entryRange } = ctx.with;
  const rng = ctx.with.seed !== undefined ? createRng(ctx.with.seed) : ctx.rng;
  const set = sampleMatrixSet(n, dim, rng, entryRange, (fraction) => {
    ctx.signal.throwIfAborted();
    ctx.progress(fraction);
  });
  await ctx.writeBytes('data', encodeMatrices(set));
  ctx.log.info(`${n} symmetric ${dim}×${dim} matrices, entries in [−${entryRange}, ${entryRange}]`);
  return { count: n, dim };
});
