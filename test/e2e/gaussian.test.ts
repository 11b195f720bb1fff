import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, workspace } from '../support/cli.js';
import type { ResultsInstance } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOWS = join(ROOT, 'workflows');
const PHASE_TRANSITION = join(WORKFLOWS, 'paper', 'gaussian-phase-transition.yaml');
const NAME = 'gaussian-phase-transition';

/** Predicted breakdown points of the workflow's verifiers: φ/(φ+ψ). */
const P_STAR = { oracle: 1, random: 0.5, 'rates-0.75': 0.75, 'rates-0.6': 0.6 } as const;
/** Grid spacing around each predicted p* inside the grid (0.5, 0.6, 0.75 are grid points, ±H their neighbours). */
const H = 0.025;
const PS = [0.1, 0.3, 0.475, 0.5, 0.525, 0.575, 0.6, 0.625, 0.725, 0.75, 0.775, 0.9];

/*
 * Why tolerance = H = 0.025 at this size (d = 50, n = 20,000, ‖μ‖ = u = 1.555).
 * Ridge on the kept pairs has accuracy Φ(wᵀμ/‖w‖), which is above ½ iff μᵀXᵀy' > 0 (to first order,
 * XᵀX ≈ m(I + μμᵀ) leaves the sign alone). μᵀXᵀy' = u²·(K_c − K_w) + Σ y'μᵀz has mean u²·m·s, with
 * s = ((1−p)φ − pψ)/((1−p)φ + pψ), and standard deviation at most u·√m·√(1+u²). So the sign is right
 * by z = s·u·√m/√(1+u²) standard deviations. At one grid step from p* (|p − p*| = 0.025), with
 * m ≈ n·((1−p)φ + pψ) ≈ 9,000–10,000 kept pairs, z ≈ 4.2 (random, rates-0.6) and ≈ 5.2 (rates-0.75):
 * every grid point other than p* itself lies on its predicted side of ½ with overwhelming probability,
 * so the first crossing of ½ is interpolated inside [p* − 0.025, p* + 0.025], whatever the accuracy
 * at p* (there the signal vanishes and the side is a coin toss). The oracle (p* = 1) never crosses,
 * which the analysis scores as error 0 because 1 lies beyond the grid. Hence |measured − p*| ≤ 0.025,
 * tighter than the workflow's default 0.03 (chosen for its coarser 0.05 grid). Observed on six seeds:
 * max error 0.005–0.011.
 */
const TOLERANCE = H;

const ARGS = [
  '--set',
  'dim=50',
  '--set',
  'n=20000',
  '--set',
  'n_test=2000',
  '--set',
  `ps=[${PS.join(',')}]`,
  '--set',
  `tolerance=${TOLERANCE}`,
];

const ofStep = (instances: readonly ResultsInstance[], step: string): ResultsInstance[] => instances.filter((instance) => instance.name === step || instance.name.startsWith(`${step}[`));
const num = (instance: ResultsInstance, key: string): number => {
  const value = instance.values[key];
  assert.equal(typeof value, 'number', `${instance.name}.${key} = ${JSON.stringify(value)}`);
  return value as number;
};

