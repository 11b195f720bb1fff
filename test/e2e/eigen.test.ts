import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunStore } from '@veriflow/tracking';
import { readResults, runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

// The smoke configuration of the eigenvalue experiment (the workflow's defaults) end to end: a tiny
// generator trains on real pairs, labels fresh matrices with beam search, every verifier chooses, a
// student trains per verifier and synthesized-set size, and both figures are drawn. Too small for the
// claims to mean anything: their `if:` skips them (the CPU preset is where they hold).
describe('eigenvalue workflow, smoke configuration', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('runs generator → verifiers → students → expectations and figures; training reduces the loss', async () => {
    const run = await runCli(['run', resolve(root, 'workflows/paper/eigen-verification.yaml')], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /expectations: 3 skipped\n\s+· unverified-at-or-below-generator skipped \(condition false: if \$\{\{ max\(params\.sizes\) >= params\.claims_from_size \}\}\)/);
    const results = (await readResults(dir, 'eigen-verification')) as Awaited<ReturnType<typeof readResults>> & {
      expectations: { name: string; status: string; measured: Record<string, unknown> }[];
    };
    const byName = new Map(results.instances.map((instance) => [instance.name, instance]));

    const verify = results.instances.filter((instance) => instance.name.startsWith('verify['));
    assert.equal(verify.length, 6);
    for (const instance of verify) {
      assert.equal(instance.status, 'succeeded');
      assert.equal(typeof instance.values.kept_count, 'number', `${instance.name} reports what it kept`);
    }
    // No verification keeps a label for every input with a well-formed candidate.
    const none = byName.get('verify[replicate=1,verifier=none]')!;
    assert.ok((none.values.kept_count as number) > 0, 'the generator writes well-formed labels');

    // One student per verifier and size; "none" trains on at most `size` labels.
    const students = results.instances.filter((instance) => instance.name.startsWith('student['));
    assert.equal(students.length, 12);
    const small = byName.get('student[replicate=1,size=100,verifier=none]')!;
    assert.equal(small.status, 'succeeded');
    assert.ok((small.values.pairs as number) <= 100 && (small.values.pairs as number) > 0, `pairs ${String(small.values.pairs)}`);
    const evaluated = results.instances.filter((instance) => instance.name.startsWith('evaluate[') && instance.status === 'succeeded');
    assert.ok(evaluated.length >= 2);
    for (const instance of evaluated) {
      assert.ok([100, 400].includes(instance.values.synthesized as number), `${instance.name} carries its synthesized-set size`);
      assert.equal(typeof instance.values.accuracy_5pct, 'number');
      assert.ok((instance.values.accuracy_10pct as number) >= (instance.values.accuracy_5pct as number), `${instance.name}: a looser tolerance counts at least as many correct`);
    }

    assert.deepEqual(results.expectations.map((claim) => [claim.name, claim.status]), [
      ['unverified-at-or-below-generator', 'skipped'],
      ['oracle-beats-generator', 'skipped'],
      ['higher-p-star-trains-better', 'skipped'],
    ]);

    const figures = join(dir, '.veriflow', 'workflows', 'eigen-verification', 'figures');
    for (const figure of ['accuracy-vs-size.figure.svg', 'accuracy-vs-p-star.figure.svg']) assert.ok(existsSync(join(figures, figure)), figure);

    const store = new RunStore(dir);
    const { instances } = await store.readRun((await store.listRuns())[0]!.id);
    const loss = instances.find((instance) => instance.name === 'generator')!.metrics.filter((point) => point.key === 'loss');
    assert.ok(loss.length >= 5, 'the loss curve is logged with steps');
    const first = loss[0]!.value;
    const last = loss[loss.length - 1]!.value;
    assert.ok(last < 0.8 * first, `training reduces the loss (${first} → ${last})`);

    // Lowering the condition's threshold evaluates each claim on the same (cached) instances; at smoke size they need not hold.
    const judged = await runCli(['run', resolve(root, 'workflows/paper/eigen-verification.yaml'), '--set', 'claims_from_size=400', '--no-expect-fail'], dir);
    assert.equal(judged.code, 0, judged.stdout + judged.stderr);
    const claims = ((await readResults(dir, 'eigen-verification')) as unknown as typeof results).expectations;
    for (const claim of claims) {
      assert.ok(claim.status === 'held' || claim.status === 'failed', `${claim.name} is evaluated: ${JSON.stringify(claim)}`);
      assert.ok(Object.values(claim.measured).some((value) => typeof value === 'number' || Array.isArray(value)), `${claim.name} states its numbers: ${JSON.stringify(claim.measured)}`);
    }
    assert.match(judged.stdout, /expectations: /);
    // The Spearman claim is stated on means over replicates (one here), with their standard errors beside them.
    const spearmanClaim = claims.find((claim) => claim.name === 'higher-p-star-trains-better')!;
    const stderrs = spearmanClaim.measured.accuracy_stderr as number[];
    assert.equal(stderrs.length, (spearmanClaim.measured.verifiers as unknown[]).length);
    assert.ok(stderrs.every((value) => value === 0), `one replicate has no spread: ${JSON.stringify(stderrs)}`);
  });

  it('replicates_below_largest runs the extra seeds only at the largest size, where the claims read them', async () => {
    const run = await runCli(['run', resolve(root, 'workflows/paper/eigen-verification.yaml'), '--set', 'replicates=2', '--set', 'replicates_below_largest=1'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const students = (await readResults(dir, 'eigen-verification')).instances.filter((instance) => instance.name.startsWith('student['));
    const statusOf = (replicate: number, size: number) => students.filter((s) => s.name.includes(`replicate=${replicate},size=${size},`)).map((s) => s.status);
    assert.deepEqual(statusOf(2, 100), Array(6).fill('skipped'), 'replicate 2 skips the smaller size');
    assert.ok(statusOf(2, 400).length === 6 && !statusOf(2, 400).includes('skipped'), `replicate 2 trains at the largest size: ${statusOf(2, 400).join(', ')}`);
    assert.ok(!statusOf(1, 100).includes('skipped'), 'replicate 1 keeps the smaller size (from the cache)');
    // Skipped on purpose, with their dependants: nothing to report as a problem.
    assert.doesNotMatch(run.stdout, /skipped \d+ instance\(s\)[^\n]*replicate=2,size=100/);
    const predictions = (await readResults(dir, 'eigen-verification')).instances.filter((instance) => instance.name.startsWith('student-predictions[replicate=2,size=100,'));
    assert.equal(predictions.length, 6);
    for (const instance of predictions) assert.match(instance.reason, /skipped by its if:/, instance.name);
  });

  it('retrains the generator to the same numbers (seeded data order and initialisation, deterministic kernels)', async () => {
    const before = (await readResults(dir, 'eigen-verification')).instances.find((instance) => instance.name === 'generator')!;
    const run = await runCli(['run', resolve(root, 'workflows/paper/eigen-verification.yaml'), '--only', 'generator', '--force', 'generator'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const again = (await readResults(dir, 'eigen-verification')).instances.find((instance) => instance.name === 'generator')!;
    assert.equal(again.status, 'succeeded');
    assert.equal(again.values.final_loss, before.values.final_loss);
    assert.equal(again.values.val_accuracy_5pct, before.values.val_accuracy_5pct);
  });

  it('keys model steps by their engine: another engine is a cache miss that plan explains, the same one is cached', async (t) => {
    const workflow = resolve(root, 'workflows/paper/eigen-verification.yaml');
    const same = await runCli(['plan', workflow, '--json'], dir);
    assert.equal(same.code, 0, same.stderr);
    const generator = (plan: string) => (JSON.parse(plan) as { name: string; runs: boolean; reason: { kind: string; changes?: unknown } }[]).find((i) => i.name === 'generator')!;
    assert.equal(generator(same.stdout).runs, false, 'cached under the engine it ran on');
    const engine = (await readResults(dir, 'eigen-verification')).instances.find((instance) => instance.name === 'generator')!.values.engine as string;
    if (!engine.endsWith('+fused')) {
      t.skip(`VERIFLOW_FUSED=off changes nothing on engine ${engine} (the native addon did not load)`);
      return;
    }
    const other = await runCli(['plan', workflow, '--json'], dir, { VERIFLOW_FUSED: 'off' });
    assert.equal(other.code, 0, other.stderr);
    assert.equal(generator(other.stdout).runs, true);
    const smallGemm = engine === 'wasm+openblas+fused' ? [{ path: 'dense_products', before: 'small-matrix kernel 1' }] : [];
    assert.deepEqual(generator(other.stdout).reason, { kind: 'environment-changed', changes: [{ path: 'engine', before: engine, after: engine.replace(/\+fused$/, '') }, ...smallGemm] });
    if (smallGemm.length === 0) return;
    // The small-matrix kernel sums in another order than OpenBLAS: switching it off is another key too.
    const openblas = await runCli(['plan', workflow], dir, { VERIFLOW_SMALL_GEMM: 'off' });
    assert.match(openblas.stdout, /^generator +run +environment changed: dense_products small-matrix kernel 1 → \(none\)$/m);
  });
});
