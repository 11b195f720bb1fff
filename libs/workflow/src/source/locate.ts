import { isAlias, isMap, isNode, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Scalar } from 'yaml';

export type JsonPath = readonly (string | number)[];

export interface FoundNode {
  /** The node at the path, or its deepest existing ancestor when the path does not exist. */
  readonly node: YamlNode | undefined;
  /** The key that names `node` in its parent map, if it has one. */
  readonly key: YamlNode | undefined;
  /** False when the walk stopped at an ancestor. */
  readonly complete: boolean;
}

function keyMatches(key: unknown, segment: string | number): boolean {
  return isScalar(key) && String(key.value) === String(segment);
}

/** Walks the YAML tree along a JSON path, following aliases, stopping at the deepest node that exists. */
export function findNode(doc: Document, path: JsonPath): FoundNode {
  let node: YamlNode | undefined = isNode(doc.contents) ? doc.contents : undefined;
  let key: YamlNode | undefined;
  for (const segment of path) {
    const current: unknown = isAlias(node) ? node.resolve(doc) : node;
    let next: unknown;
    let nextKey: YamlNode | undefined;
    if (isMap(current)) {
      // The last match wins, as it does in the parsed value when a key is duplicated.
      const pair = current.items.findLast((p) => keyMatches(p.key, segment));
      if (pair === undefined) return { node, key, complete: false };
      nextKey = isNode(pair.key) ? pair.key : undefined;
      // `? key` with no value has no value node at all; the key is the best we can point at.
      if (!isNode(pair.value)) return { node: nextKey, key: nextKey, complete: false };
      next = pair.value;
    } else if (isSeq(current)) {
      next = current.items[Number(segment)];
      if (!isNode(next)) return { node, key, complete: false };
    } else {
      return { node, key, complete: false };
    }
    node = next as YamlNode;
    key = nextKey;
  }
  return { node, key, complete: true };
}

/** `key:` with nothing after it parses as an empty null scalar with a zero-width range. */
export function isEmptyScalar(node: YamlNode | undefined): boolean {
  return isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1];
}

export function rangeOf(node: YamlNode | undefined): readonly [number, number] | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}

/**
 * Maps an offset inside a scalar's string value to an offset in the source text.
 * Exact whenever each whitespace-separated word of the value appears verbatim
 * in the source (plain, quoted without escapes, literal and folded blocks);
 * undefined when an escape sequence or folding makes the mapping ambiguous.
 */
export function sourceOffsetInScalar(scalar: Scalar, text: string, stringOffset: number): number | undefined {
  const value = scalar.value;
  const range = scalar.range;
  if (typeof value !== 'string' || !range) return undefined;
  const raw = text.slice(range[0], range[1]);
  if (raw === value) return range[0] + stringOffset;
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
  if (quoted && raw.slice(1, -1) === value) return range[0] + 1 + stringOffset;
  // Skip a block scalar's header line, which may hold a comment with the same words.
  let cursor = scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED' ? raw.indexOf('\n') + 1 : quoted ? 1 : 0;
  let previous: { valueEnd: number; rawEnd: number } | undefined;
  const words = /\S+/g;
  for (let match = words.exec(value); match; match = words.exec(value)) {
    if (match.index > stringOffset) break;
    const at = raw.indexOf(match[0], cursor);
    const inWord = stringOffset < match.index + match[0].length;
    if (at < 0) {
      if (inWord) return undefined;
      previous = undefined;
      continue;
    }
    if (inWord) return range[0] + at + (stringOffset - match.index);
    cursor = at + match[0].length;
    previous = { valueEnd: match.index + match[0].length, rawEnd: cursor };
  }
  // The offset sits in whitespace after a known word: exact only if that whitespace was kept verbatim.
  if (!previous) return undefined;
  const gap = value.slice(previous.valueEnd, stringOffset);
  return raw.startsWith(gap, previous.rawEnd) ? range[0] + previous.rawEnd + gap.length : undefined;
}
