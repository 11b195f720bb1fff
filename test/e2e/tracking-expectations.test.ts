import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunStore } from '@veriflow/tracking';
import { mlflowSkipReason } from '@veriflow/tracking/testing';
import { runCli, workspace } from '../support/cli.js';
import { runsOf, useMlflowServer } from '../support/mlflow.js';

const skip = await mlflowSkipReason();

// Totals 4, 5, 6: one claim holds, one fails, one does not apply to this configuration.
const WORKFLOW = `name: tracked-claims
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

describe('expectations reach a real MLflow server', { skip }, () => {
  const mlflow = useMlflowServer();

  it('puts an expect.<name> metric (1 held, 0 failed) and veriflow.expect.* tags on the parent run; a skipped claim has tags only', async () => {
    const { dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW });
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
