import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { generateCorpus } from '../corpus/generate.js';
import { RougeScorer } from '../rouge/scorer.js';
import { Tokenizer, UNK_ID, splitTokens } from './tokenizer.js';

describe('splitTokens', () => {
  it('keeps words and their case, splits punctuation off, spells numbers character by character and reads <unk> back as itself', () => {
    assert.deepEqual(splitTokens('Tomas Haddad\'s plan, "involving" 14,898 workers (2.5%).'), ['Tomas', "Haddad's", 'plan', ',', '"', 'involving', '"', '1', '4', ',', '8', '9', '8', 'workers', '(', '2', '.', '5', '%', ')', '.']);
    assert.deepEqual(splitTokens(''), []);
    assert.deepEqual(splitTokens('a <unk> b'), ['a', '<unk>', 'b']);
  });
});

describe('Tokenizer', () => {
  const articles = generateCorpus(createRng(4), 200).map((a) => a.row);
  const texts = articles.flatMap((row) => [row.text, row.summary]);

  it('builds the same vocabulary from the same corpus, reserved ids first, then by count', () => {
    const a = Tokenizer.build(texts, { maxSize: 5000, minCount: 1 });
    const b = Tokenizer.build([...texts], { maxSize: 5000, minCount: 1 });
    assert.deepEqual(a.tokens, b.tokens);
    assert.deepEqual(a.tokens.slice(0, 4), ['<pad>', '<s>', '</s>', '<unk>']);
    assert.ok(a.tokens.includes('0') && a.tokens.includes('Brno'));
    assert.equal(Tokenizer.build(texts, { maxSize: 50, minCount: 1 }).size, 50);
  });

  it('round-trips reference summaries to text with the same ROUGE tokens (a perfect copy scores 1)', () => {
    const tokenizer = Tokenizer.build(texts, { maxSize: 5000, minCount: 1 });
    const scorer = new RougeScorer({ stem: true });
    for (const row of articles) {
      const ids = tokenizer.encode(row.summary);
      assert.ok(!ids.includes(UNK_ID));
      const decoded = tokenizer.decode(ids);
      assert.equal(decoded, row.summary, 'the corpus\'s summaries come back verbatim');
      assert.equal(scorer.score(row.summary, decoded).rouge2.fmeasure, 1);
    }
  });

  it('maps unseen and rare tokens to UNK and cuts at a limit', () => {
    const tokenizer = Tokenizer.build(['a a b', 'a c'], { maxSize: 100, minCount: 2 });
    assert.deepEqual(tokenizer.tokens.slice(4), ['a']);
    assert.deepEqual(tokenizer.encode('a b zebra a'), [4, UNK_ID, UNK_ID, 4]);
    assert.deepEqual(tokenizer.encode('a b zebra a', 2), [4, UNK_ID]);
    assert.throws(() => new Tokenizer(['<pad>', '<s>', 'x']), /id 2 must be <\/s>/);
  });

  it('decodes numbers whole, and any id sequence to a text that encodes back to the same ids', () => {
    const tokenizer = new Tokenizer(['<pad>', '<s>', '</s>', '<unk>', 'has', '1', '4', ',', '8', 'jobs', '.', '(', 'single-use']);
    assert.equal(tokenizer.decode([4, 5, 7, 8, 6, 9, 10]), 'has 1,84 jobs.');
    const rng = createRng(2);
    for (let n = 0; n < 500; n++) {
      const ids = Array.from({ length: 1 + rng.int(12) }, () => 3 + rng.int(tokenizer.size - 3));
      assert.deepEqual(tokenizer.encode(tokenizer.decode(ids)), ids, tokenizer.decode(ids));
    }
  });
});
