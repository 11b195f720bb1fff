import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { defineStep } from '@veriflow/step-api';
import { forEachXlsumRow } from '../data/read-file.js';
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
  // Parsing a 300,000-article file keeps a CPU busy for a while.
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'A local XL-Sum JSONL file (e.g. english_train.jsonl; relative to the workflow file) or an xlsum/corpus output. Nothing is downloaded.' },
      test_path: { type: 'string', description: 'A JSONL file to draw the test set from (e.g. english_test.jsonl); without it (or "") the test set comes from `path` too.' },
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
  // "" is a workflow's way to leave it out: an expression cannot drop a key.
  const testPath = ctx.with.test_path === undefined || ctx.with.test_path === '' ? undefined : resolve(ctx.workflowDir, ctx.with.test_path);
  const { real, pool, test } = ctx.with;
  // Two passes instead of holding the file: the first checks every row and counts them, the second
  // copies the sampled rows to their split.
  const rows = await forEachXlsumRow(path, () => undefined);
  const testRows = testPath === undefined ? undefined : { rows: await forEachXlsumRow(testPath, () => undefined), file: testPath };
  const split = splitIndices(ctx.rng, rows, { real, pool, test }, path, testRows);
  const outputs = { real: new SplitWriter(ctx.outputPath('real')), pool: new SplitWriter(ctx.outputPath('pool')), test: new SplitWriter(ctx.outputPath('test')) };
  const destination = new Map<number, SplitWriter>([...split.real.map((i) => [i, outputs.real] as const), ...split.pool.map((i) => [i, outputs.pool] as const)]);
  if (testPath === undefined) for (const i of split.test) destination.set(i, outputs.test);
  await forEachXlsumRow(path, (row, index) => destination.get(index)?.write(row));
  if (testPath !== undefined) {
    const chosen = new Set(split.test);
    await forEachXlsumRow(testPath, (row, index) => (chosen.has(index) ? outputs.test.write(row) : undefined));
  }
  await Promise.all(Object.values(outputs).map((writer) => writer.close()));
  ctx.log.info(`${rows} rows from ${path}: ${split.real.length} real, ${split.pool.length} pool, ${split.test.length} test${testPath ? ` (from ${testPath})` : ''}`);
  return { rows, real_rows: split.real.length, pool_rows: split.pool.length, test_rows: split.test.length };
});

/** Appends rows to one split's JSONL file, waiting when the stream's buffer is full. */
class SplitWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(file: string) {
    this.stream = createWriteStream(file);
    // Kept until the next write or close reports it (a full disk, say), instead of an uncaught 'error'.
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async write(row: XlsumRow): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(encodeXlsumJsonl([row]))) await once(this.stream, 'drain');
  }

  close(): Promise<void> {
    return new Promise((done, fail) => {
      if (this.failure) return fail(this.failure);
      this.stream.once('error', fail);
      this.stream.end(done);
    });
  }
}
