import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Batcher } from './batcher.js';

/** A batcher of words grouped by first letter, recording each batch it flushed. */
function wordBatcher(window = { quietMs: 30, maxWaitMs: 1000, maxSize: 100 }): { batcher: Batcher<string, string>; batches: string[][] } {
  const batches: string[][] = [];
  const batcher = new Batcher<string, string>(window, (word) => word[0]!, async (words) => {
    batches.push([...words]);
    return words.map((word) => (word === 'bad' ? Promise.reject(new Error(`no ${word}`)) : word.toUpperCase()));
  });
  return { batcher, batches };
}

describe('Batcher', () => {
  it('hands items that arrive together over as one batch per group, each add settling with its own result', async () => {
    const { batcher, batches } = wordBatcher();
    const results = await Promise.all(['apple', 'avocado', 'banana', 'apricot'].map((word) => batcher.add(word)));
    assert.deepEqual(results, ['APPLE', 'AVOCADO', 'BANANA', 'APRICOT']);
    assert.deepEqual(batches.sort(), [['apple', 'avocado', 'apricot'], ['banana']]);
  });

  it('closes a batch after the quiet time, so a later item starts a new one', async () => {
    const { batcher, batches } = wordBatcher();
    const first = batcher.add('apple');
    await delay(100);
    await Promise.all([first, batcher.add('avocado')]);
    assert.deepEqual(batches, [['apple'], ['avocado']]);
  });

  it('closes a batch at its size limit and after its longest wait, even while items keep coming', async () => {
    const full = wordBatcher({ quietMs: 1000, maxWaitMs: 5000, maxSize: 2 });
    await Promise.all(['a1', 'a2', 'a3'].map((word) => full.batcher.add(word)));
    assert.deepEqual(full.batches, [['a1', 'a2'], ['a3']]);

    const trickle = wordBatcher({ quietMs: 40, maxWaitMs: 100, maxSize: 100 });
    const pending: Promise<string>[] = [];
    for (let index = 0; index < 8; index++) {
      pending.push(trickle.batcher.add(`a${index}`));
      await delay(25);
    }
    await Promise.all(pending);
    assert.ok(trickle.batches.length >= 2, `a steady trickle was held in one batch: ${JSON.stringify(trickle.batches)}`);
  });

  it('fails only the item whose result failed, and every item of a batch whose flush failed', async () => {
    const { batcher } = wordBatcher();
    const [bad, fine] = await Promise.allSettled([batcher.add('bad'), batcher.add('bee')]);
    assert.equal(bad.status, 'rejected');
    assert.deepEqual(fine, { status: 'fulfilled', value: 'BEE' });

    const broken = new Batcher<string, string>({ quietMs: 10, maxWaitMs: 100, maxSize: 10 }, () => 'all', () => Promise.reject(new Error('sbatch is down')));
    const settled = await Promise.allSettled([broken.add('x'), broken.add('y')]);
    assert.deepEqual(settled.map((result) => result.status), ['rejected', 'rejected']);
  });
});
