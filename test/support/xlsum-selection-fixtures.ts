// Fixture data for the XL-Sum selection e2e test: templated news whose candidate summaries get slots
// (who, what, where, when, how many) wrong, so ROUGE sees the mistakes.
import { createRng } from '@veriflow/step-api';
import type { Rng } from '@veriflow/step-api';

const ARTICLES = 600;
const K = 4;

const SLOTS = {
  who: ['Maria Lopez', 'Tom Baker', 'Aiko Tanaka', 'Samuel Okafor', 'Ingrid Berg', 'Ravi Menon'],
  what: ['opened a hospital', 'announced job cuts', 'signed a trade deal', 'won the cup final', 'resigned as chair'],
  where: ['Lisbon', 'Nairobi', 'Osaka', 'Leeds', 'Quito', 'Gdansk'],
  when: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  count: ['120', '450', '3,000', '75', '900', '14'],
};
type Facts = Record<keyof typeof SLOTS, string>;

const pick = (rng: Rng, list: readonly string[]): string => list[rng.int(list.length)]!;
const sentence = (f: Facts): string => `${f.who} ${f.what} in ${f.where} on ${f.when}, in a move involving ${f.count} people.`;

/** Each slot taken from another event with probability `slip`; returns the facts and how many slipped. */
function garble(rng: Rng, facts: Facts, slip: number): { facts: Facts; slips: number } {
  let slips = 0;
  const out = { ...facts };
  for (const slot of Object.keys(SLOTS) as (keyof Facts)[]) {
    if (rng.uniform() < slip) {
      out[slot] = pick(rng, SLOTS[slot].filter((value) => value !== facts[slot]));
      slips += 1;
    }
  }
  return { facts: out, slips };
}

const jsonl = (rows: readonly object[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

/**
 * Files of the workflow's `data/`: the pool (XL-Sum rows), K candidates per article with the generator's
 * per-token log-probabilities, a judge's scores of them, and three models' summaries of the pool (the
 * generator's greedy ones, the judge model's and one trained on all real labels). The greedy candidate
 * (k = 0) gets a slot wrong less often than the sampled ones, as greedy decoding does; the generator's
 * likelihood falls with every wrong slot (plus noise), the judge's is noise: so oracle and self beat the
 * generator and the judge's p* sits near random's.
 */
export function selectionFixtures(seed: number): Record<string, string> {
  const rng = createRng(seed);
  const articles: { id: string; url: string; title: string; summary: string; text: string }[] = [];
  const candidates: object[] = [];
  const judge: object[] = [];
  const model = (slip: number) => articles.map((a, i) => ({ id: a.id, summary: sentence(garble(rng, facts[i]!, slip).facts) }));
  const facts: Facts[] = [];
  for (let i = 0; i < ARTICLES; i++) {
    const f = Object.fromEntries(Object.entries(SLOTS).map(([slot, list]) => [slot, pick(rng, list)])) as Facts;
    facts.push(f);
    const id = `a${i}`;
    const text = `${sentence(f)} ${sentence(garble(rng, f, 1).facts)} Officials declined to comment further.`;
    articles.push({ id, url: `https://news.example/${id}`, title: `${f.who} in ${f.where}`, summary: sentence(f), text });
    for (let k = 0; k < K; k++) {
      // Greedy decoding (k = 0) slips less than sampling: the generator's own score is its greedy output.
      const { facts: said, slips } = garble(rng, f, k === 0 ? 0.08 : 0.3);
      const summary = sentence(said);
      const tokens = summary.split(' ').length;
      const perToken = -(1 + 0.3 * slips + 1.2 * rng.uniform());
      candidates.push({ id, k, summary, tokens, logprob: perToken * tokens, token_logprobs: Array.from({ length: tokens }, () => perToken) });
      judge.push({ id, k, tokens: tokens + 2, logprob: -(1 + rng.uniform()) * (tokens + 2) });
    }
  }
  return {
    'data/pool.jsonl': jsonl(articles),
    'data/candidates.jsonl': jsonl(candidates),
    'data/judge.jsonl': jsonl(judge),
    'data/generator.jsonl': jsonl(candidates.filter((c) => (c as { k: number }).k === 0)),
    'data/judge-model.jsonl': jsonl(model(0.05)),
    'data/real-model.jsonl': jsonl(model(0.02)),
  };
}
