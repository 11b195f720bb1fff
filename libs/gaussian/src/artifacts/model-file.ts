import { readJsonArtifact } from './json-artifact.js';

export const MODEL_FORMAT = 'veriflow.gaussian.linear-model/1';

/** A homogeneous linear classifier sign(wᵀx). */
export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly estimator: 'mean' | 'ridge' | 'logistic';
  readonly lambda: number;
  readonly w: number[];
  readonly trained_on: number;
  readonly iterations?: number;
  readonly converged?: boolean;
}

export function readModel(path: string): Promise<ModelFile> {
  return readJsonArtifact<ModelFile>(path, MODEL_FORMAT, 'model');
}
