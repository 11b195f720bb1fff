import { childrenOf } from './ast.js';
import type { Expr } from './ast.js';

export type PathSegment = string | number;

/** A static member/index chain from a root identifier, e.g. `steps.train.outputs.model`. */
export interface Reference {
  readonly path: PathSegment[];
  readonly start: number;
  readonly end: number;
}

/**
 * Keys that would reach into JavaScript object machinery rather than user data;
 * refused everywhere so a lookup that indexes plain objects cannot be abused.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: PathSegment): boolean {
  return typeof key === 'string' && FORBIDDEN_KEYS.has(key);
}

/** The reference `expr` denotes as a whole, if it is an identifier followed only by static `.name`/`['name']`/`[0]` steps. */
export function staticReference(expr: Expr): Reference | undefined {
  let key: PathSegment;
  switch (expr.kind) {
    case 'identifier':
      return { path: [expr.name], start: expr.start, end: expr.end };
    case 'member':
      key = expr.name;
      break;
    case 'index': {
      const index = expr.index;
      if (index.kind !== 'literal') return undefined;
      if (typeof index.value === 'string') key = index.value;
      else if (typeof index.value === 'number' && Number.isInteger(index.value)) key = index.value;
      else return undefined;
      break;
    }
    default:
      return undefined;
  }
  const base = staticReference(expr.object);
  return base && { path: [...base.path, key], start: base.start, end: expr.end };
}

/** Every maximal static reference in `expr`, left to right; `a.b[x].c` yields `a.b` and `x`. */
export function collectReferences(expr: Expr): Reference[] {
  const references: Reference[] = [];
  const visit = (node: Expr): void => {
    const reference = staticReference(node);
    if (reference) references.push(reference);
    else childrenOf(node).forEach(visit);
  };
  visit(expr);
  return references;
}

/** `steps.train.outputs.model`, `matrix['learning rate']`, `params.sizes[0]` */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) && !segment.endsWith('-')) return i === 0 ? segment : `.${segment}`;
      return `['${segment.replace(/'/g, "''")}']`;
    })
    .join('');
}
