/**
 * Normal distribution functions used by the closed-form theory and by the tests that check
 * simulations against it. Accuracy matters more than speed here: the theory predicts accuracies
 * such as Φ(‖μ‖) that simulations are compared with at the 1e-3 level, and breakdown points that
 * are ratios of bivariate probabilities in the tails.
 */

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
// as coded in SPECFUN CALERF (Netlib, 1990). Relative error below ~6e-19 in each interval before
// rounding, so the result is correct to a few ulps. Coefficients are written as their nearest doubles.
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERF_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERF_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERF_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378, 0.016315387137302097,
];
const ERF_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const SQRT_PI_INV = 0.5641895835477563;
const SQRT_2 = Math.SQRT2;
const SQRT_2PI = 2.5066282746310002;

/** exp(−y²) without the cancellation of computing y² first (Cody's split at 1/16). */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** erfc for y ≥ 0.46875 (Cody intervals 2 and 3). */
function erfcPositive(y: number): number {
  if (y >= 26.55) return 0; // underflows in double precision
  let result: number;
  if (y <= 4) {
    let num = (ERF_C[8] as number) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (ERF_C[i] as number)) * y;
      den = (den + (ERF_D[i] as number)) * y;
    }
    result = (num + (ERF_C[7] as number)) / (den + (ERF_D[7] as number));
  } else {
    const z = 1 / (y * y);
    let num = (ERF_P[5] as number) * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + (ERF_P[i] as number)) * z;
      den = (den + (ERF_Q[i] as number)) * z;
    }
    result = (z * (num + (ERF_P[4] as number))) / (den + (ERF_Q[4] as number));
    result = (SQRT_PI_INV - result) / y;
  }
  return expMinusSquare(y) * result;
}

