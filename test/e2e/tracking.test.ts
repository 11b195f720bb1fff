import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { RunStore } from '@veriflow/tracking';
import type { MlflowClient, Run } from '@veriflow/tracking';
import { mlflowSkipReason, startFlakyProxy } from '@veriflow/tracking/testing';
import { runCli, workspace } from '../support/cli.js';
import { runsOf, useMlflowServer } from '../support/mlflow.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const skip = await mlflowSkipReason();

// A small but real sweep: 3 error rates × 2 verifiers, with a figure.
const WORKFLOW = `
name: tracked-sweep
seed: 5
params: { ps: [0.2, 0.5, 0.8] }
steps:
  problem:
    uses: gaussian/sample
    with: { dim: 20, n_test: 500 }
  synth:
    uses: gaussian/synthesize
    matrix: { p: \${{ params.ps }} }
    with: { problem: "\${{ steps.problem.outputs.problem }}", n: 4000, generator: { kind: flip, p: "\${{ matrix.p }}" } }
  verify:
    uses: gaussian/verify
    matrix: { verifier: [oracle, random] }
    with:
      data: \${{ steps.synth.outputs.data }}
      verifier: { kind: "\${{ matrix.verifier }}", keep: 0.5 }
  train:
    uses: gaussian/train
    with: { data: "\${{ steps.verify.outputs.kept }}" }
  evaluate:
    uses: gaussian/evaluate
    with:
      model: \${{ steps.train.outputs.model }}
      problem: \${{ steps.problem.outputs.problem }}
      carry: { p: "\${{ matrix.p }}", verifier: "\${{ matrix.verifier }}" }
  curves:
    uses: core/plot
    with: { from: "\${{ steps.evaluate.instances }}", x: p, y: accuracy, series: verifier }
`;
// Totals 4, 5, 6: one claim holds, one fails, one does not apply to this configuration.
const CLAIMS_WORKFLOW = `name: tracked-claims
params: { factors: [1, 2, 3] }
steps:
  base: { uses: core/sum, with: { values: [1, 2] } }
  scaled:
    uses: core/sum
    matrix: { factor: \${{ params.factors }} }
    with: { values: ["\${{ steps.base.outputs.total }}", "\${{ matrix.factor }}"] }
expect:
  base-is-three:
    that: \${{ steps.base.outputs.total == 3 }}
  all-above-five:
    that: \${{ min(map(steps.scaled.instances, 'outputs.total')) > 5 }}
    message: every scaled total exceeds 5
  only-for-wide-sweeps:
    if: \${{ len(params.factors) > 10 }}
    that: \${{ max(map(steps.scaled.instances, 'outputs.total')) > 100 }}
`;

// problem + 3 synth + 6 verify + 6 train + 6 evaluate + curves
const INSTANCES = 23;

/** Everything MLflow holds for a run, in a form two syncs can be compared on. */
async function snapshot(client: MlflowClient, runs: readonly Run[]): Promise<Record<string, { metrics: number; params: number; inputs: number }>> {
  const view: Record<string, { metrics: number; params: number; inputs: number }> = {};
  for (const run of runs) {
    const full = await client.getRun(run.info.runId);
    let points = 0;
    for (const metric of full.data.metrics) points += (await client.getMetricHistory(run.info.runId, metric.key)).length;
    view[run.info.runName] = { metrics: points, params: Object.keys(full.data.params).length, inputs: full.inputs.datasetInputs.length };
  }
  return view;
}

const latestRunId = async (dir: string): Promise<string> => (await new RunStore(dir).listRuns())[0]!.id;

