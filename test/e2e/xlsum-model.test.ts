// The embedded summariser through the real CLI: corpus → load → a tiny xlsum/train → xlsum/generate
// (K = 2, three ways: the same seed at two batch sizes, and another seed) → xlsum/judge → xlsum/rouge.
// Checks the shared file formats, that the judge (here the generator itself) reproduces the generator's
// own log-probabilities, that a seed fixes the candidates, and that a re-run is all cache hits.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { RunStore } from '@veriflow/tracking';
import { readResults, runCli, workspace } from '../support/cli.js';

const WORKFLOW = `name: xlsum-model-e2e
seed: 4
steps:
  corpus:
    uses: xlsum/corpus
    with: { articles: 120 }
  load:
    uses: xlsum/load
    with: { path: "\${{ steps.corpus.outputs.corpus }}", real: 0.5, pool: 0.25, test: 0.1 }
  generator:
    uses: xlsum/train
    with: { data: "\${{ steps.load.outputs.real }}", dim: 32, heads: 2, encoder_layers: 1, decoder_layers: 1, max_source_tokens: 32, max_summary_tokens: 24, steps: 80, batch_size: 16, warmup: 10, lr: 0.003, log_every: 10 }
  generate:
    uses: xlsum/generate
    with: { model: "\${{ steps.generator.outputs.model }}", articles: "\${{ steps.load.outputs.test }}", samples: 2, seed: 9 }
  generate_batched:
    uses: xlsum/generate
    with: { model: "\${{ steps.generator.outputs.model }}", articles: "\${{ steps.load.outputs.test }}", samples: 2, seed: 9, batch_size: 3 }
  generate_other_seed:
    uses: xlsum/generate
    with: { model: "\${{ steps.generator.outputs.model }}", articles: "\${{ steps.load.outputs.test }}", samples: 2, seed: 10 }
  judge:
    uses: xlsum/judge
    with: { model: "\${{ steps.generator.outputs.model }}", candidates: "\${{ steps.generate.outputs.candidates }}", articles: "\${{ steps.load.outputs.test }}" }
  rouge:
    uses: xlsum/rouge
    with: { candidates: "\${{ steps.generate.outputs.candidates }}", references: "\${{ steps.load.outputs.test }}" }
`;

const readJsonl = async (path: string): Promise<Record<string, unknown>[]> =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('embedded summariser through the CLI', () => {
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => {
    ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW }));
  });
  after(() => dispose());

  it('trains, samples K candidates in the Candidates format, judges them and scores them; a seed fixes the candidates; a forced re-run writes the same bytes; a re-run is all cache hits', async () => {
    const first = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const store = new RunStore(dir);
    const { instances } = await store.readRun((await store.listRuns())[0]!.id);
    const byName = new Map(instances.map((instance) => [instance.name, instance]));
    const artifact = (step: string, name: string): string => byName.get(step)!.artifacts.find((a) => a.name === name)!.path;

    const loss = byName.get('generator')!.metrics.filter((point) => point.key === 'loss');
    assert.deepEqual(loss.map((point) => point.step), [10, 20, 30, 40, 50, 60, 70, 80], 'the loss is logged with its steps');
    assert.ok(loss.at(-1)!.value < 0.7 * loss[0]!.value, `training reduces the loss (${loss[0]!.value} → ${loss.at(-1)!.value})`);

    const test = await readJsonl(artifact('load', 'test'));
    const candidates = await readJsonl(artifact('generate', 'candidates'));
    assert.equal(candidates.length, 2 * test.length);
    candidates.forEach((c, i) => {
      assert.deepEqual(Object.keys(c), ['id', 'k', 'summary', 'tokens', 'logprob', 'token_logprobs']);
      assert.equal(c.id, test[Math.floor(i / 2)]!.id);
      assert.equal(c.k, i % 2);
      const perToken = c.token_logprobs as number[];
      assert.equal(c.tokens, perToken.length);
      assert.ok(perToken.every((lp) => lp <= 0));
      assert.ok(Math.abs((c.logprob as number) - perToken.reduce((a, b) => a + b, 0)) < 1e-9);
    });
    const summaries = candidates.map((c) => c.summary as string);
    const words = summaries.reduce((n, s) => n + s.split(' ').length, 0) / summaries.length;
    assert.ok(words >= 5, `summaries are sentences, not empty (${words} words on average)`);
    assert.ok(new Set(summaries).size > candidates.length / 2, 'sampling gives varied candidates');

    // Another batch shape rounds the float32 log-probabilities differently, but draws the same tokens.
    const batched = await readJsonl(artifact('generate_batched', 'candidates'));
    assert.deepEqual(batched.map((c) => [c.id, c.k, c.summary]), candidates.map((c) => [c.id, c.k, c.summary]), 'the same seed gives the same candidates at any batch size');
    batched.forEach((c, i) => assert.ok(Math.abs((c.logprob as number) - (candidates[i]!.logprob as number)) < 1e-4));
    const other = await readJsonl(artifact('generate_other_seed', 'candidates'));
    assert.notDeepEqual(other.map((c) => c.summary), summaries, 'another seed gives other candidates');

    // The judge is the generator here, so it gives each candidate that ended with EOS (fewer than
    // max_summary_tokens + 1 = 25 tokens) the generator's own log-likelihood: the tokenizer reads a decoded
    // text back as the ids that were drawn.
    const scores = await readJsonl(artifact('judge', 'scores'));
    assert.equal(scores.length, candidates.length);
    let compared = 0;
    scores.forEach((s, i) => {
      assert.deepEqual(Object.keys(s), ['id', 'k', 'tokens', 'logprob']);
      assert.deepEqual([s.id, s.k], [candidates[i]!.id, candidates[i]!.k]);
      if ((candidates[i]!.tokens as number) >= 25) return;
      compared++;
      assert.equal(s.tokens, candidates[i]!.tokens);
      assert.ok(Math.abs((s.logprob as number) - (candidates[i]!.logprob as number)) < 1e-3, `candidate ${i}: judge ${String(s.logprob)} vs generator ${String(candidates[i]!.logprob)}`);
    });
    assert.ok(compared >= candidates.length / 2, `${compared} of ${candidates.length} ended with EOS`);

    const rouge = byName.get('rouge')!.values;
    assert.equal(rouge.candidates, candidates.length);
    assert.ok((rouge.rouge1 as number) > 0, `ROUGE-1 ${String(rouge.rouge1)}`);

    // Re-executed (not from the cache), the same instance writes the same bytes.
    const forced = await runCli(['run', 'wf.yaml', '--force', 'generate'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    const rerun = await store.readRun((await store.listRuns()).find((run) => run.id !== byName.get('generate')!.runId)!.id);
    const regenerated = rerun.instances.find((instance) => instance.name === 'generate')!;
    assert.equal(regenerated.status, 'succeeded');
    assert.equal(regenerated.artifacts[0]!.digest, byName.get('generate')!.artifacts[0]!.digest);

    const again = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.ok((await readResults(dir, 'xlsum-model-e2e')).instances.every((instance) => instance.status === 'cached'));
  });
});
