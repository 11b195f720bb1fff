import { defineStep } from '@veriflow/step-api';

/** The smallest complete step: the example the API documentation points at. */
export const echo = defineStep({
  name: 'core/echo',
  version: '1',
  description: 'Logs a message and passes it, and an optional JSON value, through as outputs.',
  with: {
    type: 'object',
    properties: {
      message: { type: 'string' },
      value: { description: 'Any JSON value, passed through unchanged.' },
    },
    required: ['message'],
    additionalProperties: false,
  },
  outputs: {
    message: { kind: 'string' },
    value: { kind: 'json', description: 'The `value` given, or null.' },
  },
}).run(async (ctx) => {
  ctx.log.info(ctx.with.message);
  return { message: ctx.with.message, value: ctx.with.value ?? null };
});
