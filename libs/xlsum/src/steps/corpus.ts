import { defineStep } from '@veriflow/step-api';
import { generateCorpus, SUMMARY_STYLES } from '../corpus/generate.js';
import { encodeXlsumJsonl } from '../data/row.js';

export const corpus = defineStep({
  name: 'xlsum/corpus',
  version: '1',
  description:
    'Writes the embedded news corpus: procedurally generated articles, each reporting one event (who, what, where, when, how many) beside a distractor event, with a one-sentence reference summary, in XL-Sum JSONL (read it with xlsum/load).',
  with: {
    type: 'object',
    additionalProperties: false,
    properties: {
      articles: { type: 'integer', minimum: 1, default: 2000, description: 'Articles to write.' },
      style: {
        enum: SUMMARY_STYLES,
        default: 'reference',
        description: "The reference summaries' house style: reference, or wire (the same facts in another outlet's order and wording; the articles are the same draws).",
      },
    },
  },
  outputs: {
    corpus: { kind: 'artifact', description: 'XL-Sum JSONL (id, url, title, summary, text).' },
    articles: { kind: 'number' },
  },
}).run(async (ctx) => {
  const articles = generateCorpus(ctx.rng, ctx.with.articles, { style: ctx.with.style });
  await ctx.writeBytes('corpus', Buffer.from(encodeXlsumJsonl(articles.map((article) => article.row))));
  ctx.log.info(`${articles.length} articles, e.g. "${articles[0]!.row.summary}"`);
  return { articles: articles.length };
});
