import { readJsonArtifact } from './json-artifact.js';
import type { ProblemFile } from './problem-file.js';

export const SYNTHESIZED_FORMAT = 'veriflow.gaussian.synthesized/1';

/** How the generator labels: flip (error rate p, independent of x) or linear (y' = sign(aᵀx)). */
export type GeneratorFile = { readonly kind: 'flip'; readonly p: number } | { readonly kind: 'linear'; readonly a: number[]; readonly angle_deg?: number };

/**
 * A synthesized dataset as its exact recipe: the distribution, the generator, n and the seed. Rows are
 * drawn when a verifier reads them (or their sufficient statistics are drawn exactly), so a grid of
 * cells never keeps gigabytes of samples alive and every cell still gets fresh samples.
 */
export interface SynthesizedFile {
  readonly format: typeof SYNTHESIZED_FORMAT;
  readonly problem: ProblemFile;
  readonly n: number;
  readonly generator: GeneratorFile;
  /** Expected error rate of the generator on fresh inputs (exact for both kinds). */
  readonly generator_error: number;
  readonly seed: number;
}

export function readSynthesized(path: string): Promise<SynthesizedFile> {
  return readJsonArtifact<SynthesizedFile>(path, SYNTHESIZED_FORMAT, 'synthesized data');
}
