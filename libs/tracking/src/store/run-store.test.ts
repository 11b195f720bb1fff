import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { finished, point, scratchWorkspace, started, trackedRun } from '../testing/fixtures.js';
import { RunLookupError } from './errors.js';
import { RunStore } from './run-store.js';

describe('RunStore', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => ({ dir, dispose } = await scratchWorkspace()));
  afterEach(() => dispose());

  it('round-trips a run: metric events build histories, instance-finished carries the final record', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('20261126-125539-1a1d03', { gitCommit: 'abc123', preset: 'cpu', overrides: ['p=0.3'] }));
    writer.append(started('train[p=0.3]'));
    writer.append({ type: 'metric', name: 'train[p=0.3]', point: point('loss', 0.9, 0) });
    writer.append({ type: 'metric', name: 'train[p=0.3]', point: point('loss', 0.4, 1) });
    writer.append(finished('train[p=0.3]', { params: { p: '0.3' }, tags: { t: 'x' }, values: { accuracy: 0.91 }, cacheKey: 'k1', datasets: [{ name: 'd', digest: 'sha256:1', role: 'output' }] }));
    // A cached instance never streams metrics: its final event brings them from the run that computed it.
    writer.append(finished('eval', { status: 'cached', producedByRun: '20261125-000000-aaaaaa', metrics: [point('acc', 0.8, 3)] }));
    await writer.close('succeeded', 1_700_000_009_000);
    assert.equal(writer.closed, true);

    const { run, instances, skippedLines } = await store.readRun('20261126-125539-1a1d03');
    assert.equal(skippedLines, 0);
    assert.deepEqual(run, { ...trackedRun('20261126-125539-1a1d03', { gitCommit: 'abc123', preset: 'cpu', overrides: ['p=0.3'] }), status: 'succeeded', endedAt: 1_700_000_009_000 });
    assert.deepEqual(
      instances.map((i) => [i.name, i.status, i.step, i.kind, i.runId]),
      [
        ['train[p=0.3]', 'succeeded', 'train', 'train-kind', run.id],
        ['eval', 'cached', 'eval', 'eval-kind', run.id],
      ],
    );
    const [train, evaluate] = instances;
    assert.deepEqual(train!.metrics, [point('loss', 0.9, 0), point('loss', 0.4, 1)]);
    assert.deepEqual(train!.params, { p: '0.3' });
    assert.deepEqual(train!.values, { accuracy: 0.91 });
    assert.equal(train!.cacheKey, 'k1');
    assert.deepEqual(train!.datasets, [{ name: 'd', digest: 'sha256:1', role: 'output' }]);
    assert.equal(evaluate!.producedByRun, '20261125-000000-aaaaaa');
    assert.deepEqual(evaluate!.metrics, [point('acc', 0.8, 3)]);

    const lines = (await readFile(writer.path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'the log ends with a newline');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).type),
      ['run-started', 'instance-started', 'metric', 'metric', 'instance-finished', 'instance-finished', 'run-finished'],
    );
  });

  it('keeps non-finite metric values as numbers', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('r1'));
    writer.append({ type: 'metric', name: 'train', point: point('loss', Number.NaN, 0) });
    writer.append({ type: 'metric', name: 'train', point: point('loss', Number.POSITIVE_INFINITY, 1) });
    await writer.close('failed');
    const { instances } = await store.readRun('r1');
    assert.deepEqual(instances[0]!.metrics.map((p) => p.value), [Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('a run without run-finished is interrupted, and so are its unfinished instances', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('r1'));
    writer.append(started('a'));
    writer.append(finished('a'));
    writer.append(started('b'));
    writer.append({ type: 'metric', name: 'b', point: point('loss', 1, 0) });
    await writer.abandon();
    const { run, instances } = await store.readRun('r1');
    assert.equal(run.status, 'interrupted');
    assert.equal(run.endedAt, undefined);
    assert.deepEqual(instances.map((i) => [i.name, i.status, i.metrics.length]), [['a', 'succeeded', 0], ['b', 'interrupted', 1]]);
    const [summary] = await store.listRuns();
    assert.deepEqual(summary, { id: 'r1', workflow: 'sweep', status: 'interrupted', startedAt: run.startedAt, endedAt: undefined, instanceCount: 2, counts: { succeeded: 1, interrupted: 1 } });
  });

  it('a run whose writer is alive is running; once the writer is dead it is interrupted', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('r1'));
    writer.append(started('a'));
    assert.deepEqual((await store.listRuns()).map((r) => [r.status, r.counts]), [['running', { running: 1 }]]);
    // What a SIGKILL leaves: the marker names a process that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(join(store.runDir('r1'), 'writer.json'), JSON.stringify({ pid: dead, host: hostname() }));
    const { run, instances } = await store.readRun('r1');
    assert.deepEqual([run.status, instances[0]!.status], ['interrupted', 'interrupted']);
    await writer.close('succeeded');
    assert.deepEqual(await readdir(store.runDir('r1')), ['events.jsonl'], 'close removes the marker');
  });

  it('instances still running when a run is cancelled are cancelled', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('r1'));
    writer.append(started('a'));
    await writer.close('cancelled');
    assert.equal((await store.readRun('r1')).instances[0]!.status, 'cancelled');
  });

  it('refuses a second run with the same id, appends after close, and run events through append', async () => {
    const store = new RunStore(dir);
    const writer = store.openRun(trackedRun('r1'));
    assert.throws(() => store.openRun(trackedRun('r1')), /EEXIST/);
    assert.throws(() => writer.append({ type: 'run-finished', status: 'succeeded', time: 0 }), /close/);
    await writer.close('succeeded');
    await writer.close('failed');
    assert.throws(() => writer.append(started('a')), /closed/);
    assert.equal((await store.readRun('r1')).run.status, 'succeeded');
    assert.throws(() => store.openRun(trackedRun('../escape')), /invalid run id/);
  });

  it('lists runs newest first with instance counts, leaving out directories without a readable log', async () => {
    const store = new RunStore(dir);
    for (const [id, startedAt] of [['20261126-100000-aaaaaa', 1000], ['20261127-100000-bbbbbb', 3000], ['20261126-120000-cccccc', 2000]] as const) {
      const writer = store.openRun(trackedRun(id, { startedAt }));
      writer.append(finished('a', { status: id.endsWith('b') ? 'failed' : 'succeeded' }));
      await writer.close(id.endsWith('b') ? 'failed' : 'succeeded', startedAt + 5);
    }
    await mkdir(join(store.runsDir, '20261128-000000-dddddd'));
    await mkdir(join(store.runsDir, '20261128-000000-eeeeee'));
    await writeFile(join(store.runsDir, '20261128-000000-eeeeee', 'events.jsonl'), '{"type":"run-sta');
    const runs = await store.listRuns();
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.endedAt, r.counts]), [
      ['20261127-100000-bbbbbb', 'failed', 3005, { failed: 1 }],
      ['20261126-120000-cccccc', 'succeeded', 2005, { succeeded: 1 }],
      ['20261126-100000-aaaaaa', 'succeeded', 1005, { succeeded: 1 }],
    ]);
    assert.deepEqual(await new RunStore(join(dir, 'empty')).listRuns(), []);
  });

  describe('run id prefixes', () => {
    const ids = ['20261126-125539-1a1d03', '20261126-130000-2b2b2b', '20261127-090000-3c3c3c', 'abc', 'abcd'];
    beforeEach(async () => {
      const store = new RunStore(dir);
      for (const id of ids) await store.openRun(trackedRun(id)).close('succeeded');
    });

    it('resolve a unique prefix, and an exact id even when it prefixes another', async () => {
      const store = new RunStore(dir);
      assert.equal(await store.resolveRunId('20261127'), '20261127-090000-3c3c3c');
      assert.equal(await store.resolveRunId('20261126-13'), '20261126-130000-2b2b2b');
      assert.equal(await store.resolveRunId('abc'), 'abc');
      assert.equal((await store.readRun('20261127')).run.id, '20261127-090000-3c3c3c');
    });

    it('refuse an ambiguous prefix, listing the candidates', async () => {
      await assert.rejects(new RunStore(dir).resolveRunId('20261126'), (error: unknown) => {
        assert.ok(error instanceof RunLookupError);
        assert.deepEqual(error.candidates, ['20261126-130000-2b2b2b', '20261126-125539-1a1d03']);
        assert.match(error.message, /"20261126" is ambiguous: it matches 20261126-130000-2b2b2b, 20261126-125539-1a1d03$/);
        return true;
      });
    });

    it('refuse an id that matches nothing, naming the newest runs', async () => {
      await assert.rejects(new RunStore(dir).readRun('2025'), /no run matches "2025"; the newest runs are abcd, abc, 20261127-090000-3c3c3c/);
      await assert.rejects(new RunStore(join(dir, 'none')).readRun('x'), /no run matches "x": no runs are recorded/);
    });
  });

  describe('sync state', () => {
    it('is undefined until written, replaced atomically, and separate from the events log', async () => {
      const store = new RunStore(dir);
      const writer = store.openRun(trackedRun('r1'));
      await writer.close('succeeded');
      const log = await readFile(writer.path, 'utf8');
      assert.equal(await store.readSyncState('r1'), undefined);
      await store.writeSyncState('r1', { mlflowRunId: 'm1', lastEvent: 3 });
      await store.writeSyncState('r1', { mlflowRunId: 'm1', lastEvent: 7 });
      assert.deepEqual(await store.readSyncState('r1'), { mlflowRunId: 'm1', lastEvent: 7 });
      assert.deepEqual((await readdir(store.runDir('r1'))).sort(), ['events.jsonl', 'sync-state.json']);
      assert.equal(await readFile(writer.path, 'utf8'), log);
    });

    it('is refused for a run that does not exist', async () => {
      await assert.rejects(new RunStore(dir).writeSyncState('nope', {}), /no run "nope"/);
      await assert.rejects(new RunStore(dir).writeSyncState('../x', {}), /invalid run id/);
    });
  });
});
