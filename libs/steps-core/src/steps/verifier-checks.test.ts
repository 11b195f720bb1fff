import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext } from '../testing/test-context.js';
import type { TestContext } from '../testing/test-context.js';
import type { PlotInstance } from '../plot/instance-fields.js';
import { verifierChecks } from './verifier-checks.js';

type ChecksWith = Parameters<typeof verifierChecks.run>[0]['with'];
type Defaulted = 'verifier' | 'p_star' | 'metric' | 'margin' | 'min_spearman' | 'min_verifiers' | 'fail_on_miss';
/** What a workflow writes: the runner fills the schema defaults. */
type ChecksInput = Omit<ChecksWith, Defaulted> & Partial<Pick<ChecksWith, Defaulted>>;

function withDefaults(input: ChecksInput): ChecksWith {
  return { verifier: 'verifier', p_star: 'p_star', metric: 'accuracy', margin: 0, min_spearman: 0.8, min_verifiers: 4, fail_on_miss: false, ...input };
}

async function withContext<T>(input: ChecksInput, body: (t: TestContext<ChecksWith>) => Promise<T>): Promise<T> {
  const t = await createTestContext<ChecksWith>({ with: withDefaults(input) });
  try {
    return await body(t);
  } finally {
    await t.cleanup();
  }
}

/** (label, p*, accuracy at each size): as `evaluate` delivers them, the verifier and p* carried into its outputs, n in its matrix. */
const runs: [string, number | null, number[]][] = [
  ['none (all kept)', 0.5, [0.7, 0.75, 0.78]],
  ['pruner near generator', 0.6, [0.71, 0.77, 0.79]],
  ['noisy oracle 0.2', 0.7, [0.72, 0.8, 0.85]],
  ['pruner unlike generator', 0.8, [0.73, 0.82, 0.88]],
  ['oracle', 1, [0.75, 0.86, 0.92]],
];
const sizes = [100, 1000, 10000];

function sweep(data = runs): PlotInstance[] {
  return data.flatMap(([verifier, pStar, accuracies], v) =>
    accuracies.map((accuracy, s) => ({
      name: `evaluate[n=${sizes[s]},verifier=${v}]`,
      matrix: { n: sizes[s], verifier: v },
      outputs: { accuracy, relative_error: 1 - accuracy, verifier, p_star: pStar, kept: 10 },
    })),
  );
}

const finalOnly = (instances: PlotInstance[]) => instances.filter((i) => i.matrix['n'] === 10000);

