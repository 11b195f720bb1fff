// The client against a real MLflow server (scripts/mlflow-server.js, installed into .venv-mlflow).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MlflowClient } from './client.js';
import { isMlflowError, MlflowError } from './errors.js';
import { MlflowValidationError } from './limits.js';
import { mlflowSkipReason, startTestServer, type TestServer } from './testing/mlflow-server.js';
import type { Run } from './types.js';

const skip = await mlflowSkipReason();

describe('MlflowClient against a real MLflow server', { skip }, () => {
  let server: TestServer;
  let client: MlflowClient;
  let experimentId: string;

  before(async () => {
    server = await startTestServer();
    client = new MlflowClient({ trackingUri: server.uri, credentials: null, retry: { baseDelayMs: 20, maxDelayMs: 200 } });
    experimentId = (await client.getOrCreateExperiment('client-tests')).experimentId;
  });
  after(async () => server?.stop());

  const newRun = (name: string, tags: Record<string, string> = {}): Promise<Run> => client.createRun({ experimentId, runName: name, startTime: Date.now(), tags });

  it('answers health', async () => {
    assert.equal(await client.health(), true);
  });

  it('gets, creates, and survives a race to create an experiment', async () => {
    assert.equal(await client.getExperimentByName('race'), undefined);
    const all = await Promise.all(Array.from({ length: 8 }, () => client.getOrCreateExperiment('race')));
    const ids = new Set(all.map((e) => e.experimentId));
    assert.equal(ids.size, 1);
    const got = await client.getExperimentByName('race');
    assert.equal(got?.experimentId, all[0]?.experimentId);
    assert.equal(got?.name, 'race');
    assert.match(got?.artifactLocation ?? '', /^mlflow-artifacts:/);
    await assert.rejects(client.createExperiment('race'), (e: unknown) => isMlflowError(e, 'RESOURCE_ALREADY_EXISTS') && /already exists; fetch it/.test(e.message));
    await client.deleteExperiment(got!.experimentId);
    await assert.rejects(client.getOrCreateExperiment('race'), /MLflow experiment "race" \(id \d+\) is deleted; restore it/);
  });

  it('creates, updates and reads back a run', async () => {
    const run = await client.createRun({ experimentId, runName: 'first', startTime: 1_700_000_000_000, tags: { 'veriflow.run': 'abc' } });
    assert.equal(run.info.status, 'RUNNING');
    assert.equal(run.info.runName, 'first');
    assert.equal(run.info.startTime, 1_700_000_000_000);
    const info = await client.updateRun(run.info.runId, { status: 'FINISHED', endTime: 1_700_000_005_000, runName: 'renamed' });
    assert.equal(info.status, 'FINISHED');
    const back = await client.getRun(run.info.runId);
    assert.equal(back.info.endTime, 1_700_000_005_000);
    assert.equal(back.info.runName, 'renamed');
    assert.equal(back.data.tags['veriflow.run'], 'abc');
    await client.setTag(run.info.runId, 'note', 'hello');
    assert.equal((await client.getRun(run.info.runId)).data.tags['note'], 'hello');
    await assert.rejects(client.getRun('0123456789abcdef0123456789abcdef'), (e: unknown) => e instanceof MlflowError && e.status === 404 && e.errorCode === 'RESOURCE_DOES_NOT_EXIST');
  });

  it('searches runs page by page', async () => {
    for (let i = 0; i < 7; i++) await newRun(`paged-${i}`, { group: 'paging', i: String(i) });
    await newRun('other', { group: 'elsewhere' });
    const filter = "tags.`group` = 'paging'";
    const first = await client.searchRuns({ experimentIds: [experimentId], filter, maxResults: 3, orderBy: ['tags.`i` ASC'] });
    assert.equal(first.runs.length, 3);
    assert.ok(first.nextPageToken);
    const all: Run[] = [];
    for await (const run of client.iterateRuns({ experimentIds: [experimentId], filter, maxResults: 3, orderBy: ['attributes.start_time ASC'] })) all.push(run);
    assert.equal(all.length, 7);
    assert.deepEqual(new Set(all.map((r) => r.data.tags['i'])), new Set(['0', '1', '2', '3', '4', '5', '6']));
  });

  it('splits a large batch and reads 2,500 metric points back with their steps', async () => {
    const run = await newRun('big-batch');
    const metrics = Array.from({ length: 2500 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step }));
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p.${i}`, String(i)]));
    const tags = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`t.${i}`, `v${i}`]));
    const result = await client.logBatch(run.info.runId, { metrics, params, tags });
    assert.ok(result.requests >= 3, `${result.requests} requests`);
    const history = await client.getMetricHistory(run.info.runId, 'loss', 1000);
    assert.equal(history.length, 2500);
    assert.deepEqual(
      history.map((m) => m.step).sort((a, b) => a - b),
      metrics.map((m) => m.step),
    );
    assert.equal(history.find((m) => m.step === 99)?.value, 1 / 100);
    const back = await client.getRun(run.info.runId);
    assert.equal(Object.keys(back.data.params).length, 150);
    assert.equal(back.data.tags['t.119'], 'v119');
    // Sending the same batch again (as a retry would) is harmless.
    await client.logBatch(run.info.runId, { metrics: metrics.slice(0, 10), params: { 'p.0': '0' } });
    assert.equal((await client.getMetricHistory(run.info.runId, 'loss')).length, 2500);
  });

  it('refuses invalid params, tags and metrics before sending, or fixes them when asked', async () => {
    const run = await newRun('limits');
    const id = run.info.runId;
    await assert.rejects(client.logBatch(id, { params: { 'model:lr': '1' } }), (e: unknown) => e instanceof MlflowValidationError && e.key === 'model:lr');
    await assert.rejects(client.logBatch(id, { params: { long: 'x'.repeat(6001) } }), /param "long" is invalid: values are at most 6000 characters/);
    await assert.rejects(client.logBatch(id, { tags: { long: 'x'.repeat(8001) } }), /tag "long" is invalid: values are at most 8000 characters/);
    await assert.rejects(client.logBatch(id, { metrics: [{ key: 'm', value: Number.NaN }] }), /metric "m" is invalid: values must be finite/);
    // The longest values MLflow allows go through as they are.
    await client.logBatch(id, { params: { max: 'p'.repeat(6000) }, tags: { max: 't'.repeat(8000) } });
    const fixed = await client.logBatch(id, { params: { 'a:b': '1', long: 'x'.repeat(7000) }, metrics: [{ key: 'm', value: Infinity }, { key: 'm', value: 2 }] }, { invalid: 'fix' });
    assert.equal(fixed.fixes.length, 3);
    const back = await client.getRun(id);
    assert.equal(back.data.params['a_b'], '1');
    assert.equal(back.data.params['long']?.length, 6000);
    assert.equal(back.data.params['max']?.length, 6000);
    assert.equal(back.data.tags['max']?.length, 8000);
    assert.deepEqual(
      back.data.metrics.map((m) => [m.key, m.value]),
      [['m', 2]],
    );
    // What the server itself refuses comes back as an MlflowError with MLflow's code.
    await assert.rejects(client.logBatch(id, { params: { max: 'changed' } }), (e: unknown) => isMlflowError(e, 'INVALID_PARAMETER_VALUE') && e.status === 400);
  });

  it('logs dataset inputs that getRun shows', async () => {
    const run = await newRun('inputs');
    const schema = JSON.stringify({ mlflow_colspec: [{ name: 'x', type: 'double' }] });
    await client.logInputs(run.info.runId, [
      { name: 'train', digest: 'd41d8cd98f00', sourceType: 'local', source: JSON.stringify({ uri: 'file:///data/train.csv' }), schema, context: 'training' },
      { name: 'eval', digest: 'aa11', sourceType: 'local', source: '{}', profile: '{"rows": 3}', context: 'evaluation' },
    ]);
    const inputs = (await client.getRun(run.info.runId)).inputs.datasetInputs;
    assert.equal(inputs.length, 2);
    const train = inputs.find((d) => d.dataset.name === 'train');
    assert.equal(train?.dataset.digest, 'd41d8cd98f00');
    assert.equal(train?.dataset.schema, schema);
    assert.equal(train?.tags['mlflow.data.context'], 'training');
    assert.equal(inputs.find((d) => d.dataset.name === 'eval')?.dataset.profile, '{"rows": 3}');
    await assert.rejects(client.logInputs(run.info.runId, [{ name: 'x', digest: 'd'.repeat(37), sourceType: 'local', source: '' }]), /dataset "x" is invalid: digest is over 36/);
  });

  it('uploads and downloads artifacts byte for byte through the proxy', async () => {
    const run = await newRun('artifacts');
    const bytes = randomBytes(300_000);
    const local = join(server.dir, 'blob.bin');
    writeFileSync(local, bytes);
    await client.uploadArtifact(run, local, 'outputs/nested dir/blob.bin');
    writeFileSync(join(server.dir, 'small.json'), '{"a":1}');
    await client.uploadArtifact(run.info.runId, join(server.dir, 'small.json'), 'small.json', 'application/json');
    const down = await client.downloadArtifact(run, 'outputs/nested dir/blob.bin');
    assert.equal(down.length, bytes.length);
    assert.ok(Buffer.from(down).equals(bytes));
    assert.deepEqual(
      (await client.listArtifacts(run)).map((f) => [f.path, f.isDir]).sort(),
      [
        ['outputs', true],
        ['small.json', false],
      ],
    );
    const nested = await client.listArtifacts(run.info.runId, 'outputs/nested dir');
    assert.deepEqual(nested, [{ path: 'outputs/nested dir/blob.bin', isDir: false, fileSize: 300_000 }]);
    await assert.rejects(client.downloadArtifact(run, 'missing.txt'), (e: unknown) => isMlflowError(e, 'RESOURCE_DOES_NOT_EXIST'));
    await assert.rejects(client.uploadArtifact(run, local, '../escape.bin'), /must be relative/);
  });
});
