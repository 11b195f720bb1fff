/**
 * Words that reach every rule of nltk's Porter stemmer in NLTK_EXTENSIONS mode: the paper's examples for
 * each step, NLTK's irregular forms and its extra rules (ies/ied on four letters, y → i, alli, fulli,
 * logi, the two-letter *o), y as vowel and consonant; and a seeded generator of stems + suffix chains.
 */
import type { Rng } from '@veriflow/step-api';

export const PORTER_RULE_WORDS: readonly string[] = [
  // step 1a
  'caresses', 'ponies', 'ties', 'caress', 'cats', 'dies', 'pies', 'flies', 'skies', 'buses', 'gases',
  // step 1b
  'feed', 'agreed', 'disagreed', 'plastered', 'bled', 'motoring', 'sing', 'conflated', 'troubled', 'sized',
  'hopping', 'tanned', 'falling', 'hissing', 'fizzed', 'failing', 'filing', 'died', 'tied', 'cried', 'spied',
  'bleed', 'speed', 'fixed', 'boxing', 'opening', 'hoping', 'hopped', 'rated', 'bowed', 'snowing',
  // step 1c
  'happy', 'sky', 'enjoy', 'spy', 'fly', 'try', 'toy', 'syzygy', 'yyyy', 'ayyy', 'yard', 'boy', 'daily',
  // step 2
  'relational', 'conditional', 'rational', 'valenci', 'hesitanci', 'digitizer', 'conformabli', 'radicalli',
  'differentli', 'vileli', 'analogousli', 'vietnamization', 'predication', 'operator', 'feudalism',
  'decisiveness', 'hopefulness', 'callousness', 'formaliti', 'sensitiviti', 'sensibiliti', 'hopefulli',
  'analogi', 'geologi', 'logi', 'radically', 'generalization', 'sensibly', 'responsibility',
  // step 3
  'triplicate', 'formative', 'formalize', 'electriciti', 'electrical', 'hopeful', 'goodness', 'dutiful',
  // step 4
  'revival', 'allowance', 'inference', 'airliner', 'gyroscopic', 'adjustable', 'defensible', 'irritant',
  'replacement', 'adjustment', 'dependent', 'adoption', 'homologou', 'communism', 'activate', 'angulariti',
  'homologous', 'effective', 'bowdlerize', 'station', 'nation', 'opinion', 'union',
  // step 5
  'probate', 'rate', 'cease', 'controll', 'roll', 'control', 'generalli', 'fallen', 'ore', 'able',
  // irregular forms and short words
  'dying', 'lying', 'tying', 'news', 'innings', 'inning', 'outings', 'outing', 'cannings', 'canning', 'howe',
  'proceed', 'exceed', 'succeed', 'proceeding', 'exceeded', 'is', 'as', 'at', 'ox', 'a', 'ab',
  // news vocabulary
  'government', 'ministers', 'announced', 'elections', 'officials', 'reported', 'according', 'statement',
  'police', 'investigation', 'authorities', 'hospitalised', 'organisation', 'agreement', 'negotiations',
  'economy', 'quarterly', 'earnings', 'increasingly', 'protesters', 'gathered', 'capital', 'thousands',
  '2019', '1st', '3rd', '100km', 'covid19', 'g7', 'mp3s', 'b2b',
];

const STEM_PIECES = ['b', 'c', 'tr', 'st', 'pl', 'gr', 'a', 'e', 'i', 'o', 'u', 'y', 'ee', 'oa', 'ss', 'll', 'z', 'x', 'w', 'n', 'm', 'r', 't', 'l', 'v'];
const SUFFIXES = [
  's', 'es', 'ies', 'sses', 'ss', 'ed', 'eed', 'ied', 'ing', 'y', 'ational', 'tional', 'enci', 'anci', 'izer',
  'bli', 'alli', 'entli', 'eli', 'ousli', 'ization', 'ation', 'ator', 'alism', 'iveness', 'fulness', 'ousness',
  'aliti', 'iviti', 'biliti', 'fulli', 'logi', 'icate', 'ative', 'alize', 'iciti', 'ical', 'ful', 'ness', 'al',
  'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'sion', 'tion', 'ion', 'ou', 'ism',
  'ate', 'iti', 'ous', 'ive', 'ize', 'e', 'll', 'at', 'bl', 'iz',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** A random stem of 1–4 pieces followed by 1–3 suffixes: reaches rule combinations no word list does. */
export function randomPorterWord(rng: Rng): string {
  let word = '';
  for (let i = 1 + rng.int(4); i > 0; i--) word += pick(rng, STEM_PIECES);
  for (let i = 1 + rng.int(3); i > 0; i--) word += pick(rng, SUFFIXES);
  return word;
}
