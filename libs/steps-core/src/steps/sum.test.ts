import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestContext } from '../testing/test-context.js';
import { sum } from './sum.js';

it('core/sum returns the total, writes the report and logs the metric', async () => {
  const t = await createTestContext({ with: { values: [1, 2, 3.5], delay_ms: 0 } });
  try {
    assert.deepEqual(await sum.run(t.ctx), { total: 6.5 });
    assert.deepEqual(await t.readOutputJson('report'), { values: [1, 2, 3.5], total: 6.5 });
    assert.deepEqual(t.metrics, [{ key: 'total', value: 6.5, step: 0 }]);
  } finally {
    await t.cleanup();
  }
});

it('core/sum of nothing is 0', async () => {
  const t = await createTestContext({ with: { values: [] as number[], delay_ms: 0 } });
  try {
    assert.deepEqual(await sum.run(t.ctx), { total: 0 });
  } finally {
    await t.cleanup();
  }
});

it('core/sum stops its delay promptly when cancelled, with the signal reason', async () => {
  const t = await createTestContext({ with: { values: [1], delay_ms: 60_000 } });
  try {
    const reason = new Error('user pressed Ctrl-C');
    const started = Date.now();
    setTimeout(() => t.abort(reason), 20);
    await assert.rejects(sum.run(t.ctx), (error) => error === reason);
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(t.metrics, []);
  } finally {
    await t.cleanup();
  }
});
