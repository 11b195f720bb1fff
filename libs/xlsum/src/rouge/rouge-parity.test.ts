// veriflow's ROUGE against Google's rouge-score 0.1.2 run inside this test (in .venv-rouge): every
// precision, recall and F1 of ROUGE-1/2/L/Lsum on seeded varied pairs, with and without stemming, and the
// Porter stem of every rule-exercising word.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { porterStem } from './porter.js';
import { ROUGE_TYPES, RougeScorer } from './scorer.js';
import { PORTER_RULE_WORDS, randomPorterWord } from './testing/porter-words.js';
import { referenceScores, referenceStems, rougeReferencePython } from './testing/reference.js';
import { variedPairs } from './testing/varied-pairs.js';

const SEED = 20251203;
const reference = await rougeReferencePython();
const skip = reference.skip;

test('Porter stems agree with nltk on every rule word and 3,000 random suffix chains', { skip }, () => {
  const rng = createRng(SEED);
  const words = [...PORTER_RULE_WORDS, ...Array.from({ length: 3000 }, () => randomPorterWord(rng))];
  const expected = referenceStems(reference.python!, words);
  const wrong = words.flatMap((word, i) => (porterStem(word) === expected[i] ? [] : [`${word}: ${porterStem(word)} ≠ nltk ${expected[i]}`]));
  assert.deepEqual(wrong, []);
});

for (const stem of [false, true]) {
  test(`every ROUGE score agrees with rouge-score to 1e-9 on 400 varied pairs (use_stemmer=${stem})`, { skip }, () => {
    const pairs = variedPairs(createRng(SEED + Number(stem)), 400);
    const { scores: expected } = referenceScores(reference.python!, pairs, stem);
    const scorer = new RougeScorer({ stem });
    const mismatches: string[] = [];
    let nonZero = 0;
    pairs.forEach(([target, prediction], i) => {
      const ours = scorer.score(target, prediction);
      for (const type of ROUGE_TYPES) {
        const got = [ours[type].precision, ours[type].recall, ours[type].fmeasure];
        const want = expected[i]![type];
        if (want[2] > 0 && want[2] < 1) nonZero += 1;
        got.forEach((value, k) => {
          if (!(Math.abs(value - want[k]!) <= 1e-9)) mismatches.push(`pair ${i} ${type}[${k}]: ${value} ≠ ${want[k]} for ${JSON.stringify([target.slice(0, 80), prediction.slice(0, 80)])}`);
        });
      }
    });
    assert.deepEqual(mismatches.slice(0, 10), []);
    // The pairs must spread over (0, 1), not only hit the trivial 0 and 1.
    assert.ok(nonZero > pairs.length * 2, `only ${nonZero} of ${pairs.length * 4} scores lie strictly between 0 and 1`);
  });
}
