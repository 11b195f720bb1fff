/**
 * The fast path for the paper's theorem regime — flip generator, verifier blind to x (oracle,
 * random, rates): draw the kept set's sufficient statistics from their exact joint law in
 * O(d³) time, independent of n. Not an approximation; the tests compare it with row streaming.
 *
 * Derivation. Counts: C ~ Bin(n, 1−p) labels are correct; K_c ~ Bin(C, φ) of them are kept and
 * K_w ~ Bin(n−C, ψ) of the wrong ones. m = K_c + K_w, δ = K_c − K_w. Flips and keep decisions
 * never look at x, so the kept rows are x_i = y_i μ + z_i with z_i iid N(0, I_d) independent of the
 * labels. Stack them: X = yμᵀ + Z (Z is m×d), y and y' the true and synthesized label vectors. Then
 *   XᵀX  = m μμᵀ + μ (Zᵀy)ᵀ + (Zᵀy) μᵀ + ZᵀZ        (yᵀy = m)
 *   Xᵀy' = δ μ + Zᵀy'                               (yᵀy' = K_c − K_w = δ)
 * Z's law is invariant under rotations of its rows, so (Zᵀy, Zᵀy', ZᵀZ) depends on (y, y') only
 * through their Gram matrix [[m, δ], [δ, m]]. Gram–Schmidt: q₁ = y/√m, and y' = (δ/√m) q₁ + c q₂ with
 * c = ‖y' − (δ/m) y‖ = √(m − δ²/m) = √(4 K_c K_w / m). Complete q₁, q₂ to an orthonormal basis Q of
 * ℝᵐ; ZᵀQ has iid N(0, 1) entries, so with g_j = Zᵀq_j iid N(0, I_d):
 *   Zᵀy = √m g₁,   Zᵀy' = (δ/√m) g₁ + c g₂,   ZᵀZ = g₁g₁ᵀ + g₂g₂ᵀ + W,   W ~ Wishart(m − 2, I_d)
 * with W independent of g₁, g₂ (it is the Gram of Z's components along the other m − 2 basis
 * vectors). When K_c = 0 or K_w = 0, y' = ±y: only q₁ exists, c = 0 and W ~ Wishart(m − 1, I_d).
 * m = 0 gives all-zero statistics; m = 1 falls in the parallel case with W = 0.
 * The labels' class balance (how many y = +1) never enters, so it is not drawn.
 * A covariance Σ is whitened first (covariance.ts); the halfspace variant is not covered (y depends on x).
 */
import type { Rng } from '@veriflow/step-api';
import { RandomStream, binomial, wishartIdentity } from '@veriflow/ml';
import { hasCovariance, unwhitenStatistics, whitenCell } from './covariance.js';
import { emptyStatistics, fixedRates, validateCell, verifierIgnoresX } from './types.js';
import type { CellConfig, KeptStatistics } from './types.js';

/** True when `exactStatistics` applies to the cell. */
export function supportsExactStatistics(cell: CellConfig): boolean {
  return cell.generator.kind === 'flip' && verifierIgnoresX(cell.verifier) && (cell.distribution ?? 'mixture') === 'mixture';
}

/** Exact draw of the kept set's statistics for a flip generator and an x-blind verifier. */
export function exactStatistics(cell: CellConfig, rng: Rng): KeptStatistics {
  validateCell(cell);
  if ((cell.distribution ?? 'mixture') !== 'mixture') throw new Error('exactStatistics needs the mixture: halfspace labels depend on x (use projected or stream)');
  if (hasCovariance(cell)) return unwhitenStatistics(cell.covariance, exactStatistics(whitenCell(cell), rng));
  const { generator, verifier, mu, n } = cell;
  if (generator.kind !== 'flip' || !verifierIgnoresX(verifier)) {
    throw new Error(`exactStatistics needs a flip generator and an oracle/random/rates verifier (got ${generator.kind}/${verifier.kind})`);
  }
  const { phi, psi } = fixedRates(verifier);
  const s = RandomStream.fromRng(rng.fork('exact-statistics'));
  const correct = binomial(s, n, 1 - generator.p);
  const keptCorrect = binomial(s, correct, phi);
  const keptWrong = binomial(s, n - correct, psi);
  const m = keptCorrect + keptWrong;
  const delta = keptCorrect - keptWrong;

  const d = mu.length;
  const stats = emptyStatistics(d, n);
  stats.correct = correct;
  stats.wrong = n - correct;
  stats.keptCorrect = keptCorrect;
  stats.keptWrong = keptWrong;
  stats.kept = m;
  if (m === 0) return stats;

  const parallel = keptCorrect === 0 || keptWrong === 0;
  const g1 = new Float64Array(d);
  const g2 = new Float64Array(d);
  s.fillNormal(g1);
  if (!parallel) s.fillNormal(g2);
  const xtx = wishartIdentity(s, m - (parallel ? 1 : 2), d, stats.xtx);

  const sqrtM = Math.sqrt(m);
  const c = parallel ? 0 : Math.sqrt((4 * keptCorrect * keptWrong) / m);
  const a1 = delta / sqrtM; // coefficient of g₁ in Zᵀy' (= ±√m in the parallel case)
  const zy = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const g1i = g1[i] as number;
    zy[i] = sqrtM * g1i;
    stats.xty[i] = a1 * g1i + c * (g2[i] as number) + delta * (mu[i] as number);
  }
  for (let i = 0; i < d; i++) {
    const g1i = g1[i] as number;
    const g2i = g2[i] as number;
    const mui = mu[i] as number;
    const zyi = zy[i] as number;
    // Upper triangle, mirrored, so the result is exactly symmetric.
    for (let j = i; j < d; j++) {
      const muj = mu[j] as number;
      const v =
        (xtx[i * d + j] as number) + g1i * (g1[j] as number) + g2i * (g2[j] as number) + m * mui * muj + mui * (zy[j] as number) + zyi * muj;
      xtx[i * d + j] = v;
      xtx[j * d + i] = v;
    }
  }
  return stats;
}
