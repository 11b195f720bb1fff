/** Edit distance, used to suggest the closest known name for a misspelt one. */
export function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that still looks like a typo, or undefined. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const a = name.toLowerCase();
    const b = candidate.toLowerCase();
    // A shortened name ("delay" for "delay_ms") is a likelier slip than its edit distance suggests.
    const d = a.length >= 3 && b.startsWith(a) ? Math.min(levenshtein(a, b), limit) : levenshtein(a, b);
    if (d < bestDistance && d <= limit) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "expected one of a, b, c. Did you mean "b"?" */
export function expectedOneOf(name: string, candidates: readonly string[]): string {
  const sorted = [...candidates].sort();
  const guess = closest(name, sorted);
  const list = sorted.length ? `expected one of ${sorted.join(', ')}` : 'nothing is allowed here';
  return guess ? `${list}. Did you mean "${guess}"?` : list;
}
