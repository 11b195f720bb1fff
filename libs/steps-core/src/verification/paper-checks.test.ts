import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageRanks, CHECK_ORACLE, CHECK_SPEARMAN, CHECK_UNVERIFIED, finalRows, paperChecks, spearman } from './paper-checks.js';
import type { PaperCheckOptions, VerifierRow } from './paper-checks.js';

describe('averageRanks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    assert.deepEqual(averageRanks([10, 20, 10, 30, 20, 20]), [1.5, 4, 1.5, 6, 4, 4]);
    assert.deepEqual(averageRanks([3, 1, 2]), [3, 1, 2]);
    assert.deepEqual(averageRanks([]), []);
  });
});

describe('spearman', () => {
  it('matches hand-computed values without ties', () => {
    // d = [-1, 1, -1, 1, 0], Σd² = 4: ρ = 1 − 6·4 / (5·24) = 0.8.
    assert.equal(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.8);
    // Only the order matters.
    assert.equal(spearman([0.5, 0.6, 0.7, 0.8, 1], [0.1, 0.01, 10, 5, 99]), 0.8);
    assert.equal(spearman([1, 2, 3], [30, 20, 10]), -1);
    assert.equal(spearman([1, 2, 3], [1, 2, 3]), 1);
  });

  it('uses average ranks for ties (Pearson on the ranks)', () => {
    // y ranks [1, 2, 3.5, 5, 3.5]: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5, ρ = 8/√95.
    assert.equal(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 8 / Math.sqrt(95));
    assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])! - 0.8207826816681233) < 1e-15);
    // Ties on both sides: x ranks [1.5, 1.5, 3, 4], y ranks [1, 2.5, 2.5, 4], around 2.5:
    // dx = [-1, -1, 0.5, 1.5], dy = [-1.5, 0, 0, 1.5]: Σdxdy = 3.75, Σdx² = Σdy² = 4.5, ρ = 5/6.
    assert.ok(Math.abs(spearman([1, 1, 2, 3], [1, 2, 2, 3])! - 5 / 6) < 1e-15);
  });

  it('is null, never NaN, when undefined: a constant side or fewer than two pairs', () => {
    assert.equal(spearman([0.5, 0.5, 0.5], [0.1, 0.2, 0.3]), null);
    assert.equal(spearman([0.1, 0.2, 0.3], [0.7, 0.7, 0.7]), null);
    assert.equal(spearman([1], [2]), null);
    assert.equal(spearman([], []), null);
  });

  it('rejects unequal lengths and non-finite values', () => {
    assert.throws(() => spearman([1, 2], [1]), /2 x values but 1 y values/);
    assert.throws(() => spearman([1, Number.NaN], [1, 2]), /x\[1\] is NaN/);
    assert.throws(() => spearman([1, 2], [Infinity, 2]), /y\[0\] is Infinity/);
  });
});

const row = (verifier: string, p_star: number | null, metric: number | null, size?: number): VerifierRow =>
  size === undefined ? { verifier, p_star, metric } : { verifier, p_star, metric, size };

/** A run where the paper's claims hold: accuracy rises with p*, none ends below the generator (0.782), the oracle passes it. */
const good: VerifierRow[] = [
  row('oracle', 1, 0.92),
  row('none', 0.5, 0.78),
  row('pruner', 0.8, 0.88),
  row('close', 0.6, 0.79),
  row('noisy', 0.7, 0.85),
];

const options = (extra: Partial<PaperCheckOptions> = {}): PaperCheckOptions => ({
  metricName: 'accuracy',
  generator: 0.782,
  unverified: 'none',
  oracle: 'oracle',
  margin: 0,
  minSpearman: 0.8,
  minVerifiers: 4,
  ...extra,
});

const byName = <C extends { name: string }>(checks: readonly C[], name: string) => checks.find((c) => c.name === name);

