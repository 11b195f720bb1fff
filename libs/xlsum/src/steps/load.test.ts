import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { parseXlsumJsonl } from '../data/row.js';
import type { XlsumRow } from '../data/row.js';
import { corpus } from './corpus.js';
import { load } from './load.js';

const steps = stepTester();
after(steps.cleanup);

async function corpusFile(articles: number, seed = 3): Promise<string> {
  const { path } = await steps.run(corpus, { articles, style: 'reference' }, seed);
  return path('corpus');
}

async function splits(input: Parameters<typeof load.run>[0]['with'], seed = 1) {
  const { outputs, path } = await steps.run(load, input, seed);
  const read = async (name: string): Promise<XlsumRow[]> => parseXlsumJsonl(await readFile(path(name), 'utf8'), name);
  return { outputs, real: await read('real'), pool: await read('pool'), test: await read('test') };
}

async function fileWith(name: string, content: string): Promise<string> {
  const t = await steps.context({ with: {} });
  const file = join(t.ctx.workdir, name);
  await writeFile(file, content);
  return file;
}

const ROW = { id: '1', url: 'u', title: 't', summary: 's', text: 'x' };

describe('xlsum/load', () => {
  it('samples disjoint real, pool and test splits of the sizes asked for, from the seed', async () => {
    const path = await corpusFile(200);
    const first = await splits({ path, real: 0.125, pool: 0.5, test: 0.1 });
    assert.deepEqual(first.outputs, { rows: 200, real_rows: 25, pool_rows: 100, test_rows: 20 });
    const ids = [...first.real, ...first.pool, ...first.test].map((row) => row.id);
    assert.equal(new Set(ids).size, 145, 'the splits overlap');
    const again = await splits({ path, real: 0.125, pool: 0.5, test: 0.1 });
    assert.deepEqual(again.real, first.real);
    const otherSeed = await splits({ path, real: 0.125, pool: 0.5, test: 0.1 }, 2);
    assert.notDeepEqual(otherSeed.real.map((row) => row.id), first.real.map((row) => row.id));
  });

  it('draws the test set from test_path when given', async () => {
    const path = await corpusFile(40, 3);
    const testPath = await corpusFile(30, 4);
    const { outputs, test, real } = await splits({ path, test_path: testPath, real: 0.5, pool: 0.5, test: 1 });
    assert.deepEqual(outputs, { rows: 40, real_rows: 20, pool_rows: 20, test_rows: 30 });
    assert.ok(test.every((row) => row.id.startsWith('veriflow-news-')) && !test.some((row) => real.some((r) => r.id === row.id)));
  });

  it('takes test_path "" as none (a workflow passes "" where an expression cannot leave the key out)', async () => {
    const path = await corpusFile(40, 3);
    const without = await splits({ path, real: 0.25, pool: 0.5, test: 0.25 });
    const empty = await splits({ path, test_path: '', real: 0.25, pool: 0.5, test: 0.25 });
    assert.deepEqual(empty, without);
  });

  it('names the file, line and field of a malformed row', async () => {
    const good = JSON.stringify(ROW);
    const cases: [string, RegExp][] = [
      [`${good}\n\n{"id": "2", oops}\n`, /bad\.jsonl:3: not valid JSON/],
      [`${good}\n${JSON.stringify({ ...ROW, summary: undefined })}\n`, /bad\.jsonl:2: missing field "summary" \(a row of an XL-Sum file has id, url, title, summary, text\)/],
      [`${JSON.stringify({ ...ROW, text: 42 })}\n`, /bad\.jsonl:1: field "text" must be a string, found a number/],
      [`[1, 2]\n`, /bad\.jsonl:1: expected a JSON object with id, url, title, summary, text, found an array/],
    ];
    for (const [content, message] of cases) {
      const path = await fileWith('bad.jsonl', content);
      await assert.rejects(steps.run(load, { path, real: 0.5, pool: 0.5, test: 0.1 }), message);
    }
  });

  it('says when the file is empty or missing', async () => {
    const empty = await fileWith('empty.jsonl', '\n\n');
    await assert.rejects(steps.run(load, { path: empty, real: 0.5, pool: 0.4, test: 0.1 }), /empty\.jsonl is empty: it holds no rows/);
    await assert.rejects(steps.run(load, { path: `${empty}.missing`, real: 0.5, pool: 0.4, test: 0.1 }), /empty\.jsonl\.missing: no such file; give the path of a local XL-Sum JSONL file/);
  });

  it('refuses overlapping fractions and splits too small to hold a row', async () => {
    const path = await corpusFile(10);
    await assert.rejects(steps.run(load, { path, real: 0.5, pool: 0.5, test: 0.1 }), /real \+ pool \+ test = 1\.1 > 1: the splits of .* must not overlap; lower them or give test_path/);
    await assert.rejects(steps.run(load, { path, real: 0.05, pool: 0.5, test: 0.1 }), /real = 0\.05 of the 10 rows of .* is no row; raise real or use a larger file/);
  });
});
