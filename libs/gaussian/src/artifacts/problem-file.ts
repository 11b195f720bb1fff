import { readJsonArtifact } from './json-artifact.js';

export const PROBLEM_FORMAT = 'veriflow.gaussian.problem/1';

/** The real-data distribution: y uniform in ±1, x | y ~ N(y·μ, I_d). Small enough to keep as JSON. */
export interface ProblemFile {
  readonly format: typeof PROBLEM_FORMAT;
  readonly dim: number;
  readonly mu: number[];
  readonly mu_norm: number;
  readonly bayes_accuracy: number;
  readonly direction: 'random' | 'e1';
}

export function readProblem(path: string): Promise<ProblemFile> {
  return readJsonArtifact<ProblemFile>(path, PROBLEM_FORMAT, 'problem');
}
