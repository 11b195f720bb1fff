/**
 * Whether a run reproduced the paper's claims about verifiers (paper notes §3): the verifier's quality
 * p* = φ/(φ+ψ) orders the models trained on its selection, no verification ends at or below the
 * generator, and an oracle passes it. Pure: the `core/verifier-checks` step reads the rows from the
 * instances of a run and reports what these functions return.
 *
 * Null, never NaN: an undefined correlation is null, and a check that was not evaluated has `held: null`.
 */
import { formatValue } from '../plot/format.js';

/** One verifier's final result: its label, measured p*, the trained model's metric and, when sizes are compared, its size. */
export interface VerifierRow {
  readonly verifier: string;
  readonly p_star: number | null;
  readonly metric: number | null;
  readonly size?: number;
}

export interface PaperCheck {
  readonly name: string;
  /** null: not evaluated (its detail says why). */
  readonly held: boolean | null;
  /** What was compared, with the numbers. */
  readonly detail: string;
}

export interface PaperCheckOptions {
  /** The metric's name, for details (e.g. `accuracy`). */
  readonly metricName: string;
  /** The generator's value of the metric; without it the generator checks are not evaluated. */
  readonly generator?: number;
  /** Label of the run without verification. */
  readonly unverified?: string;
  /** Label of the oracle. */
  readonly oracle?: string;
  /** Slack of "unverified ends at or below the generator". */
  readonly margin: number;
  readonly minSpearman: number;
  readonly minVerifiers: number;
}

export interface PaperCheckReport {
  readonly checks: PaperCheck[];
  /** Spearman's ρ between p* and the metric over the verifiers that have both; null when undefined. */
  readonly spearman: number | null;
  /** True only when every check held: a check that was not evaluated did not hold. */
  readonly allHeld: boolean;
}

export const CHECK_UNVERIFIED = 'unverified ends at or below the generator';
export const CHECK_ORACLE = 'oracle beats the generator';
export const CHECK_SPEARMAN = 'higher p* trains better models';

/** 1-based ranks; tied values share the mean of the ranks they span ([10, 20, 10] → [1.5, 3, 1.5]). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]!.value === order[start]!.value) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!.index] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks, so ties are handled exactly.
 * Null when it is undefined: fewer than two pairs, or either side constant.
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} x values but ${y.length} y values`);
  [x, y].forEach((values, side) => {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`spearman: ${side === 0 ? 'x' : 'y'}[${bad}] is ${values[bad]}; values must be finite numbers`);
  });
  if (x.length < 2) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const mean = (x.length + 1) / 2; // the mean of any average ranks of n values
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    const dx = rx[i]! - mean;
    const dy = ry[i]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Rounding can leave |ρ| a hair above 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function byPStar(a: VerifierRow, b: VerifierRow): number {
  if (a.p_star !== b.p_star) {
    if (a.p_star === null) return 1;
    if (b.p_star === null) return -1;
    return a.p_star - b.p_star;
  }
  return a.verifier < b.verifier ? -1 : a.verifier > b.verifier ? 1 : 0;
}

/**
 * The row each verifier is judged by, sorted by p* (nulls last). With `bySize`, only the rows at the
 * largest size of each verifier count (every row must then have a size). Either way each verifier must
 * be left with one row: several (e.g. seeds) are an error naming them, as this step compares single runs.
 */
export function finalRows(rows: readonly VerifierRow[], bySize: boolean): VerifierRow[] {
  const largest = new Map<string, number>();
  if (bySize) {
    for (const row of rows) {
      if (row.size === undefined || !Number.isFinite(row.size)) throw new RangeError(`the row of verifier "${row.verifier}" has no size`);
      largest.set(row.verifier, Math.max(largest.get(row.verifier) ?? -Infinity, row.size));
    }
  }
  const kept = bySize ? rows.filter((row) => row.size === largest.get(row.verifier)) : [...rows];
  const counts = new Map<string, number>();
  for (const row of kept) counts.set(row.verifier, (counts.get(row.verifier) ?? 0) + 1);
  const duplicated = [...counts].filter(([, count]) => count > 1);
  if (duplicated.length > 0) {
    const list = duplicated
      .map(([verifier, count]) => `"${verifier}" (${count} rows${bySize ? ` at size ${largest.get(verifier)}` : ''})`)
      .join(', ');
    throw new Error(
      `each verifier must appear once${bySize ? ' at its largest size' : ''}, but ${list} ${duplicated.length === 1 ? 'does' : 'do'} not; ` +
        (bySize
          ? 'this step compares single runs: give it one instance per verifier and size (e.g. a single seed)'
          : 'set `size` to the field holding the synthesized data size to judge each verifier by its largest size, or pass one instance per verifier'),
    );
  }
  return kept.sort(byPStar);
}

const show = (value: number): string => formatValue(value, 6);

