import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainFirstPriority } from './priority.js';

const order = (priority: Map<string, number>) => [...priority].sort((a, b) => a[1] - b[1]).map(([name]) => name);

describe('chainFirstPriority', () => {
  it('follows each chain before starting the next, fan-ins last', () => {
    const instances = [
      { name: 'data', upstream: [] },
      { name: 'train[a]', upstream: ['data'] },
      { name: 'train[b]', upstream: ['data'] },
      { name: 'eval[a]', upstream: ['train[a]', 'data'] },
      { name: 'eval[b]', upstream: ['train[b]', 'data'] },
      { name: 'plot', upstream: ['eval[a]', 'eval[b]'] },
    ];
    assert.deepEqual(order(chainFirstPriority(instances)), ['data', 'train[a]', 'eval[a]', 'train[b]', 'eval[b]', 'plot']);
  });

  it('is a topological order, ignores upstream outside the selection, and handles long chains', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => ({ name: `s${i}`, upstream: i === 0 ? ['not-selected'] : [`s${i - 1}`] }));
    const priority = chainFirstPriority(chain);
    assert.equal(priority.size, chain.length);
    for (const instance of chain) for (const up of instance.upstream) if (priority.has(up)) assert.ok(priority.get(up)! < priority.get(instance.name)!);
  });
});