describe('finalRows', () => {
  it('sorts by p*, nulls last, ties by label', () => {
    const rows = finalRows([row('b', null, 0.1), row('z', 0.7, 0.2), row('a', null, 0.3), row('y', 0.5, 0.4), row('x', 0.7, 0.5)], false);
    assert.deepEqual(
      rows.map((r) => r.verifier),
      ['y', 'x', 'z', 'a', 'b'],
    );
  });

  it('without sizes, names every verifier that appears more than once', () => {
    assert.throws(
      () => finalRows([row('oracle', 1, 0.9), row('none', 0.5, 0.7), row('oracle', 1, 0.91), row('none', 0.5, 0.72), row('x', 0.6, 0.8)], false),
      (error: Error) => /"oracle" \(2 rows\), "none" \(2 rows\) do not/.test(error.message) && /set `size`/.test(error.message),
    );
  });

  it('with sizes, keeps each verifier\'s rows at its own largest size', () => {
    const rows = finalRows(
      [row('oracle', 1, 0.8, 100), row('oracle', 1, 0.95, 10_000), row('oracle', 1, 0.9, 1000), row('none', 0.5, 0.7, 1000), row('none', 0.5, 0.76, 100)],
      true,
    );
    assert.deepEqual(rows, [row('none', 0.5, 0.7, 1000), row('oracle', 1, 0.95, 10_000)]);
  });

  it('with sizes, still needs one row per verifier at its largest size', () => {
    assert.throws(
      () => finalRows([row('oracle', 1, 0.9, 1000), row('oracle', 1, 0.93, 1000), row('oracle', 1, 0.8, 100)], true),
      /each verifier must appear once at its largest size, but "oracle" \(2 rows at size 1000\) does not/,
    );
    assert.throws(() => finalRows([row('oracle', 1, 0.9)], true), /"oracle" has no size/);
  });
});

