import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sha256Hex } from './canonical-json.js';
import type { InstanceRecord } from './instance-records.js';
import { WorkspaceLayout } from './workspace-layout.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function openWorkspace() {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-records-'));
  dirs.push(dir);
  const layout = new WorkspaceLayout(dir);
  await layout.ensure();
  return { layout, ...layout.openStores() };
}

function recordFor(key: string, outputs: InstanceRecord['outputs']): InstanceRecord {
  return {
    format: 1,
    key,
    step: 'train',
    kind: 'gaussian/train',
    version: '1',
    name: 'train[lr=0.1]',
    with: { lr: 0.1 },
    inputs: { 'data.points': `sha256:${sha256Hex('points')}` },
    outputs,
    metrics: { loss: [{ value: 0.5, step: 0 }] },
    seed: 7,
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:00:01.000Z',
    durationMs: 1000,
    host: hostname(),
    attempts: 1,
    extra: { note: 'kept' },
  };
}

test('inspect: no record, then a hit once the record is written', async () => {
  const { objects, records } = await openWorkspace();
  const key = sha256Hex('instance-a');
  assert.deepEqual(await records.inspect(key), { status: 'miss', reason: 'no-record' });
  assert.equal(await records.read(key), undefined);

  const model = await objects.putData('weights');
  const record = recordFor(key, { model: { kind: 'artifact', digest: model.digest, size: model.size }, score: { kind: 'value', value: 0.9 } });
  await records.write(record);
  assert.deepEqual(await records.inspect(key), { status: 'hit', record });
  assert.deepEqual(await records.read(key, { verify: true }), record);
  assert.deepEqual(await records.keys(), [key]);
  await records.remove(key);
  assert.equal(await records.read(key), undefined);
});

test('write refuses a record whose artifacts are not stored yet', async () => {
  const { records } = await openWorkspace();
  const key = sha256Hex('instance-b');
  const record = recordFor(key, { model: { kind: 'artifact', digest: `sha256:${sha256Hex('nope')}`, size: 4 } });
  await assert.rejects(records.write(record), /store output "model" .* in the object store first/);
  await assert.rejects(records.write({ ...record, key: 'Not-A-Key' }), /not a valid cache key/);
  assert.equal((await records.inspect(key)).status, 'miss');
});

test('inspect: missing or damaged artifacts make a miss', async () => {
  const { objects, records } = await openWorkspace();
  const key = sha256Hex('instance-c');
  const model = await objects.putData('weights');
  await records.write(recordFor(key, { model: { kind: 'artifact', digest: model.digest, size: model.size } }));

  // Same length, different bytes: the edit changed the object's ctime, so it is re-hashed and caught.
  await chmod(model.path, 0o644);
  await writeFile(model.path, 'weightz');
  const edited = await records.inspect(key);
  assert.equal(edited.status === 'miss' && edited.reason, 'outputs-corrupt');
  assert.match(edited.status === 'miss' ? (edited.detail ?? '') : '', /^model digest mismatch/);
  assert.equal((await records.inspect(key, { verify: true })).status, 'miss');

  await objects.putData('weights');
  await unlink(model.path);
  const result = await records.inspect(key);
  assert.equal(result.status === 'miss' && result.reason, 'outputs-missing');
  assert.match(result.status === 'miss' ? (result.detail ?? '') : '', /output "model" .* is gone from the object store/);
  assert.equal(await records.read(key), undefined);
});

test('inspect: corrupt JSON, unknown format and a misplaced record are misses', async () => {
  const { records } = await openWorkspace();
  const key = sha256Hex('instance-d');
  const path = records.pathOf(key);
  await records.write(recordFor(key, {}));
  const good = await readFile(path, 'utf8');

  const cases: [string, RegExp][] = [
    [good.slice(0, good.length / 2), /invalid JSON/],
    [good.replace('"format": 1', '"format": 2'), /format 2 is not supported/],
    [good.replace(key, sha256Hex('other')), /stored under/],
    [good.replace('"seed": 7', '"seed": "7"'), /"seed" must be a number/],
  ];
  for (const [text, detail] of cases) {
    await writeFile(path, text);
    const result = await records.inspect(key);
    assert.equal(result.status === 'miss' && result.reason, 'corrupt-record');
    assert.match(result.status === 'miss' ? (result.detail ?? '') : '', detail);
    assert.equal(await records.read(key), undefined);
  }
});

test('incomplete markers are written, read and cleared', async () => {
  const { markers, layout } = await openWorkspace();
  const key = sha256Hex('instance-e');
  assert.equal(await markers.readIncomplete(key), undefined);
  const info = { runId: '20240101-abc', name: 'train[lr=0.1]', pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  await markers.markIncomplete(key, info);
  assert.deepEqual(await markers.readIncomplete(key), info);
  assert.deepEqual(await markers.keys(), [key]);
  await writeFile(join(layout.incomplete, `${key}.json`), '{"runId":');
  assert.equal(await markers.readIncomplete(key), undefined, 'a damaged marker is ignored');
  await markers.clearIncomplete(key);
  await markers.clearIncomplete(key);
  assert.equal(await markers.readIncomplete(key), undefined);
});

test('WorkspaceLayout paths', () => {
  const layout = new WorkspaceLayout('/ws/project');
  assert.equal(layout.stateDir, '/ws/project/.veriflow');
  assert.equal(layout.objects, '/ws/project/.veriflow/objects');
  assert.equal(layout.tmp, '/ws/project/.veriflow/tmp');
  assert.equal(layout.runLogsDir('r1'), '/ws/project/.veriflow/runs/r1/logs');
  assert.equal(layout.workflowLockFile('hello-sweep'), '/ws/project/.veriflow/workflows/hello-sweep/lock.json');
  assert.equal(layout.workflowResultsFile('hello-sweep'), '/ws/project/.veriflow/workflows/hello-sweep/results.json');
  assert.throws(() => layout.workflowDir('../escape'), /cannot be used as a directory name/);
  assert.throws(() => layout.runDir('a/b'), /cannot be used as a directory name/);
  assert.equal(layout.instanceLockPath('ab'.repeat(32)), `/ws/project/.veriflow/locks/instances/${'ab'.repeat(32)}.lock`);
});
