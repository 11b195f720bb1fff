import type { FunctionName } from './functions.js';

/**
 * Every node carries `start`/`end` offsets (end exclusive) in the caller's coordinates:
 * the position inside the parsed text plus the `baseOffset` given to the parser, so
 * diagnostics can point into the original YAML without re-mapping.
 */
interface NodeBase {
  readonly start: number;
  readonly end: number;
}

export type LiteralValue = number | string | boolean | null;

export interface LiteralExpr extends NodeBase {
  readonly kind: 'literal';
  readonly value: LiteralValue;
}

export interface ArrayExpr extends NodeBase {
  readonly kind: 'array';
  readonly elements: readonly Expr[];
}

export interface IdentifierExpr extends NodeBase {
  readonly kind: 'identifier';
  readonly name: string;
}

/** `object.name` */
export interface MemberExpr extends NodeBase {
  readonly kind: 'member';
  readonly object: Expr;
  readonly name: string;
}

/** `object[index]`; `index` may be any expression, not only a literal. */
export interface IndexExpr extends NodeBase {
  readonly kind: 'index';
  readonly object: Expr;
  readonly index: Expr;
}

export type UnaryOperator = '!' | '-';

export interface UnaryExpr extends NodeBase {
  readonly kind: 'unary';
  readonly op: UnaryOperator;
  readonly operand: Expr;
}

export type BinaryOperator = '*' | '/' | '%' | '+' | '-' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';

export interface BinaryExpr extends NodeBase {
  readonly kind: 'binary';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}

/** `test ? consequent : alternate` */
export interface ConditionalExpr extends NodeBase {
  readonly kind: 'conditional';
  readonly test: Expr;
  readonly consequent: Expr;
  readonly alternate: Expr;
}

export interface CallExpr extends NodeBase {
  readonly kind: 'call';
  readonly name: FunctionName;
  readonly args: readonly Expr[];
}

export type Expr =
  | LiteralExpr
  | ArrayExpr
  | IdentifierExpr
  | MemberExpr
  | IndexExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | CallExpr;

/** Direct sub-expressions, left to right, so walkers need not know every node kind. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'identifier':
      return [];
    case 'array':
      return expr.elements;
    case 'member':
      return [expr.object];
    case 'index':
      return [expr.object, expr.index];
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'conditional':
      return [expr.test, expr.consequent, expr.alternate];
    case 'call':
      return expr.args;
  }
}
