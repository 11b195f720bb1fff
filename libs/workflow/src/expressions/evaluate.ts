import type { BinaryExpr, Expr } from './ast.js';
import { callBuiltin } from './builtins.js';
import { ExpressionEvalError } from './errors.js';
import { formatPath, isForbiddenKey, staticReference } from './references.js';
import type { PathSegment } from './references.js';
import { readField, runtimeTypeName, valuesEqual } from './values.js';

/**
 * Evaluates a parsed expression. `lookup` receives each maximal static reference
 * path (as `collectReferences` reports it) and returns its value; dynamic steps
 * after it (`[matrix.i]`, `.x` on a call result) are applied here, to own data only.
 */
export function evaluateExpression(expr: Expr, lookup: (path: PathSegment[]) => unknown): unknown {
  const fail = (message: string, node: Expr): never => {
    throw new ExpressionEvalError(message, node.start, node.end - node.start);
  };

  const boolean = (node: Expr, what: string): boolean => {
    const value = evaluate(node);
    if (typeof value !== 'boolean') fail(`${what} must be a boolean, found ${runtimeTypeName(value)}`, node);
    return value as boolean;
  };

  const number = (node: Expr, what: string): number => {
    const value = evaluate(node);
    if (typeof value !== 'number') fail(`${what} must be a number, found ${runtimeTypeName(value)}`, node);
    return value as number;
  };

  const field = (object: unknown, key: unknown, node: Expr): unknown => {
    const result = readField(object, key);
    return 'error' in result ? fail(result.error, node) : result.value;
  };

  const binary = (node: BinaryExpr): unknown => {
    const { op, left, right } = node;
    const side = (which: string): string => `${which} side of "${op}"`;
    switch (op) {
      case '&&':
        return boolean(left, side('left')) && boolean(right, side('right'));
      case '||':
        return boolean(left, side('left')) || boolean(right, side('right'));
      case '==':
        return valuesEqual(evaluate(left), evaluate(right));
      case '!=':
        return !valuesEqual(evaluate(left), evaluate(right));
      case '+':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const a = evaluate(left);
        const b = evaluate(right);
        const bothNumbers = typeof a === 'number' && typeof b === 'number';
        const bothStrings = typeof a === 'string' && typeof b === 'string';
        if (!bothNumbers && !bothStrings) {
          const types = `${runtimeTypeName(a)} and ${runtimeTypeName(b)}`;
          if (op === '+') return fail(`cannot add ${types}; use format('{0}{1}', a, b)`, node);
          return fail(`cannot compare ${types} with "${op}"; both sides must be numbers or both strings`, node);
        }
        const x = a as number | string;
        const y = b as number | string;
        if (op === '+') return bothNumbers ? finite((a as number) + (b as number), node) : `${x}${y}`;
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      }
      default: {
        const a = number(left, side('left'));
        const b = number(right, side('right'));
        if ((op === '/' || op === '%') && b === 0) return fail(`division by zero in "${op}"`, right);
        return finite(op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b, node);
      }
    }
  };

  // Infinity and NaN cannot be written back to YAML/JSON outputs, so they stop here.
  const finite = (value: number, node: Expr): number =>
    Number.isFinite(value) ? value : fail('the result is too large to represent as a number', node);

  const evaluate = (node: Expr): unknown => {
    const reference = staticReference(node);
    if (reference) {
      const forbidden = reference.path.find(isForbiddenKey);
      if (forbidden !== undefined) return fail(`access to "${forbidden}" is not allowed`, node);
      let value: unknown;
      try {
        value = lookup(reference.path);
      } catch (error) {
        if (error instanceof ExpressionEvalError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ExpressionEvalError(message, node.start, node.end - node.start, { cause: error });
      }
      if (value === undefined) return fail(`"${formatPath(reference.path)}" has no value`, node);
      return value;
    }
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'identifier':
        return fail(`unresolved reference "${node.name}"`, node);
      case 'array':
        return node.elements.map(evaluate);
      case 'member':
        return field(evaluate(node.object), node.name, node);
      case 'index':
        return field(evaluate(node.object), evaluate(node.index), node.index);
      case 'unary':
        if (node.op === '!') return !boolean(node.operand, 'operand of "!"');
        return finite(-number(node.operand, 'operand of "-"'), node);
      case 'binary':
        return binary(node);
      case 'conditional':
        return boolean(node.test, 'condition of "?"') ? evaluate(node.consequent) : evaluate(node.alternate);
      case 'call': {
        const args = node.args.map(evaluate);
        return callBuiltin(node.name, args, (message, argIndex) => fail(message, (argIndex !== undefined && node.args[argIndex]) || node));
      }
    }
  };

  return evaluate(expr);
}
