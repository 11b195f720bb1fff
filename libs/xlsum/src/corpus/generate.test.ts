import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { parseXlsumJsonl, encodeXlsumJsonl } from '../data/row.js';
import { RougeScorer } from '../rouge/scorer.js';
import { generateCorpus, summarise } from './generate.js';
import type { EventFacts } from './generate.js';

const articles = generateCorpus(createRng(11), 300);

test('the corpus is the same for the same seed and differs for another', () => {
  assert.deepEqual(generateCorpus(createRng(11), 300), articles);
  assert.notEqual(generateCorpus(createRng(12), 1)[0]!.row.text, articles[0]!.row.text);
});

test('rows are XL-Sum JSONL that the loader reads back, with unique ids', () => {
  const rows = articles.map((article) => article.row);
  assert.deepEqual(parseXlsumJsonl(encodeXlsumJsonl(rows), 'corpus.jsonl'), rows);
  assert.equal(new Set(rows.map((row) => row.id)).size, rows.length);
});

test('each article states its event and a distractor that differs in every slot', () => {
  for (const { row, facts, distractor } of articles) {
    for (const slot of ['who', 'where', 'when', 'number', 'event', 'role', 'organisation'] as const) assert.notEqual(facts[slot], distractor[slot], `${row.id}: ${slot}`);
    assert.ok(row.text.startsWith(facts.who), row.id);
    assert.ok(row.text.includes(distractor.who) && row.text.includes(distractor.where) && row.text.includes(distractor.event.past), row.id);
    assert.equal(row.summary, summarise(facts));
  }
});

test('a summary with any one slot taken from the distractor scores lower ROUGE-1 and ROUGE-2 than the right one', () => {
  const scorer = new RougeScorer({ types: ['rouge1', 'rouge2'] });
  const swaps: ((facts: EventFacts, distractor: EventFacts) => EventFacts)[] = [
    (f, d) => ({ ...f, who: d.who }),
    (f, d) => ({ ...f, where: d.where }),
    (f, d) => ({ ...f, number: d.number }),
    (f, d) => ({ ...f, event: d.event }),
  ];
  for (const { row, facts, distractor } of articles) {
    for (const swap of swaps) {
      const wrong = scorer.score(row.summary, summarise(swap(facts, distractor)));
      assert.ok(wrong.rouge1.fmeasure < 1 && wrong.rouge2.fmeasure < 1, `${row.id}: ${summarise(swap(facts, distractor))}`);
    }
  }
});

test("the wire style states the same facts in another outlet's order and wording, over the same articles", () => {
  const wire = generateCorpus(createRng(11), 300, { style: 'wire' });
  wire.forEach(({ row, facts }, i) => {
    assert.equal(row.text, articles[i]!.row.text);
    assert.equal(row.summary, summarise(facts, 'wire'));
    assert.notEqual(row.summary, articles[i]!.row.summary);
    assert.ok(row.summary.startsWith(`In ${facts.where}, ${facts.who} ${facts.event.perfect}`), row.summary);
  });
});
