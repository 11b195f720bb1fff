import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { readSummariser } from '../model/summariser.js';
import { corpus } from './corpus.js';
import { generate } from './generate.js';
import { judge } from './judge.js';
import { train } from './train.js';

const steps = stepTester();
after(steps.cleanup);
const { run } = steps;

const tiny = { source: 'text' as const, vocab_size: 4000, min_count: 1, norm: 'pre' as const, lr: 0.001, min_lr_fraction: 0.05, clip: 1, dim: 16, heads: 2, encoder_layers: 1, decoder_layers: 1, max_source_tokens: 24, max_summary_tokens: 20, batch_size: 8, warmup: 2, device: 'cpu' as const, log_every: 5, checkpoint_every: 5 };

describe('xlsum/train → generate → judge (tiny model)', () => {
  let data: string;
  before(async () => {
    data = (await run(corpus, { articles: 40, style: 'reference' }, 1)).path('corpus');
  });

  it('trains with the vocabulary in its checkpoint, logs loss by step, resumes from its own checkpoint or a given one', async () => {
    const trained = await run(train, { ...tiny, data, steps: 10, seed: 3 });
    assert.equal(trained.outputs.articles, 40);
    assert.deepEqual(trained.t.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [5, 10]);
    const loaded = await readSummariser(trained.path('model'));
    assert.equal(loaded.meta.step, 10);
    assert.equal(loaded.tokenizer.size, trained.outputs.vocabulary);
    assert.deepEqual([loaded.text.maxSourceTokens, loaded.text.maxSummaryTokens], [24, 20]);
    loaded.model.dispose();

    // A later attempt of the same instance resumes from the periodic checkpoint (step 5) on its own.
    const retry = await steps.context({ with: { ...tiny, data, steps: 10, seed: 3 }, seed: 1 });
    await copyFile(join(trained.t.ctx.checkpointDir, 'model.vft'), join(retry.ctx.checkpointDir, 'model.vft'));
    await train.run(retry.ctx);
    assert.ok(retry.logs.some((l) => /resuming from step 5 of this instance's last checkpoint/.test(l.message)));
    assert.deepEqual(retry.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [10]);

    const resumed = await run(train, { ...tiny, data, steps: 12, seed: 3, resume: trained.path('model') });
    assert.deepEqual(resumed.t.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [12]);

    // A relative resume path is read beside the workflow, as data is.
    const modelPath = trained.path('model');
    const besideWorkflow = await steps.context({ with: { ...tiny, data, steps: 12, seed: 3, resume: basename(modelPath) }, seed: 1, workflowDir: dirname(modelPath) });
    await train.run(besideWorkflow.ctx);
    assert.deepEqual(besideWorkflow.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [12]);
  });

  it('generate writes K candidates per article; judge scores them; both refuse what they cannot read', async () => {
    const model = (await run(train, { ...tiny, data, steps: 4, seed: 3 })).path('model');
    const generated = await run(generate, { model, articles: data, samples: 3, temperature: 1, limit: 5, seed: 2, device: 'cpu', batch_size: 64 });
    assert.deepEqual([generated.outputs.count, generated.outputs.articles], [15, 5]);
    const judged = await run(judge, { model, candidates: generated.path('candidates'), articles: data, device: 'cpu', batch_size: 64 });
    assert.equal(judged.outputs.count, 15);

    await assert.rejects(run(generate, { model: data, articles: data, samples: 1, temperature: 1, seed: 2, device: 'cpu', batch_size: 64 }), /not a model checkpoint.*pass the model output of xlsum\/train/);
    const stray = join(judged.t.root, 'stray.jsonl');
    await writeFile(stray, `${JSON.stringify({ id: 'nowhere', k: 0, summary: 'x' })}\n`);
    await assert.rejects(run(judge, { model, candidates: stray, articles: data, device: 'cpu', batch_size: 64 }), /candidate 1 \(id "nowhere"\) has no article/);
    await writeFile(stray, `${JSON.stringify({ id: 'nowhere', k: -1, summary: 'x' })}\n`);
    await assert.rejects(run(judge, { model, candidates: stray, articles: data, device: 'cpu', batch_size: 64 }), /stray\.jsonl:1: field "k" must be a non-negative integer, found -1/);
  });

  it('source: none trains a language model of summaries, which scores a candidate the same whatever its article', async () => {
    const generated = await run(generate, { model: (await run(train, { ...tiny, data, steps: 2, seed: 3 })).path('model'), articles: data, samples: 1, temperature: 1, limit: 4, seed: 2, device: 'cpu', batch_size: 64 });
    const candidates = generated.path('candidates');
    const other = join(generated.t.root, 'other-articles.jsonl');
    const rows = (await readFile(data, 'utf8')).trim().split('\n').map((line) => ({ ...(JSON.parse(line) as Record<string, string>), title: 'Another title', text: 'Another text entirely.' }));
    await writeFile(other, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    const scoresOf = async (model: string, articles: string): Promise<string> => (await readFile((await run(judge, { model, candidates, articles, device: 'cpu', batch_size: 64 })).path('scores'), 'utf8'));
    for (const source of ['none', 'text'] as const) {
      const model = (await run(train, { ...tiny, source, data, steps: 4, seed: 3 })).path('model');
      const [same, changed] = [await scoresOf(model, data), await scoresOf(model, other)];
      if (source === 'none') assert.equal(changed, same);
      else assert.notEqual(changed, same);
    }
  });
});
