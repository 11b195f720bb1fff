import { defineStep } from '@veriflow/step-api';
import { eigenvaluesAt, matrixAt, readMatrices } from '../artifacts/matrices-file.js';
import { encodeJsonl } from '../artifacts/jsonl.js';
import { readSelection } from '../artifacts/selection-file.js';
import { decodeMatrix, decodeVector, encodeMatrix, encodeVector, roundP1000 } from '../encoding/p1000.js';
import { VOCABULARY_SIZE } from '../encoding/vocabulary.js';

export const TOKENS_FORMAT = 'veriflow.eigen.tokens/1';

const sameAsRounded = (decoded: ArrayLike<number>, values: ArrayLike<number>): boolean =>
  decoded.length === values.length && Array.from(decoded).every((v, i) => v === roundP1000(values[i]!));

/** The matrix's tokens decode to its entries as P1000 rounds them. */
function matrixRoundTrips(tokens: readonly string[], entries: ArrayLike<number>, dim: number): boolean {
  const decoded = decodeMatrix(tokens, { rows: dim, cols: dim });
  return !('malformed' in decoded) && sameAsRounded(decoded.entries, entries);
}

/** The vector's tokens decode to its values as P1000 rounds them. */
function vectorRoundTrips(tokens: readonly string[], values: ArrayLike<number>, dim: number): boolean {
  const decoded = decodeVector(tokens, dim);
  return Array.isArray(decoded) && sameAsRounded(decoded, values);
}

export const encode = defineStep({
  name: 'eigen/encode',
  version: '1',
  description:
    'Writes (matrix, eigenvalues) pairs as P1000 token sequences (JSON Lines, one pair per line), e.g. to train an external model on them with a command step. Every sequence is decoded back and checked against the numbers it encodes.',
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
  if (selection && selection.header.dim !== data.dim) throw new Error(`selection is for ${selection.header.dim}×${selection.header.dim} matrices but data holds ${data.dim}×${data.dim}`);
  const rows: { index: number; input: string; target: string }[] = [];
  const add = (index: number, values: ArrayLike<number>) => {
    const matrix = matrixAt(data, index);
    const input = encodeMatrix(matrix, data.dim);
    const target = encodeVector(values);
    // A sequence that does not decode to what it encodes would teach a model the wrong numbers: fail loudly.
    if (!matrixRoundTrips(input, matrix, data.dim)) throw new Error(`matrix ${index} does not survive P1000 encoding and decoding`);
    if (!vectorRoundTrips(target, values, data.dim)) throw new Error(`the eigenvalues of matrix ${index} do not survive P1000 encoding and decoding`);
    rows.push({ index, input: input.join(' '), target: target.join(' ') });
  };
  if (selection) {
    for (const row of selection.rows) {
      if (!row.kept) continue;
      if (row.index >= data.count) throw new Error(`selection row for input ${row.index} but the data file holds ${data.count} matrices`);
      add(row.index, row.eigenvalues);
    }
  } else {
    for (let i = 0; i < data.count; i++) add(i, eigenvaluesAt(data, i));
  }
  const inputTokens = 2 + 3 * data.dim * data.dim;
  const targetTokens = 2 + 3 * data.dim;
  await ctx.writeBytes('tokens', encodeJsonl({ format: TOKENS_FORMAT, dim: data.dim, labels: selection ? 'selection' : 'true', count: rows.length, input_tokens: inputTokens, target_tokens: targetTokens } as { format: string }, rows));
  ctx.log.info(`${rows.length} pairs (${selection ? 'selected synthesized' : 'true'} labels): ${inputTokens} + ${targetTokens} tokens each, all round-trip`);
  return { count: rows.length, input_tokens: inputTokens, target_tokens: targetTokens, vocabulary: VOCABULARY_SIZE };
});
