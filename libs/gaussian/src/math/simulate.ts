/**
 * One entry point for simulating a cell, choosing the cheapest exact method:
 * - 'exact': flip generator + x-blind verifier, O(d³) independent of n (exact-statistics.ts);
 * - 'projected': anything depending on x through ≤ 3 fixed directions, O(n·k + d³) (projected-statistics.ts);
 * - 'stream': every row generated, O(n·d²) (stream.ts), the reference the others are tested against.
 * All three return draws from the same distribution; for a given seed the draws differ.
 * All three handle a covariance Σ exactly by whitening (covariance.ts). The halfspace variant
 * (y = sign(w*ᵀx)) is served exactly by 'projected' and 'stream'; 'auto' picks 'projected' for it.
 */
import type { Rng } from '@veriflow/step-api';
import { exactStatistics, supportsExactStatistics } from './exact-statistics.js';
import { projectedStatistics } from './projected-statistics.js';
import { streamStatistics } from './stream.js';
import type { StreamOptions } from './stream.js';
import type { CellConfig, KeptStatistics } from './types.js';

export type SimulationMethod = 'auto' | 'exact' | 'projected' | 'stream';

export function simulationMethodFor(cell: CellConfig, method: SimulationMethod = 'auto'): Exclude<SimulationMethod, 'auto'> {
  if (method !== 'auto') return method;
  return supportsExactStatistics(cell) ? 'exact' : 'projected';
}

export function simulateCell(cell: CellConfig, rng: Rng, method: SimulationMethod = 'auto', options: StreamOptions = {}): KeptStatistics {
  switch (simulationMethodFor(cell, method)) {
    case 'exact':
      return exactStatistics(cell, rng);
    case 'projected':
      return projectedStatistics(cell, rng, options);
    case 'stream':
      return streamStatistics(cell, rng, options);
  }
}