function generatorCheck(name: string, row: VerifierRow, options: PaperCheckOptions, role: 'unverified' | 'oracle'): PaperCheck {
  const subject = `${options.metricName} of "${row.verifier}"`;
  if (options.generator === undefined) {
    return { name, held: null, detail: `not evaluated: no \`generator\` given (the generator's ${options.metricName}); ${subject} = ${row.metric === null ? 'null' : show(row.metric)}` };
  }
  const generator = show(options.generator);
  if (row.metric === null) return { name, held: false, detail: `${subject} is null (not measured); generator ${generator}` };
  const value = show(row.metric);
  if (role === 'oracle') {
    const held = row.metric > options.generator;
    return { name, held, detail: `${subject} = ${value} ${held ? '>' : '≤'} generator ${generator}` };
  }
  const bound = options.generator + options.margin;
  const held = row.metric <= bound;
  const limit = options.margin === 0 ? `generator ${generator}` : `generator ${generator} + margin ${show(options.margin)} = ${show(bound)}`;
  return { name, held, detail: `${subject} = ${value} ${held ? '≤' : '>'} ${limit}` };
}

function spearmanCheck(rows: readonly VerifierRow[], options: PaperCheckOptions): { check: PaperCheck; rho: number | null } {
  const { metricName, minSpearman, minVerifiers } = options;
  const used = rows.filter((r): r is VerifierRow & { p_star: number; metric: number } => r.p_star !== null && r.metric !== null);
  const rho = spearman(
    used.map((r) => r.p_star),
    used.map((r) => r.metric),
  );
  const leftOut = [
    ['without p*', rows.filter((r) => r.p_star === null)],
    [`without ${metricName}`, rows.filter((r) => r.p_star !== null && r.metric === null)],
  ] as const;
  const notes = leftOut.filter(([, list]) => list.length > 0).map(([why, list]) => `left out ${why}: ${list.map((r) => `"${r.verifier}"`).join(', ')}`);
  const suffix = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  const over = `over ${used.length} verifier${used.length === 1 ? '' : 's'}`;
  const measured = rho === null ? `ρ(p*, ${metricName}) is undefined` : `ρ(p*, ${metricName}) = ${show(rho)}`;
  let check: PaperCheck;
  if (used.length < minVerifiers) {
    check = { name: CHECK_SPEARMAN, held: false, detail: `only ${used.length} verifier${used.length === 1 ? ' has' : 's have'} both p* and ${metricName}; needs at least ${minVerifiers} (${measured})${suffix}` };
  } else if (rho === null) {
    const constant = new Set(used.map((r) => r.p_star)).size === 1 ? 'p*' : metricName;
    check = { name: CHECK_SPEARMAN, held: false, detail: `${measured}: every verifier has the same ${constant} ${over}${suffix}` };
  } else {
    const held = rho >= minSpearman;
    check = { name: CHECK_SPEARMAN, held, detail: `${measured} ${over} ${held ? '≥' : '<'} ${show(minSpearman)}${suffix}` };
  }
  return { check, rho };
}

function checkOptions(options: PaperCheckOptions): void {
  if (options.generator !== undefined && !Number.isFinite(options.generator)) throw new RangeError(`generator is ${options.generator}; it must be a finite number`);
  if (!(options.margin >= 0 && Number.isFinite(options.margin))) throw new RangeError(`margin is ${options.margin}; it must be a finite number ≥ 0`);
  if (!(options.minSpearman >= -1 && options.minSpearman <= 1)) throw new RangeError(`min_spearman is ${options.minSpearman}; it must lie in [-1, 1]`);
  if (!Number.isSafeInteger(options.minVerifiers) || options.minVerifiers < 2) throw new RangeError(`min_verifiers is ${options.minVerifiers}; it must be an integer ≥ 2`);
}

/**
 * The paper's checks on the final rows (see `finalRows`): "unverified ends at or below the generator"
 * when `unverified` is given, "oracle beats the generator" when `oracle` is given (both not evaluated,
 * `held: null`, without `generator`), and always "higher p* trains better models". A label that
 * matches no row makes its check not hold, listing the labels present.
 */
export function paperChecks(rows: readonly VerifierRow[], options: PaperCheckOptions): PaperCheckReport {
  checkOptions(options);
  const checks: PaperCheck[] = [];
  for (const [role, name] of [['unverified', CHECK_UNVERIFIED], ['oracle', CHECK_ORACLE]] as const) {
    const label = options[role];
    if (label === undefined) continue;
    const row = rows.find((r) => r.verifier === label);
    // No row is not an error: with continue-on-error upstream a verifier whose student failed (e.g. it kept
    // nothing) has none. The check then does not hold, listing the verifiers present (a misspelt label shows).
    if (row) checks.push(generatorCheck(name, row, options, role));
    else checks.push({ name, held: false, detail: `no evaluated instance of ${role} "${label}" (did its run fail?); the verifiers present are ${rows.map((r) => `"${r.verifier}"`).join(', ') || '(none)'}` });
  }
  const { check, rho } = spearmanCheck(rows, options);
  checks.push(check);
  return { checks, spearman: rho, allHeld: checks.every((c) => c.held === true) };
}