describe('paperChecks', () => {
  it('reports every check holding on a run that reproduces the paper', () => {
    const report = paperChecks(good, options());
    assert.equal(report.spearman, 1);
    assert.equal(report.allHeld, true);
    assert.deepEqual(report.checks, [
      { name: CHECK_UNVERIFIED, held: true, detail: 'accuracy of "none" = 0.78 ≤ generator 0.782' },
      { name: CHECK_ORACLE, held: true, detail: 'accuracy of "oracle" = 0.92 > generator 0.782' },
      { name: CHECK_SPEARMAN, held: true, detail: 'ρ(p*, accuracy) = 1 over 5 verifiers ≥ 0.8' },
    ]);
  });

  it('fails "unverified ends at or below the generator" above generator + margin, and holds within the margin', () => {
    const rows = good.map((r) => (r.verifier === 'none' ? row('none', 0.5, 0.79) : r));
    const failed = byName(paperChecks(rows, options()).checks, CHECK_UNVERIFIED);
    assert.deepEqual(failed, { name: CHECK_UNVERIFIED, held: false, detail: 'accuracy of "none" = 0.79 > generator 0.782' });
    const tight = byName(paperChecks(rows, options({ margin: 0.005 })).checks, CHECK_UNVERIFIED);
    assert.deepEqual(tight, { name: CHECK_UNVERIFIED, held: false, detail: 'accuracy of "none" = 0.79 > generator 0.782 + margin 0.005 = 0.787' });
    const loose = byName(paperChecks(rows, options({ margin: 0.01 })).checks, CHECK_UNVERIFIED);
    assert.deepEqual(loose, { name: CHECK_UNVERIFIED, held: true, detail: 'accuracy of "none" = 0.79 ≤ generator 0.782 + margin 0.01 = 0.792' });
  });

  it('fails "oracle beats the generator" when the oracle only ties it', () => {
    const rows = good.map((r) => (r.verifier === 'oracle' ? row('oracle', 1, 0.782) : r));
    const report = paperChecks(rows, options({ minSpearman: 0.5 }));
    assert.deepEqual(byName(report.checks, CHECK_ORACLE), { name: CHECK_ORACLE, held: false, detail: 'accuracy of "oracle" = 0.782 ≤ generator 0.782' });
    assert.equal(report.allHeld, false);
  });

  it('fails the correlation check below min_spearman', () => {
    // Accuracy ranks by p*: [3, 1, 2, 5, 4], Σd² = 8: ρ = 1 − 48/120 = 0.6.
    const rows = [row('a', 0.5, 0.8), row('b', 0.6, 0.7), row('c', 0.7, 0.75), row('d', 0.8, 0.95), row('e', 1, 0.9)];
    const report = paperChecks(rows, options({ unverified: undefined, oracle: undefined }));
    assert.ok(Math.abs(report.spearman! - 0.6) < 1e-12);
    assert.deepEqual(report.checks, [{ name: CHECK_SPEARMAN, held: false, detail: 'ρ(p*, accuracy) = 0.6 over 5 verifiers < 0.8' }]);
    assert.equal(paperChecks(rows, options({ unverified: undefined, oracle: undefined, minSpearman: 0.6 })).checks[0]!.held, true);
  });

  it('leaves verifiers without p* or metric out of the correlation, says so, and fails with too few left', () => {
    const rows = [...good.slice(0, 3), row('nothing-kept', null, 0.7), row('crashed', 0.65, null)];
    const report = paperChecks(rows, options());
    assert.equal(report.spearman, 1);
    assert.deepEqual(byName(report.checks, CHECK_SPEARMAN), {
      name: CHECK_SPEARMAN,
      held: false,
      detail: 'only 3 verifiers have both p* and accuracy; needs at least 4 (ρ(p*, accuracy) = 1); left out without p*: "nothing-kept"; left out without accuracy: "crashed"',
    });
    assert.equal(byName(paperChecks(rows, options({ minVerifiers: 3 })).checks, CHECK_SPEARMAN)!.held, true);
  });

  it('fails the correlation check, with a null ρ, when every verifier has the same p*', () => {
    const rows = [row('a', 0.5, 0.8), row('b', 0.5, 0.7), row('c', 0.5, 0.75), row('d', 0.5, 0.95)];
    const report = paperChecks(rows, options({ unverified: undefined, oracle: undefined }));
    assert.equal(report.spearman, null);
    assert.deepEqual(report.checks, [{ name: CHECK_SPEARMAN, held: false, detail: 'ρ(p*, accuracy) is undefined: every verifier has the same p* over 4 verifiers' }]);
  });

  it('reports the generator checks as not evaluated without a generator, and then not all held', () => {
    const report = paperChecks(good, options({ generator: undefined }));
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.held]),
      [
        [CHECK_UNVERIFIED, null],
        [CHECK_ORACLE, null],
        [CHECK_SPEARMAN, true],
      ],
    );
    assert.match(report.checks[0]!.detail, /^not evaluated: no `generator` given .*"none" = 0\.78$/);
    assert.equal(report.allHeld, false);
  });

  it('fails a generator check whose verifier has no metric', () => {
    const rows = good.map((r) => (r.verifier === 'oracle' ? row('oracle', 1, null) : r));
    assert.deepEqual(byName(paperChecks(rows, options()).checks, CHECK_ORACLE), {
      name: CHECK_ORACLE,
      held: false,
      detail: 'accuracy of "oracle" is null (not measured); generator 0.782',
    });
  });

  it('a label without a row (its student failed, or a typo) makes that check fail, listing the verifiers present', () => {
    const report = paperChecks(good, options({ oracle: 'Oracle', unverified: 'unverified' }));
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    assert.deepEqual(byName.get(CHECK_ORACLE), {
      name: CHECK_ORACLE,
      held: false,
      detail: 'no evaluated instance of oracle "Oracle" (did its run fail?); the verifiers present are "oracle", "none", "pruner", "close", "noisy"',
    });
    assert.equal(byName.get(CHECK_UNVERIFIED)?.held, false);
    assert.equal(report.allHeld, false);
    const empty = paperChecks([], options());
    assert.match(empty.checks.find((c) => c.name === CHECK_ORACLE)!.detail, /the verifiers present are \(none\)$/);
  });

  it('rejects options out of range instead of clamping them', () => {
    assert.throws(() => paperChecks(good, options({ margin: -0.1 })), /margin is -0.1/);
    assert.throws(() => paperChecks(good, options({ minSpearman: 1.5 })), /min_spearman is 1.5/);
    assert.throws(() => paperChecks(good, options({ minVerifiers: 1 })), /min_verifiers is 1/);
    assert.throws(() => paperChecks(good, options({ generator: Number.NaN })), /generator is NaN/);
  });
});
