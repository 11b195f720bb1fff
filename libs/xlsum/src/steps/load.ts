import { resolve } from 'node:path';
import { defineStep } from '@veriflow/step-api';
import { readXlsumFile } from '../data/read-file.js';
import { encodeXlsumJsonl } from '../data/row.js';
import type { XlsumRow } from '../data/row.js';
import { splitIndices } from '../data/split.js';

const fraction = (description: string, fallback: number) => ({ type: 'number', exclusiveMinimum: 0, maximum: 1, default: fallback, description }) as const;
const SPLIT_FILE = 'XL-Sum JSONL (id, url, title, summary, text), rows in file order.';

export const load = defineStep({
  name: 'xlsum/load',
  version: '1',
  description:
    'Reads XL-Sum as released (JSONL: id, url, title, summary, text) from a local file and samples, from the workflow seed, three disjoint splits: the real rows the generator trains on, the pool whose summaries it synthesizes, and the test set.',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'A local XL-Sum JSONL file (e.g. english_train.jsonl; relative to the workflow file) or an xlsum/corpus output. Nothing is downloaded.' },
      test_path: { type: 'string', description: 'A JSONL file to draw the test set from (e.g. english_test.jsonl); without it the test set comes from `path` too.' },
      real: fraction('Fraction of `path` the generator trains on (its real budget).', 0.125),
      pool: fraction('Fraction of `path` whose summaries are synthesized.', 0.5),
      test: fraction('Fraction of the test rows (of `test_path` when given, else of `path`).', 0.1),
    },
  },
  outputs: {
    real: { kind: 'artifact', description: SPLIT_FILE },
    pool: { kind: 'artifact', description: SPLIT_FILE },
    test: { kind: 'artifact', description: SPLIT_FILE },
    rows: { kind: 'number', description: 'Rows read from `path`.' },
    real_rows: { kind: 'number' },
    pool_rows: { kind: 'number' },
    test_rows: { kind: 'number' },
  },
}).run(async (ctx) => {
  // Relative paths are relative to the workflow file, like every other path a workflow names.
  const path = resolve(ctx.workflowDir, ctx.with.path);
  const testPath = ctx.with.test_path === undefined ? undefined : resolve(ctx.workflowDir, ctx.with.test_path);
  const { real, pool, test } = ctx.with;
  const rows = await readXlsumFile(path);
  const testSource = testPath === undefined ? undefined : await readXlsumFile(testPath);
  const split = splitIndices(ctx.rng, rows.length, { real, pool, test }, path, testSource && testPath ? { rows: testSource.length, file: testPath } : undefined);
  const pick = (from: readonly XlsumRow[], indices: readonly number[]): Uint8Array => Buffer.from(encodeXlsumJsonl(indices.map((i) => from[i]!)));
  await ctx.writeBytes('real', pick(rows, split.real));
  await ctx.writeBytes('pool', pick(rows, split.pool));
  await ctx.writeBytes('test', pick(testSource ?? rows, split.test));
  ctx.log.info(`${rows.length} rows from ${path}: ${split.real.length} real, ${split.pool.length} pool, ${split.test.length} test${testPath ? ` (from ${testPath})` : ''}`);
  return { rows: rows.length, real_rows: split.real.length, pool_rows: split.pool.length, test_rows: split.test.length };
});
