import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TrackingEvent } from '../model.js';
import { finished, point, scratchWorkspace, started, trackedRun } from '../testing/fixtures.js';
import { encodeEvent } from './encode.js';
import { replayRun } from './replay.js';
import type { ReplayedRun } from './replay.js';
import { RunStore } from './run-store.js';

const log = (...events: TrackingEvent[]): string => events.map(encodeEvent).join('');
const runStarted: TrackingEvent = { type: 'run-started', run: trackedRun('r1') };

/** Cuts the log inside its last line at every byte (multi-byte characters included) and checks what replay keeps. */
function checkEveryTruncation(body: TrackingEvent[], last: TrackingEvent): void {
  const before = Buffer.from(log(...body));
  const full = Buffer.concat([before, Buffer.from(encodeEvent(last))]);
  const withoutLast = replayRun(before.toString('utf8'));
  const complete = replayRun(full.toString('utf8'));
  assert.ok(withoutLast && complete);
  for (let cut = before.length; cut <= full.length; cut++) {
    const text = full.subarray(0, cut).toString('utf8');
    let replayed: ReplayedRun | undefined;
    assert.doesNotThrow(() => (replayed = replayRun(text)), `cut at byte ${cut}`);
    // Only a cut that keeps the whole JSON (at most the newline is lost) may keep the last event.
    const expected: ReplayedRun = cut >= full.length - 1 ? complete : withoutLast;
    assert.deepEqual(replayed, { ...expected, skippedLines: cut === before.length || cut >= full.length - 1 ? 0 : 1 }, `cut at byte ${cut}`);
  }
}

describe('replayRun', () => {
  it('loses only the torn event when a kill cuts the last line at any byte', () => {
    const body: TrackingEvent[] = [runStarted, started('train[p=0.3,v=é]'), { type: 'metric', name: 'train[p=0.3,v=é]', point: point('loss', 0.5, 0) }];
    checkEveryTruncation(body, finished('train[p=0.3,v=é]', { error: 'échec → “quoted”', values: { note: 'a\nb' }, status: 'failed' }));
    checkEveryTruncation(body, { type: 'metric', name: 'train[p=0.3,v=é]', point: point('loss', 0.25, 1) });
    checkEveryTruncation([...body, finished('train[p=0.3,v=é]')], { type: 'run-finished', status: 'succeeded', time: 5 });
  });

  it('a torn run-finished leaves the run interrupted', () => {
    const text = log(runStarted, started('a')) + encodeEvent({ type: 'run-finished', status: 'succeeded', time: 5 }).slice(0, 10);
    const replayed = replayRun(text)!;
    assert.equal(replayed.run.status, 'interrupted');
    assert.equal(replayed.instances[0]!.status, 'interrupted');
  });

  it('is undefined when not even run-started survived', () => {
    assert.equal(replayRun(''), undefined);
    assert.equal(replayRun(encodeEvent(runStarted).slice(0, 20)), undefined);
    assert.equal(replayRun(log(started('a'))), undefined);
  });

  it('skips damaged and unknown lines inside the log instead of failing', () => {
    const text = `${log(runStarted)}not json\n[1,2]\n{"type":"from-the-future","x":1}\n{"type":"metric"}\n\n${log(started('a'), finished('a'))}`;
    const replayed = replayRun(text)!;
    assert.equal(replayed.skippedLines, 2);
    assert.deepEqual(replayed.instances.map((i) => [i.name, i.status]), [['a', 'succeeded']]);
  });

  it('merges streamed metrics with those in instance-finished without duplicates', () => {
    const streamed = point('loss', 0.5, 0);
    const text = log(runStarted, started('a'), { type: 'metric', name: 'a', point: streamed }, finished('a', { metrics: [streamed, point('acc', 0.9, 1)] }));
    assert.deepEqual(replayRun(text)!.instances[0]!.metrics, [streamed, point('acc', 0.9, 1)]);
  });

  describe('through the store', () => {
    let dir: string;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ dir, dispose } = await scratchWorkspace()));
    afterEach(() => dispose());

    it('reads a log truncated mid-line on disk', async () => {
      const store = new RunStore(dir);
      const writer = store.openRun(trackedRun('r1'));
      writer.append(started('a'));
      writer.append(finished('a', { values: { x: 1 } }));
      await writer.close('succeeded');
      const text = await readFile(writer.path);
      await writeFile(writer.path, text.subarray(0, text.length - 7));
      const { run, instances, skippedLines } = await store.readRun('r1');
      assert.equal(run.status, 'interrupted');
      assert.deepEqual(instances.map((i) => i.status), ['succeeded']);
      assert.equal(skippedLines, 1);
      assert.equal((await store.listRuns())[0]!.status, 'interrupted');
    });
  });
});
