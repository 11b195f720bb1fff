// The XL-Sum steps through the real CLI: the embedded corpus → xlsum/load's splits → xlsum/rouge, with
// a hand-written XL-Sum file beside it whose bad line must stop the run with file:line and the field.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, workspace } from '../support/cli.js';

const WORKFLOW = `name: xlsum-e2e
seed: 3
steps:
  corpus:
    uses: xlsum/corpus
    with: { articles: 200 }
  load:
    uses: xlsum/load
    with: { path: "\${{ steps.corpus.outputs.corpus }}", real: 0.25, pool: 0.5, test: 0.25 }
  score:
    uses: xlsum/rouge
    with: { candidates: "\${{ steps.load.outputs.test }}", references: "\${{ steps.load.outputs.test }}" }
`;

const BAD = `name: xlsum-bad
steps:
  load:
    uses: xlsum/load
    with: { path: data/english_train.jsonl }
`;

describe('xlsum steps through the CLI', () => {
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => {
    ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW, 'bad.yaml': BAD }));
  });
  after(() => dispose());

  it('generates, splits and scores; a second run is all cache hits', async () => {
    const first = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(first.code, 0, first.stderr);
    const results = await readResults(dir, 'xlsum-e2e');
    const values = Object.fromEntries(results.instances.map((instance) => [instance.name, instance.values]));
    assert.deepEqual(values.load, { rows: 200, real_rows: 50, pool_rows: 100, test_rows: 50 });
    // References scored against themselves: every ROUGE is 1.
    assert.deepEqual([values.score!.candidates, values.score!.rouge1, values.score!.rouge2, values.score!.rougeL, values.score!.rougeLsum], [50, 1, 1, 1, 1]);
    const again = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((await readResults(dir, 'xlsum-e2e')).instances.map((instance) => instance.status), ['cached', 'cached', 'cached']);
  });

  it('stops at a malformed XL-Sum row with its file, line and field (paths relative to the workflow)', async () => {
    await mkdir(join(dir, 'data'), { recursive: true });
    const good = JSON.stringify({ id: '1', url: 'u', title: 't', summary: 's', text: 'x' });
    await writeFile(join(dir, 'data', 'english_train.jsonl'), `${good}\n${JSON.stringify({ id: '2', url: 'u', title: 't', summary: null, text: 'x' })}\n`);
    const run = await runCli(['run', 'bad.yaml'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stderr + run.stdout, /data\/english_train\.jsonl:2: field "summary" must be a string, found null/);
  });
});
