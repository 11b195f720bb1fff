import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestContext } from '../testing/test-context.js';
import { echo } from './echo.js';

it('core/echo logs the message and passes message and value through', async () => {
  const t = await createTestContext({ with: { message: 'hello', value: { a: [1, 2] } } });
  try {
    assert.deepEqual(await echo.run(t.ctx), { message: 'hello', value: { a: [1, 2] } });
    assert.deepEqual(t.logs, [{ level: 'info', message: 'hello' }]);
  } finally {
    await t.cleanup();
  }
});

it('core/echo gives null when no value is given', async () => {
  const t = await createTestContext({ with: { message: 'hi' } });
  try {
    assert.deepEqual(await echo.run(t.ctx), { message: 'hi', value: null });
  } finally {
    await t.cleanup();
  }
});
