/**
 * Runs Google's rouge-score 0.1.2 (libs/xlsum/python/rouge_reference.py in the `.venv-rouge` that
 * scripts/python-venv.js installs) on the same inputs as veriflow's ROUGE, for the parity tests and
 * bench/rouge.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RougeType } from '../scorer.js';
import type { TextPair } from './varied-pairs.js';

interface VenvScript {
  VENVS: Record<string, unknown>;
  venvAvailability(spec: unknown, options?: { quiet?: boolean }): { bin: string; skip?: undefined } | { bin?: undefined; skip: string };
}

function repoRoot(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'python-venv.js'))) return dir;
  }
  throw new Error(`scripts/python-venv.js not found above ${import.meta.dirname}`);
}

/**
 * The python of `.venv-rouge` (installed if needed), or why the parity tests skip. Under
 * VERIFLOW_REQUIRE_ROUGE=1 (CI) a failed install throws, so the test file fails instead of skipping.
 */
export async function rougeReferencePython(): Promise<{ python: string; skip?: undefined } | { python?: undefined; skip: string }> {
  const script = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'python-venv.js')).href)) as VenvScript;
  const availability = script.venvAvailability(script.VENVS.rouge, { quiet: false });
  return availability.skip === undefined ? { python: availability.bin } : { skip: availability.skip };
}

/** Scores as [precision, recall, fmeasure] per type, in input order. */
export type ReferenceScores = Record<RougeType, [number, number, number]>;

function callReference(python: string, request: object): unknown {
  const program = join(repoRoot(), 'libs', 'xlsum', 'python', 'rouge_reference.py');
  const result = spawnSync(python, [program], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error || result.status !== 0) throw new Error(`${program} failed: ${result.error?.message ?? result.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(result.stdout);
}

/** rouge-score's scores of every pair; with `repeat`, the seconds of each scoring pass too. */
export function referenceScores(python: string, pairs: readonly TextPair[], stem: boolean, repeat = 1): { scores: ReferenceScores[]; seconds: number[] } {
  return callReference(python, { pairs, stem, repeat }) as { scores: ReferenceScores[]; seconds: number[] };
}

/** nltk's Porter stems of `words`, from the stemmer rouge-score builds. */
export function referenceStems(python: string, words: readonly string[]): string[] {
  return (callReference(python, { words }) as { stems: string[] }).stems;
}
