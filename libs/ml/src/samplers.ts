/**
 * Exact samplers for the distributions that let simulations draw sufficient statistics instead of
 * rows: binomial counts, chi-square / gamma variates and Wishart matrices. "Exact" means the
 * algorithms are rejection methods whose output has the target law up to floating-point rounding,
 * with no normal or Poisson approximations, at O(1) expected cost for any n.
 */
import type { Rng } from '@veriflow/step-api';
import { NormalSource, Xoshiro128 } from './normal-fill.js';

/** One seeded stream of uniforms and normals (the normals share the uniform generator's bits). */
export class RandomStream {
  readonly bits: Xoshiro128;
  readonly normals: NormalSource;

  constructor(bits: Xoshiro128) {
    this.bits = bits;
    this.normals = new NormalSource(bits);
  }

  static fromRng(rng: Rng): RandomStream {
    return new RandomStream(Xoshiro128.fromRng(rng));
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    return this.bits.uniform();
  }

  /** Uniform in (0, 1). */
  uniformPositive(): number {
    return this.bits.uniformPositive();
  }

  normal(): number {
    return this.normals.next();
  }

  fillNormal(out: Float64Array | Float32Array, offset = 0, length = out.length - offset): void {
    this.normals.fill(out, offset, length);
  }
}

// ln k! − [(k + ½) ln(k + 1) − (k + 1) + ½ ln 2π]: the Stirling remainder used by BTRS.
const STIRLING_TAIL_SMALL = (() => {
  const out = new Float64Array(10);
  let logFact = 0;
  for (let k = 0; k < 10; k++) {
    if (k > 0) logFact += Math.log(k);
    out[k] = logFact - (k + 0.5) * Math.log(k + 1) + (k + 1) - 0.5 * Math.log(2 * Math.PI);
  }
  return out;
})();

function stirlingTail(k: number): number {
  if (k < 10) return STIRLING_TAIL_SMALL[k] as number;
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/** Waiting-time inversion: count geometric gaps until they exceed n. Expected cost n·p + 1. */
function binomialInversion(s: RandomStream, n: number, p: number): number {
  const logQ = Math.log1p(-p);
  let sum = 0;
  let count = 0;
  for (;;) {
    sum += Math.ceil(Math.log(s.uniformPositive()) / logQ);
    if (sum > n) return count;
    count++;
  }
}

/**
 * BTRS, Hörmann (1993) "The generation of binomial random variates", J. Stat. Comput. Simul. 46:
 * transformed rejection with squeeze, for p ≤ ½ and n·p ≥ 10. Acceptance ~80% for large n·p.
 */
function binomialBtrs(s: RandomStream, n: number, p: number): number {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const r = p / (1 - p);
  const alpha = (2.83 + 5.1 / b) * spq;
  const m = Math.floor((n + 1) * p);
  const hm = (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) + stirlingTail(m) + stirlingTail(n - m);
  for (;;) {
    const u = s.uniform() - 0.5;
    let v = s.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    const bound =
      hm +
      (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
      (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) -
      stirlingTail(k) -
      stirlingTail(n - k);
    if (v <= bound) return k;
  }
}

/** Binomial(n, p) for integer n ≥ 0 (n up to 2⁵³) and p ∈ [0, 1]. */
export function binomial(s: RandomStream, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial: n = ${n} is not a non-negative integer`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p = ${p} outside [0, 1]`);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomial(s, n, 1 - p);
  return n * p < 10 ? binomialInversion(s, n, p) : binomialBtrs(s, n, p);
}

/**
 * Gamma(shape, 1): Marsaglia & Tsang (2000) for shape ≥ 1; for shape < 1 the boost
 * Gamma(a) = Gamma(a + 1)·U^{1/a}.
 */
export function gamma(s: RandomStream, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma: shape ${shape} must be positive`);
  if (shape < 1) return gamma(s, shape + 1) * Math.pow(s.uniformPositive(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = s.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = s.uniformPositive();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** χ²(k) = 2·Gamma(k/2), any real k > 0. */
export function chiSquare(s: RandomStream, k: number): number {
  if (k === 1) {
    const z = s.normal();
    return z * z;
  }
  return 2 * gamma(s, k / 2);
}

/**
 * W ~ Wishart(ν, I_d) via the Bartlett decomposition, written into `out` (d×d, full symmetric,
 * overwritten). W = L Lᵀ with L d×c lower trapezoidal, c = min(ν, d): L_jj² ~ χ²(ν − j) and
 * L_ij ~ N(0, 1) for i > j (0-based). For ν < d (singular W) this is the R factor of the QR
 * decomposition of a ν×d Gaussian matrix H, so W = HᵀH in law; ν must then be an integer.
 * Cost: d·c normals and d·c²/2 − c³/3 multiply-adds, vs ν·d² for forming HᵀH from rows.
 */
export function wishartIdentity(s: RandomStream, nu: number, d: number, out?: Float64Array): Float64Array {
  const W = out ?? new Float64Array(d * d);
  if (W.length < d * d) throw new RangeError('wishartIdentity: output too small');
  if (nu < 0 || (nu < d && !Number.isInteger(nu))) throw new RangeError(`wishartIdentity: ν = ${nu} invalid for d = ${d}`);
  W.fill(0, 0, d * d);
  const c = Math.min(Math.floor(nu), d);
  if (c === 0) return W;
  const L = new Float64Array(d * c);
  s.fillNormal(L);
  for (let j = 0; j < c; j++) {
    L[j * c + j] = Math.sqrt(chiSquare(s, nu - j));
    for (let k = j + 1; k < c; k++) L[j * c + k] = 0;
  }
  for (let i = 0; i < d; i++) {
    const ri = i * c;
    const li = Math.min(i, c - 1) + 1; // nonzero length of row i
    for (let j = i; j < d; j++) {
      const rj = j * c;
      let acc = 0;
      for (let k = 0; k < li; k++) acc += (L[ri + k] as number) * (L[rj + k] as number);
      W[i * d + j] = acc;
      W[j * d + i] = acc;
    }
  }
  return W;
}
