// Small cases worked out by hand (the parity test compares against rouge-score itself).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { porterStem } from './porter.js';
import { RougeScorer } from './scorer.js';
import { CachedStemmer, tokenize, words } from './tokenize.js';

function close(actual: { precision: number; recall: number; fmeasure: number }, precision: number, recall: number, fmeasure: number): void {
  assert.ok(Math.abs(actual.precision - precision) < 1e-15, `precision ${actual.precision} ≠ ${precision}`);
  assert.ok(Math.abs(actual.recall - recall) < 1e-15, `recall ${actual.recall} ≠ ${recall}`);
  assert.ok(Math.abs(actual.fmeasure - fmeasure) < 1e-15, `F1 ${actual.fmeasure} ≠ ${fmeasure}`);
}

test('the tokenizer lowercases, splits on everything outside [a-z0-9], and keeps what Python lowercases into ASCII', () => {
  assert.deepEqual(words('Hello, WORLD! café 3.14 e-mail'), ['hello', 'world', 'caf', '3', '14', 'e', 'mail']);
  // 'İ' lowercases to "i" + U+0307 (a separator); the Kelvin sign to "k"; Greek and CJK vanish.
  assert.deepEqual(words('İx \u212Aelvin σοφία 東京 x😀y'), ['i', 'x', 'kelvin', 'x', 'y']);
  assert.deepEqual(words(''), []);
  assert.deepEqual(words(' \n\t… '), []);
});

test('stemming applies to words longer than 3 characters only', () => {
  assert.deepEqual(tokenize('The cats were running; dies', new CachedStemmer()), ['the', 'cat', 'were', 'run', 'die']);
  assert.equal(porterStem('ies'), 'i');
  assert.deepEqual(tokenize('ies sses', new CachedStemmer()), ['ies', 'ss']);
});

test('ROUGE-1, ROUGE-2 and ROUGE-L of a dropped word', () => {
  const scores = new RougeScorer().score('the cat sat on the mat', 'the cat on the mat');
  close(scores.rouge1, 1, 5 / 6, 10 / 11); // all 5 predicted words are in the target's 6
  close(scores.rouge2, 3 / 4, 3 / 5, 2 / 3); // the-cat, on-the, the-mat of 4 predicted and 5 target bigrams
  close(scores.rougeL, 1, 5 / 6, 10 / 11);
  close(scores.rougeLsum, 1, 5 / 6, 10 / 11);
});

test('repeated words count at most as often as the target has them', () => {
  close(new RougeScorer().score('the the cat', 'the the the the').rouge1, 2 / 4, 2 / 3, (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
});

test('ROUGE-Lsum matches sentences in any order, ROUGE-L does not', () => {
  const scores = new RougeScorer().score('a b\nc d', 'c d\na b');
  close(scores.rougeL, 0.5, 0.5, 0.5);
  close(scores.rougeLsum, 1, 1, 1);
});

test('stemming makes inflections match', () => {
  close(new RougeScorer({ stem: true }).score('The cats were running', 'a cat runs').rouge1, 2 / 3, 2 / 4, (2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
  close(new RougeScorer().score('The cats were running', 'a cat runs').rouge1, 0, 0, 0);
});

test('an empty side scores zero everywhere', () => {
  for (const [target, prediction] of [['', 'the cat'], ['the cat', ''], ['', ''], ['!!!', '\n\n']] as const) {
    for (const score of Object.values(new RougeScorer().score(target, prediction))) close(score, 0, 0, 0);
  }
});

test('an unknown ROUGE type is refused with the ones that exist', () => {
  assert.throws(() => new RougeScorer({ types: ['rougeX' as 'rougeL'] }), /unknown ROUGE type "rougeX": use rouge1 … rouge9, rougeL or rougeLsum/);
});
