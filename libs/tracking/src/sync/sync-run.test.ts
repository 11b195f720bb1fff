// syncRun against a real MLflow server (scripts/mlflow-server.js): a live sync's ticks push only new points.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MlflowClient } from '../mlflow/client.js';
import { endpoint, startFlakyProxy } from '../mlflow/testing/flaky-proxy.js';
import { mlflowSkipReason, startTestServer, type TestServer } from '../mlflow/testing/mlflow-server.js';
import type { Metric } from '../mlflow/types.js';
import { RunStore } from '../store/run-store.js';
import { finished, point, scratchWorkspace, started, trackedRun } from '../testing/fixtures.js';
import { SyncProgress, syncRun } from './sync-run.js';

const skip = await mlflowSkipReason();

/** The real client, counting its history reads (a spy beside the server, not instead of it). */
class CountingClient extends MlflowClient {
  historyReads = 0;
  override async getMetricHistory(runId: string, key: string, pageSize?: number): Promise<Metric[]> {
    this.historyReads++;
    return super.getMetricHistory(runId, key, pageSize);
  }
}

describe('syncRun against a real MLflow server', { skip }, () => {
  let server: TestServer;
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => {
    server = await startTestServer();
    ({ dir, dispose } = await scratchWorkspace());
  });
  after(async () => {
    await server?.stop();
    await dispose?.();
  });

  it('live ticks with one SyncProgress push each new point once and read no history; a fresh sync finds nothing missing', async () => {
    const client = new CountingClient({ trackingUri: server.uri, credentials: null, retry: { baseDelayMs: 20, maxDelayMs: 200 } });
    const store = new RunStore(dir);
    const run = trackedRun('20261126-171500-abcdef', { experiment: 'live-progress' });
    const writer = store.openRun(run);
    writer.append(started('train'));
    const progress = new SyncProgress();
    let step = 0;
    const logMore = (count: number): void => {
      for (let i = 0; i < count; i++, step++) {
        writer.append({ type: 'metric', name: 'train', point: point('loss', 1 / (step + 1), step) });
        writer.append({ type: 'metric', name: 'train', point: point('accuracy', step / 100, step) });
      }
    };
    const pushed: number[] = [];
    for (const count of [5, 7, 0, 3]) {
      logMore(count);
      pushed.push((await syncRun(client, store, run.id, progress)).metricsLogged);
    }
    assert.deepEqual(pushed, [10, 14, 0, 6], 'each tick pushes exactly the new points of both keys');
    assert.equal(client.historyReads, 0, 'live ticks never read a metric history back');

    writer.append(finished('train', { values: { loss: 1 / step } }));
    await writer.close('succeeded', 1_700_000_009_000);
    assert.equal((await syncRun(client, store, run.id, progress)).complete, true);

    // MLflow holds every point exactly once.
    const fresh = await syncRun(client, store, run.id);
    assert.equal(fresh.metricsLogged, 0);
    const child = (await client.searchRuns({ experimentIds: [fresh.experimentId], filter: `tags.\`veriflow.instance_id\` = '${run.id}/train'` })).runs[0]!;
    for (const key of ['loss', 'accuracy']) {
      const history = await client.getMetricHistory(child.info.runId, key);
      assert.deepEqual(history.map((m) => m.step).sort((a, b) => a - b), Array.from({ length: step }, (_, i) => i), key);
    }
  });

  it('after a push that failed (stored by the server, then the connection dropped), the next tick compares with MLflow instead of trusting its progress', async () => {
    // The real server behind a proxy that forwards the first log-batch and then drops the connection.
    const proxy = await startFlakyProxy({ target: server.uri });
    try {
      const client = new CountingClient({ trackingUri: proxy.url, credentials: null, retry: { maxAttempts: 1 } });
      const store = new RunStore(dir);
      const run = trackedRun('20261126-171501-abcdef', { experiment: 'live-progress' });
      const writer = store.openRun(run);
      writer.append(started('train'));
      writer.append({ type: 'metric', name: 'train', point: point('loss', 0.5, 0) });
      const progress = new SyncProgress();
      assert.equal((await syncRun(client, store, run.id, progress)).metricsLogged, 1);
      writer.append({ type: 'metric', name: 'train', point: point('loss', 0.25, 1) });
      proxy.setRules([{ fault: { kind: 'reset-after-forward' }, match: endpoint('runs/log-batch'), first: 1 }]);
      await assert.rejects(syncRun(client, store, run.id, progress));
      assert.equal(proxy.count((entry) => entry.fault === 'reset-after-forward'), 1, 'the push reached the server and its answer was dropped');
      proxy.setRules([]);
      writer.append({ type: 'metric', name: 'train', point: point('loss', 0.125, 2) });
      const reads = client.historyReads;
      assert.equal((await syncRun(client, store, run.id, progress)).metricsLogged, 1, 'only the point MLflow lacks');
      assert.equal(client.historyReads, reads + 1);
      const child = (await client.searchRuns({ experimentIds: [(await client.getOrCreateExperiment('live-progress')).experimentId], filter: `tags.\`veriflow.instance_id\` = '${run.id}/train'` })).runs[0]!;
      assert.deepEqual((await client.getMetricHistory(child.info.runId, 'loss')).map((m) => m.value).sort(), [0.125, 0.25, 0.5]);
      await writer.close('succeeded', 1_700_000_009_000);
    } finally {
      await proxy.close();
    }
  });
});
