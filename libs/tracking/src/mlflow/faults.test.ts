// The client through a fault-injecting proxy in front of a real MLflow server: 503s with
// Retry-After, dropped connections, and a create whose answer is lost after MLflow applied it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MlflowClient } from './client.js';
import { MlflowError } from './errors.js';
import { endpoint, startFlakyProxy, type FlakyProxy } from './testing/flaky-proxy.js';
import { mlflowSkipReason, startTestServer, type TestServer } from './testing/mlflow-server.js';

const skip = await mlflowSkipReason();

describe('MlflowClient through a flaky proxy', { skip }, () => {
  let server: TestServer;
  let proxy: FlakyProxy;
  let direct: MlflowClient;
  let flaky: MlflowClient;
  let experimentId: string;

  before(async () => {
    server = await startTestServer();
    proxy = await startFlakyProxy({ target: server.uri, seed: 7 });
    const retry = { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 8, maxElapsedMs: 20_000 };
    direct = new MlflowClient({ trackingUri: server.uri, credentials: null });
    flaky = new MlflowClient({ trackingUri: proxy.url, credentials: null, retry });
    experimentId = (await direct.getOrCreateExperiment('faults')).experimentId;
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });
  beforeEach(() => {
    proxy.setRules([]);
    proxy.log.length = 0;
  });

  const runsTagged = async (key: string, value: string): Promise<number> => {
    const { runs } = await direct.searchRuns({ experimentIds: [experimentId], filter: `tags.\`${key}\` = '${value}'` });
    return runs.length;
  };

  it('gets through 503s that carry Retry-After', async () => {
    proxy.setRules([{ fault: { kind: 'unavailable', retryAfter: '0' }, first: 3 }]);
    const run = await flaky.createRun({ experimentId, runName: 'after-503' });
    await flaky.logBatch(run.info.runId, { metrics: [{ key: 'm', value: 1, step: 0 }] });
    assert.equal(proxy.count((e) => e.fault === 'unavailable'), 3);
    assert.equal((await direct.getMetricHistory(run.info.runId, 'm')).length, 1);
    assert.equal(await runsTagged('mlflow.runName', 'after-503'), 1, 'a 503 is not applied, so resending the create makes one run');
  });

  it('gets through a fraction of dropped connections and 503s on every kind of request', async () => {
    const idempotentOnly = (req: { method: string; path: string }) => !req.path.includes('/runs/create');
    proxy.setRules([
      { fault: { kind: 'reset' }, rate: 0.25, match: idempotentOnly },
      { fault: { kind: 'unavailable', retryAfter: 0 }, rate: 0.25 },
    ]);
    const run = await flaky.createRun({ experimentId, runName: 'noisy' });
    for (let chunk = 0; chunk < 5; chunk++) {
      const metrics = Array.from({ length: 200 }, (_, i) => ({ key: 'acc', value: i, step: chunk * 200 + i, timestamp: 1 }));
      await flaky.logBatch(run.info.runId, { metrics, params: { [`p${chunk}`]: String(chunk) } });
    }
    await flaky.setTag(run.info.runId, 'done', 'yes');
    await flaky.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() });
    const history = await flaky.getMetricHistory(run.info.runId, 'acc', 300);
    assert.equal(history.length, 1000);
    const back = await flaky.getRun(run.info.runId);
    assert.equal(back.info.status, 'FINISHED');
    assert.equal(Object.keys(back.data.params).length, 5);
    assert.ok(proxy.count((e) => e.fault !== undefined) >= 3, `only ${proxy.count((e) => e.fault !== undefined)} faults injected`);
  });

  it('resends an artifact upload whose connection dropped, streaming the file again', async () => {
    const run = await direct.createRun({ experimentId, runName: 'upload' });
    const bytes = randomBytes(200_000);
    const local = join(server.dir, 'upload.bin');
    writeFileSync(local, bytes);
    proxy.setRules([{ fault: { kind: 'reset' }, first: 1, match: (r) => r.method === 'PUT' }, { fault: { kind: 'reset-after-forward' }, first: 1, match: (r) => r.method === 'PUT' }]);
    await flaky.uploadArtifact(run, local, 'data/upload.bin');
    assert.equal(proxy.count((e) => e.method === 'PUT'), 3);
    assert.ok(Buffer.from(await direct.downloadArtifact(run, 'data/upload.bin')).equals(bytes));
  });

  it('does not resend a plain createRun whose answer was lost, and says so', async () => {
    proxy.setRules([{ fault: { kind: 'reset-after-forward' }, first: 1, match: endpoint('runs/create') }]);
    const error = await flaky.createRun({ experimentId, runName: 'lost-plain', tags: { probe: 'lost-plain' } }).catch((e: unknown) => e);
    assert.ok(error instanceof MlflowError);
    assert.equal(error.ambiguous, true);
    assert.match(error.message, /runs\/create failed .*the request may have been applied/);
    assert.equal(await runsTagged('probe', 'lost-plain'), 1, 'MLflow did create the run');
  });

  it('createRunIdempotent makes exactly one run when the answer to its create is lost', async () => {
    proxy.setRules([{ fault: { kind: 'reset-after-forward' }, first: 1, match: endpoint('runs/create') }]);
    const tag = ['veriflow.idempotency', 'run-123/train[p=0.3]'] as const;
    const run = await flaky.createRunIdempotent({ experimentId, runName: 'once', startTime: Date.now(), idempotencyTag: tag });
    assert.equal(proxy.count((e) => endpoint('runs/create')(e)), 1);
    assert.equal(proxy.count((e) => e.fault === 'reset-after-forward'), 1);
    assert.equal(await runsTagged(tag[0], tag[1]), 1);
    assert.equal(run.data.tags[tag[0]], tag[1]);
    // Calling again (a retried sync) finds the same run instead of creating another.
    const again = await flaky.createRunIdempotent({ experimentId, runName: 'once', idempotencyTag: tag });
    assert.equal(again.info.runId, run.info.runId);
    assert.equal(await runsTagged(tag[0], tag[1]), 1);
  });

  it('createRunIdempotent creates again when the first create never reached MLflow', async () => {
    proxy.setRules([{ fault: { kind: 'reset' }, first: 1, match: endpoint('runs/create') }]);
    const tag = ['veriflow.idempotency', "it's-dropped"] as const;
    const run = await flaky.createRunIdempotent({ experimentId, runName: 'dropped', idempotencyTag: tag });
    assert.equal(proxy.count((e) => endpoint('runs/create')(e)), 2);
    const { runs } = await direct.searchRuns({ experimentIds: [experimentId], filter: `tags.\`${tag[0]}\` = "${tag[1]}"` });
    assert.deepEqual(
      runs.map((r) => r.info.runId),
      [run.info.runId],
    );
  });
});
