/**
 * Performance check of the Gaussian task's numerics: `node libs/gaussian/dist/math/benchmark.js`.
 * Prints fillNormal ns/sample, syrkAccumulate GFLOP/s, and seconds per experiment cell
 * (d = 200, n = 50 000) for each simulation path, then times a 19 × 4 grid on one core.
 */
import { pathToFileURL } from 'node:url';
import { createRng } from '@veriflow/step-api';
import { NormalSource, syrkAccumulate } from '@veriflow/ml';
import { ridge } from './estimators.js';
import { exactAccuracy } from './evaluate.js';
import { meanVector, orthogonalUnit } from './model.js';
import { simulateCell } from './simulate.js';
import type { SimulationMethod } from './simulate.js';
import { planeDirections } from './theory.js';
import type { CellConfig } from './types.js';

function bestOf(reps: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

export function runBenchmark(log: (line: string) => void = console.log): void {
  const N = 1 << 22;
  const src = NormalSource.fromRng(createRng(1));
  const f64 = new Float64Array(N);
  log(`fillNormal Float64: ${((bestOf(5, () => src.fill(f64)) / N) * 1e9).toFixed(2)} ns/sample`);
  const rng = createRng(2);
  const few = new Float64Array(1 << 18);
  const tRng = bestOf(3, () => {
    for (let i = 0; i < few.length; i++) few[i] = rng.normal();
  });
  log(`Rng.normal() for comparison: ${((tRng / few.length) * 1e9).toFixed(2)} ns/sample`);

  const d = 200;
  const rows = 4096;
  const X = new Float64Array(rows * d);
  src.fill(X);
  const C = new Float64Array(d * d);
  const tSyrk = bestOf(10, () => syrkAccumulate(C, X, rows, d));
  log(`syrkAccumulate d=${d}, ${rows} rows: ${((rows * d * (d + 1)) / tSyrk / 1e9).toFixed(2)} GFLOP/s (${(tSyrk * 1e3).toFixed(1)} ms)`);

  const n = 50_000;
  const mu = meanVector(d, 1.555, createRng(3));
  const perp = orthogonalUnit(mu, createRng(4));
  const { a, b } = planeDirections(mu, 0.8, 0.5, 'opposite', perp);
  const cellTime = (cell: CellConfig, method: SimulationMethod, reps: number): number =>
    bestOf(reps, () => {
      exactAccuracy(ridge(simulateCell(cell, createRng(5), method), 1e-3), mu);
    });
  const flipRandom: CellConfig = { mu, n, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'random', r: 0.5 } };
  const linLin: CellConfig = { mu, n, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b } };
  log(`cell d=${d} n=${n}, flip + random, stream:    ${(cellTime(flipRandom, 'stream', 2) * 1e3).toFixed(1)} ms`);
  log(`cell d=${d} n=${n}, flip + random, exact:     ${(cellTime(flipRandom, 'exact', 10) * 1e3).toFixed(1)} ms`);
  log(`cell d=${d} n=${n}, flip + random, projected: ${(cellTime(flipRandom, 'projected', 10) * 1e3).toFixed(1)} ms`);
  log(`cell d=${d} n=${n}, linear + linear, stream:    ${(cellTime(linLin, 'stream', 2) * 1e3).toFixed(1)} ms`);
  log(`cell d=${d} n=${n}, linear + linear, projected: ${(cellTime(linLin, 'projected', 10) * 1e3).toFixed(1)} ms`);

  // 19 generator error rates × 4 verifiers, fresh samples per cell, one core.
  const verifiers: CellConfig['verifier'][] = [{ kind: 'oracle' }, { kind: 'random', r: 0.5 }, { kind: 'rates', phi: 0.8, psi: 0.4 }, { kind: 'linear', b }];
  const t0 = performance.now();
  let cells = 0;
  for (let i = 1; i <= 19; i++) {
    for (const verifier of verifiers) {
      const cell: CellConfig = { mu, n, generator: { kind: 'flip', p: i / 20 }, verifier };
      exactAccuracy(ridge(simulateCell(cell, createRng(1000 * i + cells)), 1e-3), mu);
      cells++;
    }
  }
  log(`19 × 4 grid (auto method, one core): ${((performance.now() - t0) / 1000).toFixed(2)} s for ${cells} cells`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runBenchmark();
