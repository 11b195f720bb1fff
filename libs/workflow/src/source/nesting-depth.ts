import { Parser } from 'yaml';
import type { CST } from 'yaml';

/**
 * The first map or list that sits more than `limit` levels deep, found on yaml's concrete syntax tree,
 * which its parser builds without recursion; composing the document recurses once per level, so this
 * runs first. Returns the source offset where that collection starts. `onNewLine` sees every line start,
 * as for yaml's own parser.
 */
export function findNestingBeyond(text: string, limit: number, onNewLine?: (offset: number) => void): number | undefined {
  const pending: { token: CST.Token | null | undefined; depth: number }[] = [];
  // Pushed last-first, so the walk visits collections in source order and reports the first one.
  for (const token of [...new Parser(onNewLine).parse(text)].reverse()) pending.push({ token, depth: 0 });
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { token, depth } = item;
    if (!token) continue;
    if (token.type === 'document') {
      pending.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > limit) return token.type === 'flow-collection' ? token.start.offset : token.offset;
    for (const entry of [...token.items].reverse()) {
      pending.push({ token: entry.value, depth: depth + 1 });
      pending.push({ token: entry.key, depth: depth + 1 });
    }
  }
  return undefined;
}
