import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RunLookupError } from '../store/errors.js';
import { RunStore } from '../store/run-store.js';
import { finished, scratchWorkspace, trackedRun } from '../testing/fixtures.js';
import { SelectionError, parseSelector, selectInstances } from './selection.js';

describe('parseSelector', () => {
  it('splits at the first colon only', () => {
    assert.deepEqual(parseSelector('2026'), { run: '2026', target: undefined });
    assert.deepEqual(parseSelector('2026:train'), { run: '2026', target: 'train' });
    assert.deepEqual(parseSelector('2026:train[url=http://x]'), { run: '2026', target: 'train[url=http://x]' });
  });

  it('refuses an empty run or target', () => {
    assert.throws(() => parseSelector(':train'), SelectionError);
    assert.throws(() => parseSelector('2026:'), SelectionError);
    assert.throws(() => parseSelector(''), SelectionError);
  });
});

describe('selectInstances', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  let store: RunStore;
  beforeEach(async () => {
    ({ dir, dispose } = await scratchWorkspace());
    store = new RunStore(dir);
    for (const id of ['20261126-100000-aaaaaa', '20261127-100000-bbbbbb']) {
      const writer = store.openRun(trackedRun(id));
      for (const name of ['sample', 'train[p=0.1]', 'train[p=0.2]', 'train']) writer.append(finished(name));
      await writer.close('succeeded');
    }
  });
  afterEach(() => dispose());

  const names = async (...selectors: string[]): Promise<string[]> => (await selectInstances(store, selectors)).map((i) => `${i.runId.slice(-6)}:${i.name}`);

  it('selects whole runs, instances by name (before step names), and steps, with run id prefixes', async () => {
    assert.deepEqual(await names('20261126'), ['aaaaaa:sample', 'aaaaaa:train[p=0.1]', 'aaaaaa:train[p=0.2]', 'aaaaaa:train']);
    assert.deepEqual(await names('20261126:train[p=0.2]', '20261127:train[p=0.2]'), ['aaaaaa:train[p=0.2]', 'bbbbbb:train[p=0.2]']);
    // `train` is both an instance name and a step; the exact instance wins.
    assert.deepEqual(await names('20261127:train'), ['bbbbbb:train']);
  });

  it('selects every instance of a step that is not an instance name, each instance once', async () => {
    const writer = store.openRun(trackedRun('20261128-100000-cccccc'));
    for (const name of ['eval[p=0.1]', 'eval[p=0.2]']) writer.append(finished(name));
    await writer.close('succeeded');
    assert.deepEqual(await names('20261128:eval', '20261128:eval[p=0.1]'), ['cccccc:eval[p=0.1]', 'cccccc:eval[p=0.2]']);
  });

  it('reports unknown and ambiguous runs and unknown targets', async () => {
    await assert.rejects(selectInstances(store, ['2026']), RunLookupError);
    await assert.rejects(selectInstances(store, ['1999']), RunLookupError);
    await assert.rejects(selectInstances(store, ['20261126:nope']), /run 20261126-100000-aaaaaa has no instance or step "nope"; its steps are sample, train/);
  });
});
