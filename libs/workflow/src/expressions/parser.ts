import { closest, expectedOneOf } from '../diagnostics/suggest.js';
import type { BinaryOperator, Expr } from './ast.js';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_TOKENS } from '../limits/nesting-limits.js';
import { childrenOf } from './ast.js';
import { ExpressionLimitError, ExpressionSyntaxError } from './errors.js';
import { FUNCTIONS, FUNCTION_ALIASES, FUNCTION_NAMES, describeArity, isFunctionName } from './functions.js';
import { tokenize } from './lexer.js';
import type { Punctuator, Token } from './lexer.js';

// Higher binds tighter; all binary operators are left-associative.
const PRECEDENCE: Partial<Record<Punctuator, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

/**
 * Parses the text between `${{` and `}}`. Offsets in the result and in any
 * `ExpressionSyntaxError` are positions in `inner` plus `baseOffset`; columns
 * quoted inside messages are 1-based positions within `inner`.
 */
export function parseExpression(inner: string, baseOffset = 0): Expr {
  const tokens = tokenize(inner, baseOffset);
  // The last token is the end marker.
  if (tokens.length - 1 > MAX_EXPRESSION_TOKENS) {
    const first = tokens[MAX_EXPRESSION_TOKENS]!;
    throw new ExpressionLimitError(
      `expression too long: ${tokens.length - 1} tokens, at most ${MAX_EXPRESSION_TOKENS}; compute the value in a step or a param instead`,
      first.start,
      1,
    );
  }
  return new Parser(tokens, baseOffset).parseAll();
}