describe('the paper\'s Gaussian phase transition through the CLI', () => {
  let first: { dir: string; dispose: () => Promise<void> };
  let second: { dir: string; dispose: () => Promise<void> };
  let instances: ResultsInstance[];
  let expectations: { name: string; status: string }[];
  let endOfRun: string;

  before(async () => {
    first = await workspace({});
    second = await workspace({});
    // COLUMNS unset and stdout a pipe: the end of the run is laid out for 100 columns.
    const run = await runCli(['run', PHASE_TRANSITION, ...ARGS], first.dir, { COLUMNS: '' });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    endOfRun = run.stdout;
    const results = await readResults(first.dir, NAME);
    assert.equal(results.status, 'succeeded');
    instances = results.instances;
    expectations = (results as typeof results & { expectations: typeof expectations }).expectations;
  });
  after(async () => {
    await first.dispose();
    await second.dispose();
  });

  it('ends with the expectations, then a table per step within 100 columns, then the figures', () => {
    const lines = endOfRun.trimEnd().split('\n');
    const at = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
    assert.ok(at(/^expectations: 1 held$/) >= 0 && at(/^expectations: /) < at(/^problem \(gaussian\/sample\): succeeded/), endOfRun);
    assert.ok(at(/^evaluate \(gaussian\/evaluate\): 48 instances, 48 succeeded$/) < at(/^figures:$/), endOfRun);
    assert.match(endOfRun, /\n {2}… \d+ more rows, see `veriflow runs show \S+ --all`\n/);
    for (const line of lines.slice(0, -1)) assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
  });

  it('runs the whole grid: 12 p × 4 verifiers, each evaluated', () => {
    assert.ok(instances.every((instance) => instance.status === 'succeeded'), instances.filter((i) => i.status !== 'succeeded').map((i) => `${i.name}: ${i.status}`).join(', '));
    assert.equal(ofStep(instances, 'synth').length, PS.length);
    assert.equal(ofStep(instances, 'verify').length, PS.length * 4);
    assert.equal(ofStep(instances, 'evaluate').length, PS.length * 4);
  });

  it('finds every transition within the tolerance the grid justifies', () => {
    const transition = instances.find((instance) => instance.name === 'transition');
    assert.ok(transition, 'no transition instance');
    assert.equal(transition.values['all_within'], true, JSON.stringify(transition.values));
    assert.deepEqual(expectations.map((claim) => [claim.name, claim.status]), [['transition-at-p-star', 'held']], 'the workflow states the claim as an expectation');
    assert.ok(num(transition, 'max_error') <= TOLERANCE, `max_error ${String(transition.values['max_error'])}`);
  });

  it('puts each verifier\'s collapse where its p* predicts: above ½ one step before, below ½ one step after', () => {
    const evaluations = ofStep(instances, 'evaluate');
    const at = (verifier: string, p: number): ResultsInstance | undefined =>
      evaluations.find((instance) => instance.values['verifier'] === verifier && Math.abs(num(instance, 'p') - p) < 1e-9);
    for (const verifier of ['random', 'rates-0.6', 'rates-0.75'] as const) {
      const pStar = P_STAR[verifier];
      const before = at(verifier, pStar - H);
      const after = at(verifier, pStar + H);
      assert.ok(before && after, `${verifier}: the grid points around p* are missing`);
      assert.ok(num(before, 'accuracy') > 0.5, `${verifier} at p = ${pStar - H}: ${String(before.values['accuracy'])}`);
      assert.ok(num(after, 'accuracy') < 0.5, `${verifier} at p = ${pStar + H}: ${String(after.values['accuracy'])}`);
    }
  });

  it('reports a finite measured and predicted p* for every verify instance, the prediction φ/(φ+ψ)', () => {
    const verifies = ofStep(instances, 'verify');
    for (const instance of verifies) {
      assert.ok(Number.isFinite(num(instance, 'p_star')), instance.name);
      assert.ok(Number.isFinite(num(instance, 'p_star_predicted')), instance.name);
      const expected = P_STAR[instance.values['verifier'] as keyof typeof P_STAR];
      assert.equal(typeof expected, 'number', `${instance.name}: unknown verifier ${String(instance.values['verifier'])}`);
      assert.ok(Math.abs(num(instance, 'p_star_predicted') - expected) < 1e-12, `${instance.name}: ${String(instance.values['p_star_predicted'])}`);
      // n = 20,000 pairs: the standard error of p̂* is at most ≈ 0.007 on this grid (p = 0.1 or 0.9, where
      // one class of labels has only ~2,000 pairs), so 0.03 is more than 4 standard errors.
      assert.ok(Math.abs(num(instance, 'p_star') - expected) < 0.03, `${instance.name}: p̂* ${String(instance.values['p_star'])}`);
    }
  });

  it('the oracle stays above the generator while random selection collapses, for p ≥ 0.6', () => {
    const evaluations = ofStep(instances, 'evaluate');
    let checked = 0;
    for (const instance of evaluations) {
      const p = num(instance, 'p');
      if (p < 0.6) continue;
      const accuracy = num(instance, 'accuracy');
      if (instance.values['verifier'] === 'oracle') {
        assert.ok(accuracy > 1 - p, `oracle at p = ${p}: ${accuracy}`);
        assert.ok(accuracy > num(instance, 'generator_accuracy'));
        assert.equal(instance.values['beats_generator'], true);
        checked++;
      }
      if (instance.values['verifier'] === 'random') {
        assert.ok(accuracy < 0.5, `random at p = ${p}: ${accuracy}`);
        assert.equal(instance.values['collapsed'], true);
        checked++;
      }
    }
    assert.equal(checked, 2 * PS.filter((p) => p >= 0.6).length);
  });

  it('writes both figures as SVG next to the results', async () => {
    const figures = join(first.dir, '.veriflow', 'workflows', NAME, 'figures');
    const names = (await readdir(figures)).sort();
    assert.deepEqual(names, ['curves.figure.svg', 'heatmap.figure.svg']);
    for (const name of names) {
      const svg = await readFile(join(figures, name), 'utf8');
      assert.ok(svg.startsWith('<svg'), `${name} starts with ${JSON.stringify(svg.slice(0, 20))}`);
      assert.ok(svg.trimEnd().endsWith('</svg>'), `${name} is not a complete SVG document`);
    }
  });

  it('gives identical numbers when re-run with --force in a fresh workspace (same workflow, same seed)', async () => {
    const rerun = await runCli(['run', PHASE_TRANSITION, ...ARGS, '--force'], second.dir);
    assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
    const again = (await readResults(second.dir, NAME)).instances;
    assert.ok(ofStep(again, 'evaluate').every((instance) => instance.reason !== 'cached'), 'the re-run executed nothing');
    const values = (list: ResultsInstance[], step: string, key: string): Record<string, unknown> =>
      Object.fromEntries(ofStep(list, step).map((instance) => [instance.name, instance.values[key]]));
    assert.equal(Object.keys(values(again, 'evaluate', 'accuracy')).length, PS.length * 4);
    assert.deepEqual(values(again, 'evaluate', 'accuracy'), values(instances, 'evaluate', 'accuracy'));
    assert.deepEqual(values(again, 'evaluate', 'test_accuracy'), values(instances, 'evaluate', 'test_accuracy'));
    assert.deepEqual(values(again, 'verify', 'p_star'), values(instances, 'verify', 'p_star'));
    assert.deepEqual(values(again, 'transition', 'max_error'), values(instances, 'transition', 'max_error'));
  });
});

describe('every shipped workflow validates', () => {
  let scratch: { dir: string; dispose: () => Promise<void> };
  before(async () => (scratch = await workspace({})));
  after(() => scratch.dispose());

  it('veriflow validate exits 0 for each file in workflows/paper and workflows/examples', async () => {
    const files: string[] = [];
    for (const folder of ['paper', 'examples']) {
      for (const name of (await readdir(join(WORKFLOWS, folder))).sort()) if (/\.ya?ml$/.test(name)) files.push(join(WORKFLOWS, folder, name));
    }
    assert.ok(files.includes(PHASE_TRANSITION) && files.length >= 2, `found ${files.join(', ')}`);
    for (const file of files) {
      const result = await runCli(['validate', file], scratch.dir);
      assert.equal(result.code, 0, `${file}:\n${result.stdout}\n${result.stderr}`);
    }
  });
});
