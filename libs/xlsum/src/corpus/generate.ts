/**
 * The embedded news corpus: procedurally generated articles with one-sentence reference summaries, as
 * rows of XL-Sum's JSONL format (so `xlsum/load` reads it like the real data set).
 *
 * Each article reports one event with five slots (who, where, when, what, how many) and mentions a
 * distractor event with other values for the same slots (another person, place, number and event kind),
 * plus a third number. A summariser that copies the wrong sentence or mixes slots writes a fluent but
 * wrong summary, and the slot words are the ones ROUGE counts: getting a slot wrong costs ROUGE-1/2, so
 * the ROUGE of a candidate tells right from wrong and selection matters.
 */
import type { Rng } from '@veriflow/step-api';
import type { XlsumRow } from '../data/row.js';
import { EVENTS, FIRST_NAMES, MONTHS, MOODS, ORGANISATIONS, PLACES, ROLES, SURNAMES, WEEKDAYS } from './events.js';
import type { EventKind } from './events.js';

/** The slot values of one event. */
export interface EventFacts {
  readonly who: string;
  readonly role: string;
  readonly organisation: string;
  readonly event: EventKind;
  readonly where: string;
  readonly when: string;
  readonly number: number;
}

export interface GeneratedArticle {
  readonly row: XlsumRow;
  /** The event the reference summary states. */
  readonly facts: EventFacts;
  /** The other event the article mentions: every slot differs from `facts`. */
  readonly distractor: EventFacts;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** An item of `items` other than `not`. */
function pickOther<T>(rng: Rng, items: readonly T[], not: T): T {
  const index = rng.int(items.length - 1);
  const item = items[index]!;
  return item === not ? items[items.length - 1]! : item;
}

function numberIn(rng: Rng, [min, max]: readonly [number, number], not?: number): number {
  const value = min + rng.int(max - min + 1);
  return value === not ? (value === max ? min : value + 1) : value;
}

/** "4,000" as English news writes it (by hand: toLocaleString depends on the ICU Node was built with). */
function formatNumber(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}

function personName(rng: Rng): string {
  return `${pick(rng, FIRST_NAMES)} ${pick(rng, SURNAMES)}`;
}

function capitalise(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

function eventFacts(rng: Rng, avoid?: EventFacts): EventFacts {
  let who = personName(rng);
  while (avoid && (who === avoid.who || who.split(' ')[1] === avoid.who.split(' ')[1])) who = personName(rng);
  const event = avoid ? pickOther(rng, EVENTS, avoid.event) : pick(rng, EVENTS);
  return {
    who,
    role: avoid ? pickOther(rng, ROLES, avoid.role) : pick(rng, ROLES),
    organisation: avoid ? pickOther(rng, ORGANISATIONS, avoid.organisation) : pick(rng, ORGANISATIONS),
    event,
    where: avoid ? pickOther(rng, PLACES, avoid.where) : pick(rng, PLACES),
    when: avoid ? pickOther(rng, WEEKDAYS, avoid.when) : pick(rng, WEEKDAYS),
    number: numberIn(rng, event.range, avoid?.number),
  };
}

/**
 * How an outlet writes its one-sentence summaries. `reference` is the corpus's own; `wire` is another
 * outlet's house style with the same facts in another order and other connecting words, for a judge that
 * learned to summarise elsewhere (as Llama-3 did not learn XL-Sum's style).
 */
export type SummaryStyle = 'reference' | 'wire';
export const SUMMARY_STYLES: readonly SummaryStyle[] = ['reference', 'wire'];

/** The summary of an event in an outlet's style: one templated sentence holding every slot but the weekday. */
export function summarise(facts: EventFacts, style: SummaryStyle = 'reference'): string {
  const count = `${formatNumber(facts.number)} ${facts.event.unit}`;
  if (style === 'wire') return `In ${facts.where}, ${facts.who} ${facts.event.perfect}, with ${count} at stake.`;
  return `${facts.who} ${facts.event.perfect} in ${facts.where}, in a move involving ${count}.`;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export interface CorpusOptions {
  /** The summaries' style; the articles are the same draws in every style. */
  readonly style?: SummaryStyle;
  readonly idPrefix?: string;
}

/** Article `index` of the corpus with this id prefix; `rng` decides everything. */
export function generateArticle(rng: Rng, idPrefix: string, index: number, style: SummaryStyle = 'reference'): GeneratedArticle {
  const facts = eventFacts(rng);
  const distractor = eventFacts(rng, facts);
  const surname = facts.who.split(' ')[1]!;
  const thirdNumber = numberIn(rng, facts.event.range, facts.number);
  const lead = `${facts.who}, the ${facts.role} of ${facts.organisation}, ${facts.event.past} in ${facts.where} on ${facts.when}, involving ${formatNumber(facts.number)} ${facts.event.unit}.`;
  const body = shuffle(rng, [
    `Last ${pick(rng, MONTHS)}, ${distractor.who} of ${distractor.organisation} ${distractor.event.past} in ${distractor.where}, involving ${formatNumber(distractor.number)} ${distractor.event.unit}.`,
    `"It is a ${pick(rng, MOODS)} day for ${facts.where}," ${surname} told reporters on ${facts.when}.`,
    `Officials said ${formatNumber(thirdNumber)} ${facts.event.unit} had been discussed in ${distractor.where} before ${facts.event.noun} was agreed.`,
    `${distractor.who}, the ${distractor.role}, said ${facts.where} should expect questions about ${facts.event.noun}.`,
    `${capitalise(facts.event.noun)} was first proposed ${2 + rng.int(9)} years ago, when a similar plan in ${distractor.where} failed.`,
  ]);
  const id = `${idPrefix}-${String(index).padStart(6, '0')}`;
  const title = facts.event.title.replace('{who}', facts.who).replace('{where}', facts.where);
  return {
    row: { id, url: `https://news.example/veriflow/${id}`, title, summary: summarise(facts, style), text: [lead, ...body].join(' ') },
    facts,
    distractor,
  };
}

/** `count` articles, the same for the same seed on every machine. */
export function generateCorpus(rng: Rng, count: number, options: CorpusOptions = {}): GeneratedArticle[] {
  const idPrefix = options.idPrefix ?? `veriflow-news-${rng.seed}`;
  return Array.from({ length: count }, (_, index) => generateArticle(rng.fork(`article-${index}`), idPrefix, index, options.style));
}