describe('core/verifier-checks', () => {
  it('reports every claim holding, logs one line per check and ρ as a metric', async () => {
    await withContext({ from: sweep(), size: 'n', generator: 0.782, unverified: 'none (all kept)', oracle: 'oracle' }, async (t) => {
      const result = await verifierChecks.run(t.ctx);
      assert.equal(result.all_held, true);
      assert.equal(result.spearman, 1);
      assert.deepEqual(result.checks, [
        { name: 'unverified ends at or below the generator', held: true, detail: 'accuracy of "none (all kept)" = 0.78 ≤ generator 0.782' },
        { name: 'oracle beats the generator', held: true, detail: 'accuracy of "oracle" = 0.92 > generator 0.782' },
        { name: 'higher p* trains better models', held: true, detail: 'ρ(p*, accuracy) = 1 over 5 verifiers ≥ 0.8' },
      ]);
      assert.deepEqual(result.verifiers, [
        { verifier: 'none (all kept)', p_star: 0.5, metric: 0.78, size: 10000 },
        { verifier: 'pruner near generator', p_star: 0.6, metric: 0.79, size: 10000 },
        { verifier: 'noisy oracle 0.2', p_star: 0.7, metric: 0.85, size: 10000 },
        { verifier: 'pruner unlike generator', p_star: 0.8, metric: 0.88, size: 10000 },
        { verifier: 'oracle', p_star: 1, metric: 0.92, size: 10000 },
      ]);
      assert.deepEqual(
        t.logs.map((l) => [l.level, l.message]),
        [
          ['info', '✓ unverified ends at or below the generator: accuracy of "none (all kept)" = 0.78 ≤ generator 0.782'],
          ['info', '✓ oracle beats the generator: accuracy of "oracle" = 0.92 > generator 0.782'],
          ['info', '✓ higher p* trains better models: ρ(p*, accuracy) = 1 over 5 verifiers ≥ 0.8'],
        ],
      );
      assert.deepEqual(t.metrics, [{ key: 'spearman', value: 1, step: 0 }]);
    });
  });

  it('without `size`, judges a run with one instance per verifier, reading another metric and fields from the matrix', async () => {
    const instances = finalOnly(sweep()).map((i) => ({ ...i, matrix: { ...i.matrix, label: i.outputs['verifier'] } }));
    await withContext({ from: instances, verifier: 'matrix.label', metric: 'outputs.relative_error', min_spearman: -1 }, async (t) => {
      const result = await verifierChecks.run(t.ctx);
      // Relative error falls as p* rises: ρ = −1, which passes only because min_spearman is −1. Details name the field as a reader would.
      assert.equal(result.spearman, -1);
      assert.equal(result.all_held, true);
      assert.deepEqual(result.checks, [{ name: 'higher p* trains better models', held: true, detail: 'ρ(p*, relative_error) = -1 over 5 verifiers ≥ -1' }]);
      assert.ok((result.verifiers as { size?: number }[]).every((row) => !('size' in row)));
    });
  });

  it('reports failed checks without failing the step, and never NaN', async () => {
    const data: typeof runs = [
      ['none (all kept)', 0.5, [0.8]],
      ['pruner near generator', 0.6, [0.9]],
      ['noisy oracle 0.2', 0.7, [0.85]],
      ['nothing kept', null, [0.6]],
      ['oracle', 1, [0.78]],
    ];
    await withContext({ from: sweep(data), generator: 0.782, unverified: 'none (all kept)', oracle: 'oracle', min_verifiers: 3 }, async (t) => {
      const result = await verifierChecks.run(t.ctx);
      assert.equal(result.all_held, false);
      // Accuracy ranks by p* (nothing kept left out): [2, 4, 3, 1] against [1, 2, 3, 4]: Σd² = 1+4+0+9 = 14, ρ = 1 − 84/60 = −0.4.
      assert.ok(Math.abs((result.spearman as number) + 0.4) < 1e-12);
      assert.deepEqual(
        (result.checks as { held: boolean | null }[]).map((c) => c.held),
        [false, false, false],
      );
      assert.deepEqual(
        t.logs.map((l) => l.message),
        [
          '✗ unverified ends at or below the generator: accuracy of "none (all kept)" = 0.8 > generator 0.782',
          '✗ oracle beats the generator: accuracy of "oracle" = 0.78 ≤ generator 0.782',
          '✗ higher p* trains better models: ρ(p*, accuracy) = -0.4 over 4 verifiers < 0.8; left out without p*: "nothing kept"',
        ],
      );
      assert.equal((result.verifiers as { p_star: number | null }[]).at(-1)!.p_star, null);
      assert.ok(!JSON.stringify(result).includes('NaN'));
    });
  });

  it('with fail_on_miss, fails listing every check that did not hold, not-evaluated ones included', async () => {
    const instances = finalOnly(sweep()).map((i) => (i.outputs['verifier'] === 'oracle' ? { ...i, outputs: { ...i.outputs, accuracy: 0.5 } } : i));
    await withContext({ from: instances, unverified: 'none (all kept)', oracle: 'oracle', fail_on_miss: true }, async (t) => {
      // Accuracy ranks by p*: [2, 3, 4, 5, 1], d = [1, 1, 1, 1, −4], Σd² = 20: ρ = 1 − 120/120 = 0.
      await assert.rejects(verifierChecks.run(t.ctx), (error: Error) => {
        assert.equal(
          error.message,
          'core/verifier-checks: 3 of 3 checks did not hold (fail_on_miss is set):\n' +
            '  – unverified ends at or below the generator: not evaluated: no `generator` given (the generator\'s accuracy); accuracy of "none (all kept)" = 0.78\n' +
            '  – oracle beats the generator: not evaluated: no `generator` given (the generator\'s accuracy); accuracy of "oracle" = 0.5\n' +
            '  ✗ higher p* trains better models: ρ(p*, accuracy) = 0 over 5 verifiers < 0.8',
        );
        return true;
      });
      // The checks are still logged before the step fails.
      assert.equal(t.logs.length, 3);
    });
  });

  it('with fail_on_miss, succeeds when every check holds', async () => {
    await withContext({ from: finalOnly(sweep()), generator: 0.782, oracle: 'oracle', fail_on_miss: true }, async (t) => {
      assert.equal((await verifierChecks.run(t.ctx)).all_held, true);
    });
  });

  it('names a verifier that appears several times without `size`', async () => {
    await withContext({ from: sweep() }, async (t) => {
      await assert.rejects(verifierChecks.run(t.ctx), /^Error: core\/verifier-checks: each verifier must appear once, but "none \(all kept\)" \(3 rows\), .* set `size`/);
    });
  });

  it('reports a label that matches no verifier as a failed check listing the verifiers present', async () => {
    await withContext({ from: finalOnly(sweep()), generator: 0.782, oracle: 'Oracle' }, async (t) => {
      const out = await verifierChecks.run(t.ctx);
      const oracle = (out.checks as { name: string; held: boolean | null; detail: string }[]).find((c) => c.detail.includes('"Oracle"'))!;
      assert.equal(oracle.held, false);
      assert.match(oracle.detail, /the verifiers present are "none \(all kept\)", "pruner near generator", "noisy oracle 0.2", "pruner unlike generator", "oracle"$/);
      assert.equal(out.all_held, false);
    });
  });

  it('speaks as itself when a field is missing, suggesting the closest one', async () => {
    await withContext({ from: finalOnly(sweep()), metric: 'acuracy' }, async (t) => {
      await assert.rejects(verifierChecks.run(t.ctx), /^Error: core\/verifier-checks: metric field "acuracy" was not found .*did you mean "outputs.accuracy"\?/);
    });
  });

  it('leaves out, with a warning, instances without a size', async () => {
    const instances = sweep();
    instances[2] = { ...instances[2]!, matrix: { ...instances[2]!.matrix, n: null } };
    await withContext({ from: instances, size: 'n', min_verifiers: 5 }, async (t) => {
      const result = await verifierChecks.run(t.ctx);
      // Without its size-10000 run, "none (all kept)" is judged by its run at 1000.
      assert.deepEqual((result.verifiers as unknown[])[0], { verifier: 'none (all kept)', p_star: 0.5, metric: 0.75, size: 1000 });
      assert.deepEqual(
        t.logs.filter((l) => l.level === 'warn').map((l) => l.message),
        ['core/verifier-checks: 1 of 15 instances are left out: evaluate[n=10000,verifier=0] (no size)'],
      );
    });
  });
});
