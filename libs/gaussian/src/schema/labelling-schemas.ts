/**
 * JSON Schemas shared by several gaussian steps. Kinds are checked against the fields they need at run
 * time (see resolve-*.ts), because per-kind `if/then` schemas give editors and error messages little.
 */
export const generatorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description: 'flip: flips the true label with probability p, independently of x. linear: y\' = sign(aᵀx), with a at angle_deg to μ or a trained model.',
  properties: {
    kind: { enum: ['flip', 'linear'] },
    p: { type: 'number', minimum: 0, maximum: 1, description: 'flip: the error rate.' },
    angle_deg: { type: 'number', minimum: 0, maximum: 180, description: 'linear: angle between a and μ, in degrees.' },
    model: { type: 'string', description: 'linear: the model output of gaussian/train (e.g. trained on a small real set).' },
  },
} as const;

export const verifierSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description:
    'oracle, random (keep), rates (phi, psi), linear (angle_deg, side, margin), model (model, margin), or top-k (k or fraction; angle_deg and side, or model): keep exactly the k pairs with the largest agreement score y\'·bᵀx/‖b‖.',
  properties: {
    kind: { enum: ['oracle', 'random', 'rates', 'linear', 'model', 'top-k'] },
    name: { type: 'string', description: 'A label for tables and plots.' },
    keep: { type: 'number', minimum: 0, maximum: 1, description: 'random: the keep rate.' },
    phi: { type: 'number', minimum: 0, maximum: 1, description: 'rates: P(keep | label correct).' },
    psi: { type: 'number', minimum: 0, maximum: 1, description: 'rates: P(keep | label wrong).' },
    angle_deg: { type: 'number', minimum: 0, maximum: 180, description: 'linear, top-k: angle between the pruner direction b and μ, in degrees.' },
    side: { enum: ['same', 'opposite'], description: 'linear, top-k: b on the same side of μ as a linear generator, or the other (default same).' },
    margin: { type: 'number', minimum: 0, description: 'linear/model: also require |bᵀx|/‖b‖ ≥ margin.' },
    model: { type: 'string', description: 'model: the model output of gaussian/train used as verifier; top-k: score with its weights w instead of a direction at angle_deg.' },
    k: { type: 'integer', minimum: 0, description: 'top-k: keep exactly this many pairs (at most n); ties at the threshold go to earlier rows.' },
    fraction: { type: 'number', minimum: 0, maximum: 1, description: 'top-k: keep round(fraction·n) pairs instead of a fixed k.' },
  },
} as const;

export interface GeneratorInput {
  readonly kind: 'flip' | 'linear';
  readonly p?: number;
  readonly angle_deg?: number;
  readonly model?: string;
}

export interface VerifierInput {
  readonly kind: 'oracle' | 'random' | 'rates' | 'linear' | 'model' | 'top-k';
  readonly name?: string;
  readonly keep?: number;
  readonly phi?: number;
  readonly psi?: number;
  readonly angle_deg?: number;
  readonly side?: 'same' | 'opposite';
  readonly margin?: number;
  readonly model?: string;
  readonly k?: number;
  readonly fraction?: number;
}