/** erf(x) for |x| ≤ 0.46875 (Cody interval 1). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = (ERF_A[4] as number) * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + (ERF_A[i] as number)) * z;
    den = (den + (ERF_B[i] as number)) * z;
  }
  return (x * (num + (ERF_A[3] as number))) / (den + (ERF_B[3] as number));
}

export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 0.5 - erfcPositive(y) + 0.5;
  return x < 0 ? -r : r;
}

/** Complementary error function, with full relative accuracy in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Φ(x), accurate to ~1e-15 absolute and ~1e-13 relative in the left tail (the only loss is the
 * rounding of x/√2, amplified by the tail's slope).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / SQRT_2);
}

// P. J. Acklam's rational approximation of Φ⁻¹ (relative error < 1.15e-9), refined below.
const AQ_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const AQ_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const AQ_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const AQ_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function acklamLower(p: number): number {
  // p ∈ (0, 0.5]
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    const c = AQ_C as [number, number, number, number, number, number];
    const d = AQ_D as [number, number, number, number];
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  const a = AQ_A as [number, number, number, number, number, number];
  const b = AQ_B as [number, number, number, number, number];
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Φ⁻¹(p): Acklam's approximation followed by one Halley step on Φ(x) − p (cubic convergence, so the
 * result is limited only by Φ's own accuracy, ~1e-15 relative). Works on the lower half and
 * reflects, because 1 − p is exact for p ∈ [0.5, 1] while Φ(x) near 1 loses the tail digits.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLower(p);
  const pdf = normalPdf(x);
  if (pdf > 0) {
    const u = (normalCdf(x) - p) / pdf;
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

// ---- Bivariate normal: Genz (2004), "Numerical computation of rectangular bivariate and
// trivariate normal and t probabilities", Statistics and Computing 14, the BVND algorithm (based on
// Drezner & Wesolowsky 1990). Absolute error ~1e-14 with the 6/12/20-point rules below (tested against quadrature).

/** Positive nodes and weights of the n-point Gauss–Legendre rule on [−1, 1] (n even), by Newton. */
function gaussLegendreHalf(n: number): { x: Float64Array; w: Float64Array } {
  const half = n / 2;
  const x = new Float64Array(half);
  const w = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

const GL6 = gaussLegendreHalf(6);
const GL12 = gaussLegendreHalf(12);
const GL20 = gaussLegendreHalf(20);

/** P(X > h, Y > k) for standard bivariate normal with correlation r (Genz's BVNU). */
function bvnUpper(h: number, k: number, r: number): number {
  if (h === Infinity || k === Infinity) return 0;
  if (h === -Infinity) return k === -Infinity ? 1 : normalCdf(-k);
  if (k === -Infinity) return normalCdf(-h);
  const ar = Math.abs(r);
  const { x, w } = ar < 0.3 ? GL6 : ar < 0.75 ? GL12 : GL20;
  const lg = x.length;
  let hk = h * k;
  let bvn = 0;
  if (ar < 0.925) {
    // Plackett's identity: d/dr Φ₂ = φ₂, integrated in θ = asin(r) (smooth for |r| < 0.925).
    if (ar > 0) {
      const hs = (h * h + k * k) / 2;
      const asr = Math.asin(r);
      for (let i = 0; i < lg; i++) {
        const xi = x[i] as number;
        const wi = w[i] as number;
        let sn = Math.sin((asr * (1 - xi)) / 2);
        bvn += wi * Math.exp((sn * hk - hs) / (1 - sn * sn));
        sn = Math.sin((asr * (1 + xi)) / 2);
        bvn += wi * Math.exp((sn * hk - hs) / (1 - sn * sn));
      }
      bvn = (bvn * asr) / (4 * Math.PI);
    }
    return bvn + normalCdf(-h) * normalCdf(-k);
  }
  // |r| ≥ 0.925: expand around r = ±1 (Drezner–Wesolowsky), integrating the remainder numerically.
  const twopi = 2 * Math.PI;
  if (r < 0) {
    k = -k;
    hk = -hk;
  }
  if (ar < 1) {
    const as = (1 - r) * (1 + r);
    let a = Math.sqrt(as);
    const bs = (h - k) * (h - k);
    const c = (4 - hk) / 8;
    const d = (12 - hk) / 16;
    let asr = -(bs / as + hk) / 2;
    if (asr > -100) bvn = a * Math.exp(asr) * (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
    if (hk > -100) {
      const b = Math.sqrt(bs);
      const sp = Math.sqrt(twopi) * normalCdf(-b / a);
      bvn -= Math.exp(-hk / 2) * sp * b * (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
    }
    a /= 2;
    for (let i = 0; i < lg; i++) {
      for (let s = -1; s <= 1; s += 2) {
        const t = a + a * s * (x[i] as number);
        const xs = t * t;
        const rs = Math.sqrt(1 - xs);
        asr = -(bs / xs + hk) / 2;
        if (asr > -100) {
          const sp = 1 + c * xs * (1 + d * xs);
          const ep = Math.exp((-hk * xs) / (2 * (1 + rs) * (1 + rs))) / rs;
          bvn += a * (w[i] as number) * Math.exp(asr) * (ep - sp);
        }
      }
    }
    bvn = -bvn / twopi;
  }
  if (r > 0) bvn += normalCdf(-Math.max(h, k));
  else bvn = -bvn + Math.max(0, normalCdf(-h) - normalCdf(-k));
  return bvn;
}

/**
 * Φ₂(h, k; ρ) = P(X ≤ h, Y ≤ k) for a standard bivariate normal with correlation ρ ∈ [−1, 1].
 * Absolute accuracy ~1e-14 (Genz 2004; checked against quadrature); clamped to [0, 1].
 */
export function bivariateNormalCdf(h: number, k: number, rho: number): number {
  if (Number.isNaN(h) || Number.isNaN(k) || Number.isNaN(rho)) return NaN;
  if (rho < -1 || rho > 1) throw new RangeError(`bivariateNormalCdf: correlation ${rho} outside [-1, 1]`);
  const p = bvnUpper(-h, -k, rho);
  return Math.min(1, Math.max(0, p));
}
