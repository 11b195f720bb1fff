/**
 * The Porter stemmer exactly as `rouge-score` 0.1.2 uses it: nltk's `PorterStemmer()` in its default
 * mode, NLTK_EXTENSIONS (nltk 3.10, nltk/stem/porter.py), ported rule for rule so that stems agree on
 * every word. Only what that mode reaches is here (no ORIGINAL_ALGORITHM or MARTIN_EXTENSIONS
 * branches). Words reach it lowercased and made of [a-z0-9] by the ROUGE tokenizer.
 */

/** nltk's irregular forms: looked up before any rule runs. */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  Object.entries({
    sky: ['sky', 'skies'],
    die: ['dying'],
    lie: ['lying'],
    tie: ['tying'],
    news: ['news'],
    inning: ['innings', 'inning'],
    outing: ['outings', 'outing'],
    canning: ['cannings', 'canning'],
    howe: ['howe'],
    proceed: ['proceed'],
    exceed: ['exceed'],
    succeed: ['succeed'],
  }).flatMap(([stem, forms]) => forms.map((form) => [form, stem] as const)),
);

function isVowelLetter(ch: string): boolean {
  return ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u';
}

/** A letter other than a, e, i, o, u, and other than a y preceded by a consonant. */
function isConsonant(word: string, index: number): boolean {
  let i = index;
  if (isVowelLetter(word[i]!)) return false;
  if (word[i] === 'y') {
    let negate = false;
    while (i > 0 && word[i] === 'y') {
      negate = !negate;
      i -= 1;
    }
    return !isVowelLetter(word[i]!) !== negate;
  }
  return true;
}

/** m in [C](VC){m}[V]: the number of vowel-to-consonant transitions. */
function measure(stem: string): number {
  let count = 0;
  let previousConsonant = false;
  for (let i = 0; i < stem.length; i++) {
    const ch = stem[i]!;
    const consonant: boolean = isVowelLetter(ch) ? false : ch === 'y' ? i === 0 || !previousConsonant : true;
    if (consonant && i > 0 && !previousConsonant) count += 1;
    previousConsonant = consonant;
  }
  return count;
}

const positiveMeasure = (stem: string): boolean => measure(stem) > 0;
const measureAboveOne = (stem: string): boolean => measure(stem) > 1;

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

/** Condition *d: ends with a double consonant. */
function endsDoubleConsonant(word: string): boolean {
  return word.length >= 2 && word[word.length - 1] === word[word.length - 2] && isConsonant(word, word.length - 1);
}

/** Condition *o: ends consonant-vowel-consonant, the last not w, x or y; NLTK adds two-letter vowel-consonant words. */
function endsCvc(word: string): boolean {
  const n = word.length;
  return (
    (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1) && !'wxy'.includes(word[n - 1]!)) ||
    (n === 2 && !isConsonant(word, 0) && isConsonant(word, 1))
  );
}

/** A suffix rule: `suffix` → `replacement` when `condition(stem)` holds; '*d' matches a double consonant. */
type Rule = readonly [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** nltk's _apply_rule_list: the first rule whose suffix matches decides, even when its condition fails. */
function applyRuleList(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = suffix === '' ? word : word.slice(0, -suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A: readonly Rule[] = [
  ['sses', 'ss', null],
  ['ies', 'i', null],
  ['ss', 'ss', null],
  ['s', '', null],
];

function step1a(word: string): string {
  if (word.endsWith('ies') && word.length === 4) return `${word.slice(0, -3)}ie`;
  return applyRuleList(word, STEP1A);
}

function step1b(word: string): string {
  if (word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : word;
  }
  let intermediate: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, -suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === undefined) return word;
  const last = intermediate[intermediate.length - 1] ?? '';
  return applyRuleList(intermediate, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => last !== 'l' && last !== 's' && last !== 'z'],
    ['', 'e', (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

function step1c(word: string): string {
  // NLTK: y → i only after a consonant that is not the whole stem (happy → happi, enjoy stays).
  return applyRuleList(word, [['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);
}

const STEP2: readonly Rule[] = [
  ['ational', 'ate', positiveMeasure],
  ['tional', 'tion', positiveMeasure],
  ['enci', 'ence', positiveMeasure],
  ['anci', 'ance', positiveMeasure],
  ['izer', 'ize', positiveMeasure],
  ['bli', 'ble', positiveMeasure],
  ['alli', 'al', positiveMeasure],
  ['entli', 'ent', positiveMeasure],
  ['eli', 'e', positiveMeasure],
  ['ousli', 'ous', positiveMeasure],
  ['ization', 'ize', positiveMeasure],
  ['ation', 'ate', positiveMeasure],
  ['ator', 'ate', positiveMeasure],
  ['alism', 'al', positiveMeasure],
  ['iveness', 'ive', positiveMeasure],
  ['fulness', 'ful', positiveMeasure],
  ['ousness', 'ous', positiveMeasure],
  ['aliti', 'al', positiveMeasure],
  ['iviti', 'ive', positiveMeasure],
  ['biliti', 'ble', positiveMeasure],
  ['fulli', 'ful', positiveMeasure],
];

function step2(word: string): string {
  if (word.endsWith('alli') && positiveMeasure(word.slice(0, -4))) return step2(`${word.slice(0, -4)}al`);
  // NLTK's logi rule measures the word without "ogi" (keeping the l), not the stem without "logi".
  return applyRuleList(word, [...STEP2, ['logi', 'log', () => positiveMeasure(word.slice(0, -3))]]);
}

const STEP3: readonly Rule[] = [
  ['icate', 'ic', positiveMeasure],
  ['ative', '', positiveMeasure],
  ['alize', 'al', positiveMeasure],
  ['iciti', 'ic', positiveMeasure],
  ['ical', 'ic', positiveMeasure],
  ['ful', '', positiveMeasure],
  ['ness', '', positiveMeasure],
];

const STEP4: readonly Rule[] = [
  ['al', '', measureAboveOne],
  ['ance', '', measureAboveOne],
  ['ence', '', measureAboveOne],
  ['er', '', measureAboveOne],
  ['ic', '', measureAboveOne],
  ['able', '', measureAboveOne],
  ['ible', '', measureAboveOne],
  ['ant', '', measureAboveOne],
  ['ement', '', measureAboveOne],
  ['ment', '', measureAboveOne],
  ['ent', '', measureAboveOne],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', measureAboveOne],
  ['ism', '', measureAboveOne],
  ['ate', '', measureAboveOne],
  ['iti', '', measureAboveOne],
  ['ous', '', measureAboveOne],
  ['ive', '', measureAboveOne],
  ['ize', '', measureAboveOne],
];

function step5a(word: string): string {
  if (!word.endsWith('e')) return word;
  const stem = word.slice(0, -1);
  const m = measure(stem);
  return m > 1 || (m === 1 && !endsCvc(stem)) ? stem : word;
}

function step5b(word: string): string {
  return applyRuleList(word, [['ll', 'l', () => measure(word.slice(0, -1)) > 1]]);
}

/** nltk `PorterStemmer().stem(word)` (NLTK_EXTENSIONS, to_lowercase=True). */
export function porterStem(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR.get(lower);
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return lower;
  return step5b(step5a(applyRuleList(applyRuleList(step2(step1c(step1b(step1a(lower)))), STEP3), STEP4)));
}
