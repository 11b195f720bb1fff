import { childrenOf } from './ast.js';
import type { Expr } from './ast.js';
import { staticReference } from './references.js';
import type { Reference } from './references.js';

/** The value a condition has before anything runs, or undefined when that is not known yet. */
export type DecideCondition = (test: Expr) => boolean | undefined;

/** The condition whose value leaves a reference in a branch that is not taken. */
export interface UntakenGuard {
  readonly test: Expr;
  readonly value: boolean;
}

export interface BranchReferences {
  /** References evaluation may reach. */
  readonly live: readonly Reference[];
  /** References evaluation never reaches, with the condition that rules each out. */
  readonly untaken: readonly { readonly reference: Reference; readonly guard: UntakenGuard }[];
  /** Live references under a condition `decide` could not settle: another scope may still rule them out. */
  readonly contingent: readonly Reference[];
}

/**
 * Every maximal static reference in `expr` (as collectReferences finds them), split by whether
 * evaluation can reach it: `c ? a : b` reads only `a` when `c` is known to be true, `c && x` never reads
 * `x` when `c` is known to be false, `c || x` never when it is true. Evaluation short-circuits the same
 * way, so a reference ruled out here is never looked up at run time.
 */
export function splitByBranch(expr: Expr, decide: DecideCondition): BranchReferences {
  const live: Reference[] = [];
  const untaken: { reference: Reference; guard: UntakenGuard }[] = [];
  const contingent: Reference[] = [];
  const visit = (node: Expr, guard: UntakenGuard | undefined, undecided: boolean): void => {
    const reference = staticReference(node);
    if (reference) {
      if (guard) untaken.push({ reference, guard });
      else {
        live.push(reference);
        if (undecided) contingent.push(reference);
      }
      return;
    }
    // Inside a branch already ruled out, nothing needs deciding: everything below is ruled out by that guard.
    const value = guard ? undefined : node.kind === 'conditional' ? decide(node.test) : node.kind === 'binary' && (node.op === '&&' || node.op === '||') ? decide(node.left) : undefined;
    if (node.kind === 'conditional') {
      visit(node.test, guard, undecided);
      visit(node.consequent, guard ?? (value === false ? { test: node.test, value } : undefined), undecided || (!guard && value === undefined));
      visit(node.alternate, guard ?? (value === true ? { test: node.test, value } : undefined), undecided || (!guard && value === undefined));
      return;
    }
    if (node.kind === 'binary' && (node.op === '&&' || node.op === '||')) {
      const skipsRight = value === (node.op === '||');
      visit(node.left, guard, undecided);
      visit(node.right, guard ?? (skipsRight ? { test: node.left, value: value! } : undefined), undecided || (!guard && value === undefined));
      return;
    }
    for (const child of childrenOf(node)) visit(child, guard, undecided);
  };
  visit(expr, undefined, false);
  return { live, untaken, contingent };
}
