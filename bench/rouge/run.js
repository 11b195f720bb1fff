#!/usr/bin/env node
// ROUGE benchmark: veriflow's ROUGE-1/2/L/Lsum (libs/xlsum) against Google's rouge-score 0.1.2 on the
// same 10,000 pairs of news-length text, Porter stemming on (as summarisation papers report ROUGE).
//
//   npm run bench:rouge                      # builds, installs .venv-rouge if missing, runs this
//   node bench/rouge/run.js [--pairs N] [--repeat N] [--python-repeat N] [--seed N] [--no-stem]
//
// Pairs come from the embedded corpus (libs/xlsum corpus generator, seeded): the target is an article
// (about 110 words, sentences on lines of their own so ROUGE-Lsum has sentences to match), the prediction
// the same article with its event's person and place swapped for the distractor's and its sentences
// rotated, so scores spread and both the LCS and the n-gram paths do real work. Each side times its
// scoring passes from inside its own process (after imports; a fresh scorer each pass, so veriflow's
// stem cache and token ids start empty). Every score of both sides is compared (to 1e-9) before any
// time is printed. Target (issue): veriflow at least 10x faster. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, formatTable, median, positiveInteger } from '../lib/measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];
const TARGET_RATIO = 10;

async function main() {
  const { values } = parseArgs({
    options: { pairs: { type: 'string' }, repeat: { type: 'string' }, 'python-repeat': { type: 'string' }, seed: { type: 'string' }, 'no-stem': { type: 'boolean' } },
  });
  const count = positiveInteger('--pairs', values.pairs, 10_000);
  const repeat = positiveInteger('--repeat', values.repeat, 5);
  const pythonRepeat = positiveInteger('--python-repeat', values['python-repeat'], 1);
  const seed = positiveInteger('--seed', values.seed, 2025);
  const stem = !values['no-stem'];

  const { createRng } = await import(pathToFileURL(join(ROOT, 'libs/step-api/dist/index.js')).href);
  const xlsum = await import(pathToFileURL(join(ROOT, 'libs/xlsum/dist/index.js')).href);
  const { VENVS, ensureVenv } = await import(pathToFileURL(join(ROOT, 'scripts/python-venv.js')).href);
  const python = ensureVenv(VENVS.rouge);

  const pairs = newsPairs(xlsum.generateCorpus(createRng(seed), count));
  const words = pairs.reduce((sum, [target]) => sum + xlsum.words(target).length, 0) / pairs.length;

  const ours = { seconds: [], scores: [] };
  for (let pass = 0; pass < repeat; pass++) {
    const started = performance.now();
    const scorer = new xlsum.RougeScorer({ stem });
    ours.scores = pairs.map(([target, prediction]) => scorer.score(target, prediction));
    ours.seconds.push((performance.now() - started) / 1000);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'veriflow-bench-rouge-'));
  let theirs;
  try {
    const input = join(scratch, 'pairs.json');
    writeFileSync(input, JSON.stringify({ pairs, stem, repeat: pythonRepeat }));
    const result = spawnSync(python, [join(ROOT, 'libs/xlsum/python/rouge_reference.py')], { input: readFileSync(input), maxBuffer: 1 << 30, encoding: 'utf8' });
    if (result.status !== 0) throw new BenchError(`rouge-score failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
    theirs = JSON.parse(result.stdout);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  let worst = 0;
  pairs.forEach((_, i) => {
    for (const type of TYPES) {
      const got = ours.scores[i][type];
      [got.precision, got.recall, got.fmeasure].forEach((value, k) => {
        worst = Math.max(worst, Math.abs(value - theirs.scores[i][type][k]));
      });
    }
  });
  if (!(worst <= 1e-9)) throw new BenchError(`veriflow and rouge-score disagree by up to ${worst} on these pairs; the timing would compare different work`);

  const oursMedian = median(ours.seconds);
  const theirsMedian = median(theirs.seconds);
  const ratio = theirsMedian / oursMedian;
  const row = (name, seconds, samples) => [name, seconds.toFixed(3), Math.round(count / seconds).toLocaleString('en-US'), `${samples.map((s) => s.toFixed(2)).join(' ')}`];
  console.log(`ROUGE-1/2/L/Lsum of ${count.toLocaleString('en-US')} pairs (≈${words.toFixed(0)} words a target), use_stemmer=${stem}, seed ${seed}; ${cpus()[0]?.model ?? 'CPU'}`);
  console.log(`every score agrees (max |difference| ${worst})\n`);
  console.log(formatTable(['implementation', 'median s', 'pairs/s', 'samples s'], [row('veriflow (libs/xlsum)', oursMedian, ours.seconds), row('rouge-score 0.1.2 (Python)', theirsMedian, theirs.seconds)]));
  console.log(`\nratio (rouge-score time / veriflow time): ${ratio.toFixed(1)}x — target ≥ ${TARGET_RATIO}x ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}`);
}

/** (article, the article with the distractor's person and place and its sentences rotated). */
function newsPairs(articles) {
  return articles.map(({ row, facts, distractor }, i) => {
    const sentences = row.text.split(/(?<=\.) /);
    const swapped = sentences.map((s) => s.replaceAll(facts.who, distractor.who).replaceAll(facts.where, distractor.where));
    const shift = 1 + (i % (sentences.length - 1));
    return [sentences.join('\n'), [...swapped.slice(shift), ...swapped.slice(0, shift)].join('\n')];
  });
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench/rouge: ${error.message}` : error);
  process.exit(1);
});
