import type { BinaryExpr, Expr } from './ast.js';
import { typeOfCall } from './function-types.js';
import { isForbiddenKey, staticReference } from './references.js';
import type { Reference } from './references.js';
import { ANY, BOOLEAN, NUMBER, STRING, arrayOf, fieldType, formatType, isAssignable, optionsOf, typeOfValue, unionOf } from './types.js';
import type { ValueType } from './types.js';

export interface TypecheckError {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export type ReferenceResolver = (ref: Reference) => ValueType | { error: string };

/**
 * Infers the type of `expr` and reports every misuse, each pointing at the
 * offending sub-expression. A sub-expression with an error is treated as `any`
 * afterwards, so one mistake is reported once rather than cascading.
 */
export function typecheckExpression(expr: Expr, resolve: ReferenceResolver): { type: ValueType; errors: TypecheckError[] } {
  const errors: TypecheckError[] = [];
  const report = (node: Expr, message: string): void => {
    errors.push({ message, offset: node.start, length: node.end - node.start });
  };

  /** Checks that the operand `node` is a number or a boolean; an `any` operand passes. */
  const expect = (node: Expr, expected: typeof NUMBER | typeof BOOLEAN, what: string): void => {
    const t = check(node);
    if (!isAssignable(t, expected)) report(node, `${what} must be a ${expected.kind}, found ${formatType(t)}`);
  };

  const readKey = (node: Expr, base: ValueType, key: string | number): ValueType => {
    if (isForbiddenKey(key)) {
      report(node, `access to "${key}" is not allowed`);
      return ANY;
    }
    const result = fieldType(base, key);
    if ('error' in result) {
      report(node, result.error);
      return ANY;
    }
    return result;
  };

  // `+` and ordering comparisons: both numbers or both strings.
  const numbersOrStrings = (node: BinaryExpr, verb: string, hint: string): ValueType => {
    const sides = [node.left, node.right].map((side, i) => {
      const t = check(side);
      const which = i === 0 ? 'left' : 'right';
      if (t.kind === 'any' || t.kind === 'number' || t.kind === 'string') return t;
      if (optionsOf(t).every((option) => option.kind === 'number' || option.kind === 'string')) {
        report(side, `${which} side of "${node.op}" may be ${formatType(t)}; convert it with num() or str() first`);
      } else {
        report(side, `${which} side of "${node.op}" must be a number or a string, found ${formatType(t)}`);
      }
      return undefined;
    });
    const [left, right] = sides;
    if (!left || !right) return ANY;
    if (left.kind !== 'any' && right.kind !== 'any' && left.kind !== right.kind) {
      report(node, `cannot ${verb} ${formatType(left)} and ${formatType(right)}${hint}`);
      return ANY;
    }
    return left.kind === 'any' ? right : left;
  };

  const binary = (node: BinaryExpr): ValueType => {
    const { op, left, right } = node;
    switch (op) {
      case '&&':
      case '||':
        expect(left, BOOLEAN, `left side of "${op}"`);
        expect(right, BOOLEAN, `right side of "${op}"`);
        return BOOLEAN;
      case '==':
      case '!=':
        check(left);
        check(right);
        return BOOLEAN;
      case '+':
        return numbersOrStrings(node, 'add', "; use format('{0}{1}', a, b)");
      case '<':
      case '<=':
      case '>':
      case '>=':
        numbersOrStrings(node, 'compare', ` with "${op}"; convert one side with num() or str()`);
        return BOOLEAN;
      default:
        expect(left, NUMBER, `left side of "${op}"`);
        expect(right, NUMBER, `right side of "${op}"`);
        return NUMBER;
    }
  };

  const check = (node: Expr): ValueType => {
    const reference = staticReference(node);
    if (reference) {
      const forbidden = reference.path.find(isForbiddenKey);
      if (forbidden !== undefined) {
        report(node, `access to "${forbidden}" is not allowed`);
        return ANY;
      }
      const resolved = resolve(reference);
      if ('error' in resolved) {
        report(node, resolved.error);
        return ANY;
      }
      return resolved;
    }
    switch (node.kind) {
      case 'literal':
        return typeOfValue(node.value);
      case 'identifier':
        return ANY; // unreachable: identifiers are always static references
      case 'array':
        return arrayOf(unionOf(node.elements.map(check)));
      case 'member':
        return readKey(node, check(node.object), node.name);
      case 'index': {
        const base = check(node.object);
        const index = node.index;
        if (index.kind === 'literal' && (typeof index.value === 'string' || typeof index.value === 'number')) {
          return readKey(node, base, index.value);
        }
        const key = check(index);
        if (!isAssignable(key, { kind: 'union', options: [NUMBER, STRING] })) {
          report(index, `an index must be a number or a string, found ${formatType(key)}`);
          return ANY;
        }
        if (key.kind === 'number') return readKey(node, base, 0);
        // A computed field name could pick any field, so the result is any of them.
        if (base.kind === 'object' && base.fields && key.kind === 'string') return unionOf(Object.values(base.fields));
        if (base.kind === 'array' && key.kind === 'any') return base.element;
        if (base.kind === 'any' || base.kind === 'object' || base.kind === 'array') return ANY;
        report(node, `cannot index ${formatType(base)}`);
        return ANY;
      }
      case 'unary':
        if (node.op === '!') {
          expect(node.operand, BOOLEAN, 'operand of "!"');
          return BOOLEAN;
        }
        expect(node.operand, NUMBER, 'operand of "-"');
        return NUMBER;
      case 'binary':
        return binary(node);
      case 'conditional':
        expect(node.test, BOOLEAN, 'condition of "?"');
        return unionOf([check(node.consequent), check(node.alternate)]);
      case 'call':
        return typeOfCall(node, node.args.map(check), report);
    }
  };

  const type = check(expr);
  errors.sort((a, b) => a.offset - b.offset);
  return { type, errors };
}