const TOO_DEEP = `expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep (parentheses, brackets, calls and operators each add one, so does every operator in a chain like a + b + c); split it into params or steps`;

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of expression';
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return `string ${token.text}`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  private pos = 0;
  /** Sub-expressions being parsed, innermost last: bounds this parser's own recursion. */
  private nesting = 0;
  /** Levels of each node built so far: bounds the recursion of every pass over the tree. */
  private readonly depths = new WeakMap<Expr, number>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly baseOffset: number,
  ) {}

  parseAll(): Expr {
    if (this.peek().kind === 'eof') this.fail('empty expression; write a value or reference, e.g. ${{ params.n }}', this.peek());
    const expr = this.parseConditional();
    const next = this.peek();
    if (next.kind === 'eof') return expr;
    if (next.text === ')' || next.text === ']') this.fail(`unexpected "${next.text}" with no matching "${next.text === ')' ? '(' : '['}"`, next);
    if (next.text === ':') this.fail('unexpected ":" with no matching "?"', next);
    return this.fail(`expected an operator or end of expression, found ${describe(next)}`, next);
  }

  private parseConditional(): Expr {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) this.tooDeep(this.peek());
    try {
      const test = this.parseBinary(1);
      const question = this.peek();
      if (question.text !== '?' || question.kind !== 'punct') return test;
      this.pos++;
      const consequent = this.parseConditional();
      this.expectClosing(':', question, 'to complete');
      const alternate = this.parseConditional();
      return this.built({ kind: 'conditional', test, consequent, alternate, start: test.start, end: alternate.end });
    } finally {
      this.nesting--;
    }
  }

  private parseBinary(minPrecedence: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      const precedence = token.kind === 'punct' ? PRECEDENCE[token.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.pos++;
      const right = this.parseBinary(precedence + 1);
      left = this.built({ kind: 'binary', op: token.text as BinaryOperator, left, right, start: left.start, end: right.end });
    }
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && (token.text === '!' || token.text === '-')) {
      this.pos++;
      if (++this.nesting > MAX_EXPRESSION_DEPTH) this.tooDeep(token);
      try {
        const operand = this.parseUnary();
        return this.built({ kind: 'unary', op: token.text, operand, start: token.start, end: operand.end });
      } finally {
        this.nesting--;
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: Expr): Expr {
    let expr = base;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') return expr;
      if (token.text === '.') {
        this.pos++;
        const name = this.next();
        if (name.kind === 'punct' && name.text === '*') {
          this.fail('".*" (object filters) is not supported; name the field or index explicitly', name);
        }
        if (name.kind !== 'identifier') this.fail(`expected a field name after ".", found ${describe(name)}`, name);
        expr = this.built({ kind: 'member', object: expr, name: name.text, start: expr.start, end: name.end });
      } else if (token.text === '[') {
        this.pos++;
        const index = this.parseConditional();
        const close = this.expectClosing(']', token, 'to close');
        expr = this.built({ kind: 'index', object: expr, index, start: expr.start, end: close.end });
      } else if (token.text === '(' && expr.kind === 'member') {
        return this.fail("only built-in functions can be called, and not as methods; pass the value as the first argument, e.g. startsWith(x, 'a')", token);
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: token.value, start: token.start, end: token.end };
      case 'identifier':
        if (this.peek().text === '(' && this.peek().kind === 'punct') return this.parseCall(token);
        if (Object.hasOwn(KEYWORDS, token.text)) {
          return { kind: 'literal', value: KEYWORDS[token.text]!, start: token.start, end: token.end };
        }
        return { kind: 'identifier', name: token.text, start: token.start, end: token.end };
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseConditional();
          this.expectClosing(')', token, 'to close');
          return inner;
        }
        if (token.text === '[') return this.parseArray(token);
        if (token.text === '.' && this.peek().kind === 'number') {
          this.fail(`expected an expression, found "."; write numbers with a leading digit, e.g. 0.${this.peek().text}`, token);
        }
        return this.fail(`expected an expression, found ${describe(token)}`, token);
      case 'eof':
        return this.fail('expected an expression, found end of expression', token);
    }
  }

  private parseArray(open: Token): Expr {
    const elements: Expr[] = [];
    if (this.peek().text !== ']' || this.peek().kind !== 'punct') {
      for (;;) {
        elements.push(this.parseConditional());
        if (this.peek().text !== ',' || this.peek().kind !== 'punct') break;
        this.pos++;
      }
    }
    const close = this.expectClosing(']', open, 'to close', elements.length > 0);
    return this.built({ kind: 'array', elements, start: open.start, end: close.end });
  }

  private parseCall(nameToken: Token): Expr {
    const name = nameToken.text;
    if (!isFunctionName(name)) {
      let message = `unknown function "${name}"; ${expectedOneOf(name, FUNCTION_NAMES)}`;
      const alias = FUNCTION_ALIASES.get(name);
      if (alias !== undefined && closest(name, FUNCTION_NAMES) === undefined) message += `. Did you mean "${alias}"?`;
      this.fail(message, nameToken);
    }
    const open = this.next();
    const args: Expr[] = [];
    if (this.peek().text !== ')' || this.peek().kind !== 'punct') {
      for (;;) {
        args.push(this.parseConditional());
        if (this.peek().text !== ',' || this.peek().kind !== 'punct') break;
        this.pos++;
      }
    }
    const close = this.expectClosing(')', open, 'to close', args.length > 0);
    const info = FUNCTIONS[name];
    if (args.length < info.minArgs || args.length > info.maxArgs) {
      throw new ExpressionSyntaxError(
        `wrong number of arguments for ${info.signature}: expected ${describeArity(info)}, found ${args.length}`,
        nameToken.start,
        close.end - nameToken.start,
      );
    }
    return this.built({ kind: 'call', name, args, start: nameToken.start, end: close.end });
  }

  /** Consumes `closer` or fails naming the opener and its column; `allowComma` adds "," to what was expected. */
  private expectClosing(closer: ')' | ']' | ':', opener: Token, verb: string, allowComma = false): Token {
    const token = this.next();
    if (token.kind === 'punct' && token.text === closer) return token;
    const expected = allowComma ? `"," or "${closer}"` : `"${closer}"`;
    const column = opener.start - this.baseOffset + 1;
    return this.fail(`expected ${expected} ${verb} "${opener.text}" at column ${column}, found ${describe(token)}`, token);
  }

  /** Records a new node's depth, one more than its deepest child's; fails past the limit. */
  private built(expr: Expr): Expr {
    const depth = 1 + Math.max(0, ...childrenOf(expr).map((child) => this.depths.get(child) ?? 1));
    if (depth > MAX_EXPRESSION_DEPTH) throw new ExpressionLimitError(TOO_DEEP, expr.start, expr.end - expr.start);
    this.depths.set(expr, depth);
    return expr;
  }

  private tooDeep(token: Token): never {
    throw new ExpressionLimitError(TOO_DEEP, token.start, Math.max(1, token.end - token.start));
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const token = this.tokens[this.pos]!;
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private fail(message: string, token: Token): never {
    throw new ExpressionSyntaxError(message, token.start, token.end - token.start);
  }
}