describe('MLflow tracking against a real server', { skip }, () => {
  const mlflow = useMlflowServer();

  it('logs a run live: parent and nested runs, params, metric histories, p_star, datasets, artifacts; Python mlflow sees it', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW });
    try {
      const run = await runCli(['run', 'wf.yaml', '--tracking-uri', mlflow.server.uri], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /synced run .* to MLflow/);
      const runId = await latestRunId(dir);
      const runs = await runsOf(mlflow.client, 'tracked-sweep', runId);
      assert.equal(runs.length, INSTANCES + 1);
      const parent = runs.find((r) => !r.data.tags['mlflow.parentRunId'])!;
      assert.equal(parent.info.status, 'FINISHED');
      const children = runs.filter((r) => r.data.tags['mlflow.parentRunId'] === parent.info.runId);
      assert.equal(children.length, INSTANCES);
      const verify = children.filter((r) => r.data.tags['veriflow.step'] === 'verify');
      assert.equal(verify.length, 6);
      for (const child of verify) {
        const keys = child.data.metrics.map((m) => m.key);
        for (const key of ['p_star', 'phi', 'generator_error', 'kept']) assert.ok(keys.includes(key), `${child.info.runName} logs ${key}`);
        assert.equal(child.data.params['verifier.kind'], child.data.tags['veriflow.matrix.verifier']);
      }
      const oracle = await mlflow.client.getRun(verify.find((r) => r.info.runName === 'verify[p=0.5,verifier=oracle]')!.info.runId);
      assert.equal(oracle.data.metrics.find((m) => m.key === 'p_star')!.value, 1);
      assert.ok(oracle.inputs.datasetInputs.length >= 2, 'the synthesized data read and the kept set written');

      const curves = children.find((r) => r.info.runName === 'curves')!;
      const figure = await mlflow.client.downloadArtifact(curves, 'figure.svg');
      const local = await readFile(join(dir, '.veriflow', 'workflows', 'tracked-sweep', 'figures', 'curves.figure.svg'));
      assert.deepEqual(Buffer.from(figure), local);

      const python = execFileSync(
        join(root, '.venv-mlflow', 'bin', 'python'),
        ['-c', `import json, mlflow; df = mlflow.search_runs(experiment_names=["tracked-sweep"], filter_string="tags.\\"veriflow.run_id\\" = '${runId}'"); print(json.dumps({"runs": len(df), "with_p_star": int(df["metrics.p_star"].notna().sum())}))`],
        { env: { ...process.env, MLFLOW_TRACKING_URI: mlflow.server.uri }, encoding: 'utf8' },
      );
      assert.deepEqual(JSON.parse(python.trim().split('\n').pop()!), { runs: INSTANCES + 1, with_p_star: 6 });
    } finally {
      await dispose();
    }
  });

  it('keeps the run when the server is down, and sync pushes exactly what is missing, once', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW.replace('name: tracked-sweep', 'name: offline-sweep') });
    try {
      const offline = await runCli(['run', 'wf.yaml', '--tracking-uri', 'http://127.0.0.1:9'], dir);
      assert.equal(offline.code, 0, offline.stderr);
      assert.match(offline.stderr, /could not sync run .* kept locally/s);
      const runId = await latestRunId(dir);

      const first = await runCli(['sync', '--tracking-uri', mlflow.server.uri], dir);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, new RegExp(`✓ ${runId}: ${INSTANCES} instances`));
      const before = await snapshot(mlflow.client, await runsOf(mlflow.client, 'offline-sweep', runId));
      assert.equal(Object.keys(before).length, INSTANCES + 1);

      const again = await runCli(['sync', '--tracking-uri', mlflow.server.uri], dir);
      assert.match(again.stdout, /nothing to sync/);
      // Even with the local record of what was synced gone, MLflow's own state prevents duplicates.
      await rm(join(dir, '.veriflow', 'tracking', 'runs', runId, 'sync-state.json'));
      const forced = await runCli(['sync', runId, '--tracking-uri', mlflow.server.uri], dir);
      assert.match(forced.stdout, /logged 0 metric points, 0 params, 0 datasets, 0 artifacts/);
      assert.deepEqual(await snapshot(mlflow.client, await runsOf(mlflow.client, 'offline-sweep', runId)), before);
    } finally {
      await dispose();
    }
  });

  it('through a proxy that answers 503 and drops connections, sync converges to exactly the local store', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW.replace('name: tracked-sweep', 'name: flaky-sweep') });
    const proxy = await startFlakyProxy({
      target: mlflow.server.uri,
      seed: 7,
      rules: [
        { fault: { kind: 'unavailable', status: 503, retryAfter: 0 }, rate: 0.15 },
        { fault: { kind: 'reset' }, rate: 0.05 },
        { fault: { kind: 'reset-after-forward' }, rate: 0.05 },
      ],
    });
    try {
      const offline = await runCli(['run', 'wf.yaml'], dir);
      assert.equal(offline.code, 0, offline.stderr);
      const runId = await latestRunId(dir);
      let attempts = 0;
      for (;;) {
        attempts++;
        const sync = await runCli(['sync', '--tracking-uri', proxy.url], dir);
        if (sync.code === 0) break;
        assert.ok(attempts < 6, `sync kept failing through the proxy: ${sync.stdout}`);
      }
      assert.ok(proxy.count((entry) => entry.fault !== undefined) > 0, 'the proxy injected faults');
      const synced = await snapshot(mlflow.client, await runsOf(mlflow.client, 'flaky-sweep', runId));
      assert.equal(Object.keys(synced).length, INSTANCES + 1, 'one MLflow run per instance plus the parent, no duplicates');
      const local = await new RunStore(dir).readRun(runId);
      for (const instance of local.instances) {
        assert.equal(synced[instance.name]?.metrics, instance.metrics.length, `${instance.name}: every metric point exactly once`);
        assert.equal(synced[instance.name]?.params, Object.keys(instance.params).length, `${instance.name}: every param`);
      }
    } finally {
      await proxy.close();
      await dispose();
    }
  });

  it('puts an expect.<name> metric (1 held, 0 failed) and veriflow.expect.* tags on the parent run; a skipped claim has tags only', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': CLAIMS_WORKFLOW });
    try {
      const run = await runCli(['run', 'wf.yaml', '--tracking-uri', mlflow.server.uri], dir);
      assert.equal(run.code, 3, run.stdout + run.stderr);
      assert.match(run.stderr, /synced run .* to MLflow/);
      const runId = (await new RunStore(dir).listRuns())[0]!.id;
      const runs = await runsOf(mlflow.client, 'tracked-claims', runId);
      const parent = await mlflow.client.getRun(runs.find((found) => !found.data.tags['mlflow.parentRunId'])!.info.runId);

      const metrics = Object.fromEntries(parent.data.metrics.filter((metric) => metric.key.startsWith('expect.')).map((metric) => [metric.key, metric.value]));
      assert.deepEqual(metrics, { 'expect.base-is-three': 1, 'expect.all-above-five': 0 });
      const tags = parent.data.tags;
      assert.equal(tags['veriflow.expect.base-is-three'], 'held');
      assert.equal(tags['veriflow.expect.all-above-five'], 'failed');
      assert.equal(tags['veriflow.expect.only-for-wide-sweeps'], 'skipped');
      assert.equal(tags['veriflow.expect.all-above-five.detail'], "min(map(steps.scaled.instances, 'outputs.total')) = 4");
      assert.equal(tags['veriflow.expect.base-is-three.detail'], 'steps.base.outputs.total = 3');
      assert.match(tags['veriflow.expect.only-for-wide-sweeps.detail']!, /^condition false: if \$\{\{ len\(params.factors\) > 10 \}\}$/);
      assert.equal(tags['veriflow.expectations'], '1 held, 1 failed, 0 not evaluated, 1 skipped');
      for (const child of runs.filter((found) => found.data.tags['mlflow.parentRunId'])) {
        assert.ok(!child.data.metrics.some((metric) => metric.key.startsWith('expect.')), `${child.info.runName} carries no expectation metric`);
      }
    } finally {
      await dispose();
    }
  });
});
