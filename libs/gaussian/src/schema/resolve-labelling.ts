import { dot } from '@veriflow/ml';
import { orthogonalUnit, unitAtAngle } from '../math/index.js';
import type { Generator, Verifier } from '../math/index.js';
import { readModel } from '../artifacts/model-file.js';
import type { GeneratorFile } from '../artifacts/synthesized-file.js';
import type { GeneratorInput, VerifierInput } from './labelling-schemas.js';

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(what);
  return value;
}

/**
 * Generator and pruner directions live in one plane (μ and a fixed unit vector orthogonal to it), so
 * "angle to μ" and "same or opposite side" fully determine the geometry the theory talks about.
 */
export function planePerpendicular(mu: Float64Array): Float64Array {
  return orthogonalUnit(mu);
}

export async function resolveGenerator(input: GeneratorInput, mu: Float64Array): Promise<GeneratorFile> {
  if (input.kind === 'flip') return { kind: 'flip', p: need(input.p, 'generator kind flip needs p, its error rate (e.g. p: 0.3)') };
  if (input.model !== undefined) return { kind: 'linear', a: (await readModel(input.model)).w };
  const angle = need(input.angle_deg, 'generator kind linear needs angle_deg (its angle to μ) or model (a gaussian/train output)');
  return { kind: 'linear', a: Array.from(unitAtAngle(mu, radians(angle), planePerpendicular(mu))), angle_deg: angle };
}

export function generatorOf(file: GeneratorFile): Generator {
  return file.kind === 'flip' ? { kind: 'flip', p: file.p } : { kind: 'linear', a: Float64Array.from(file.a) };
}

/** k of a top-k verifier for n synthesized pairs: k itself, or round(fraction·n). */
export function topKBudget(input: VerifierInput, n: number): number {
  if ((input.k === undefined) === (input.fraction === undefined)) throw new Error('verifier kind top-k needs k (pairs to keep) or fraction (share of n), exactly one of them');
  const k = input.k ?? Math.round(input.fraction! * n);
  if (k > n) throw new Error(`verifier kind top-k: k = ${k} exceeds the ${n} synthesized pairs`);
  return k;
}

/** The pruner direction b at angle_deg to μ, on the side of μ that `side` names relative to the generator. */
function directionAtAngle(input: VerifierInput, mu: Float64Array, generator: GeneratorFile): Float64Array {
  const angle = radians(need(input.angle_deg, `verifier kind ${input.kind} needs angle_deg, the angle of the pruner direction to μ${input.kind === 'top-k' ? ', or model' : ''}`));
  const perp = planePerpendicular(mu);
  // The generator's side of μ in the plane: the sign of its component along e⊥ (a trained model's a
  // can have either sign; an angle_deg generator is on the positive side). A flip generator, or one
  // along ±μ (up to rounding), has no side: "same" is then the positive one.
  const along = generator.kind === 'linear' ? dot(generator.a, perp) : 0;
  const generatorSide = generator.kind === 'linear' && along < -1e-12 * Math.sqrt(dot(generator.a, generator.a)) ? -1 : 1;
  const sign = (input.side ?? 'same') === 'same' ? generatorSide : -generatorSide;
  return unitAtAngle(mu, sign * angle, perp);
}

/**
 * The verifier as the simulation takes it; `generator` decides which side "same" means for linear
 * pruners, and `n` (the synthesized pairs) turns a top-k fraction into k.
 */
export async function resolveVerifier(input: VerifierInput, mu: Float64Array, generator: GeneratorFile, n?: number): Promise<Verifier> {
  switch (input.kind) {
    case 'oracle':
      return { kind: 'oracle' };
    case 'random':
      return { kind: 'random', r: need(input.keep, 'verifier kind random needs keep, the keep rate (e.g. keep: 0.5)') };
    case 'rates':
      return {
        kind: 'rates',
        phi: need(input.phi, 'verifier kind rates needs phi = P(keep | correct)'),
        psi: need(input.psi, 'verifier kind rates needs psi = P(keep | wrong)'),
      };
    case 'linear':
      return { kind: 'linear', b: directionAtAngle(input, mu, generator), margin: input.margin ?? 0 };
    case 'top-k': {
      if (n === undefined) throw new Error('verifier kind top-k needs the number of synthesized pairs');
      const k = topKBudget(input, n);
      const b = input.model !== undefined ? Float64Array.from((await readModel(input.model)).w) : directionAtAngle(input, mu, generator);
      return { kind: 'top-k', b, k };
    }
    case 'model': {
      const model = await readModel(need(input.model, 'verifier kind model needs model, the model output of gaussian/train'));
      return { kind: 'model', w: Float64Array.from(model.w), margin: input.margin ?? 0 };
    }
  }
}

/** A short label for tables and plots: the given name, else the kind and its parameters. */
export function verifierLabel(input: VerifierInput): string {
  if (input.name) return input.name;
  switch (input.kind) {
    case 'random':
      return `random(${input.keep})`;
    case 'rates':
      return `rates(${input.phi},${input.psi})`;
    case 'linear':
      return `linear(${input.angle_deg}°)`;
    case 'top-k':
      return `top-${input.k ?? `${input.fraction}n`}(${input.model !== undefined ? 'model' : `${input.angle_deg}°`})`;
    default:
      return input.kind;
  }
}
