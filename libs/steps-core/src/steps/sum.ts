import { defineStep } from '@veriflow/step-api';
import { sleep } from '../util/sleep.js';

export const sum = defineStep({
  name: 'core/sum',
  version: '1',
  description: 'Adds numbers; writes a JSON report artifact and logs the total as a metric.',
  with: {
    type: 'object',
    properties: {
      values: { type: 'array', items: { type: 'number' } },
      delay_ms: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description: 'Wait this long first (cancellable): lets tests make a run slow enough to interrupt.',
      },
    },
    required: ['values'],
    additionalProperties: false,
  },
  outputs: {
    total: { kind: 'number' },
    report: { kind: 'artifact', description: 'JSON: { values, total }.' },
  },
}).run(async (ctx) => {
  // The runner fills schema defaults; the `= 0` only guards direct calls.
  const { values, delay_ms: delayMs = 0 } = ctx.with;
  if (delayMs > 0) await sleep(delayMs, ctx.signal);
  ctx.signal.throwIfAborted();
  const total = values.reduce((acc, v) => acc + v, 0);
  ctx.metrics.log('total', total);
  await ctx.writeJson('report', { values, total });
  return { total };
});
