import { defineStep } from '@veriflow/step-api';
import { readMatrices } from '../artifacts/matrices-file.js';
import { encodeJsonl } from '../artifacts/jsonl.js';
import { readSelection } from '../artifacts/selection-file.js';
import { realTrainingPairs, selectedTrainingPairs } from '../artifacts/training-pairs.js';
import { encodedLength } from '../encoding/p1000.js';
import { VOCABULARY_SIZE, toTokens } from '../encoding/vocabulary.js';

export const TOKENS_FORMAT = 'veriflow.eigen.tokens/1';

export const encode = defineStep({
  name: 'eigen/encode',
  version: '1',
  description:
    'Writes (matrix, eigenvalues) pairs as P1000 token sequences (JSON Lines, one pair per line), e.g. to train an external model on them with a command step: exactly the sequences eigen/train trains on (for a selection, the generator\'s own tokens).',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['data'],
    properties: {
      data: { type: 'string', description: 'Matrices (data output of eigen/sample).' },
      selection: { type: 'string', description: 'A selection (eigen/verify output): write its kept synthesized labels instead of the true eigenvalues.' },
    },
  },
  outputs: {
    tokens: { kind: 'artifact', description: `JSON Lines "${TOKENS_FORMAT}": a header, then { index, input, target } with space-separated tokens.` },
    count: { kind: 'number', description: 'Pairs written.' },
    input_tokens: { kind: 'number', description: 'Tokens per matrix (2 + 3·dim²).' },
    target_tokens: { kind: 'number', description: 'Tokens per eigenvalue vector (2 + 3·dim).' },
    vocabulary: { kind: 'number' },
  },
}).run(async (ctx) => {
  const data = await readMatrices(ctx.with.data);
  const selection = ctx.with.selection === undefined ? undefined : await readSelection(ctx.with.selection);
  const pairs = selection ? selectedTrainingPairs(selection, data) : realTrainingPairs(data);
  const rows = pairs.map((pair) => ({ index: pair.index, input: toTokens(pair.input).join(' '), target: toTokens(pair.target).join(' ') }));
  const inputTokens = encodedLength(data.dim, data.dim);
  const targetTokens = encodedLength(data.dim, 1);
  await ctx.writeBytes('tokens', encodeJsonl({ format: TOKENS_FORMAT, dim: data.dim, labels: selection ? 'selection' : 'true', count: rows.length, input_tokens: inputTokens, target_tokens: targetTokens } as { format: string }, rows));
  ctx.log.info(`${rows.length} pairs (${selection ? 'selected synthesized' : 'true'} labels): ${inputTokens} + ${targetTokens} tokens each`);
  return { count: rows.length, input_tokens: inputTokens, target_tokens: targetTokens, vocabulary: VOCABULARY_SIZE };
});
