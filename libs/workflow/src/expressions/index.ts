export type {
  ArrayExpr,
  BinaryExpr,
  BinaryOperator,
  CallExpr,
  ConditionalExpr,
  Expr,
  IdentifierExpr,
  IndexExpr,
  LiteralExpr,
  LiteralValue,
  MemberExpr,
  UnaryExpr,
  UnaryOperator,
} from './ast.js';
export { childrenOf } from './ast.js';
export { ExpressionEvalError, ExpressionLimitError, ExpressionSyntaxError } from './errors.js';
export { evaluateExpression } from './evaluate.js';
export { findExpressions, UnterminatedExpressionError } from './find-expressions.js';
export type { ExpressionSpan } from './find-expressions.js';
export { FUNCTION_NAMES, FUNCTIONS, isFunctionName } from './functions.js';
export type { FunctionInfo, FunctionName } from './functions.js';
export { interpolate, interpolationType, wholeExpression } from './interpolate.js';
export { parseExpression } from './parser.js';
export { collectReferences, FORBIDDEN_KEYS, formatPath, isForbiddenKey, staticReference } from './references.js';
export type { PathSegment, Reference } from './references.js';
export { typecheckExpression } from './typecheck.js';
export type { ReferenceResolver, TypecheckError } from './typecheck.js';
export {
  ANY,
  arrayOf,
  BOOLEAN,
  fieldType,
  formatType,
  isAssignable,
  NULL,
  NUMBER,
  optionsOf,
  STRING,
  typeOfValue,
  typesOverlap,
  unionOf,
} from './types.js';
export type { ValueType } from './types.js';
export { displayString, valuesEqual } from './values.js';
export { splitByBranch } from './live-references.js';
export type { BranchReferences, DecideCondition, UntakenGuard } from './live-references.js';
