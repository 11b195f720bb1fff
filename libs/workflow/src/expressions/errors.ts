/** A malformed expression; `offset`/`length` cover the offending text in the caller's coordinates. */
export class ExpressionSyntaxError extends Error {
  readonly offset: number;
  readonly length: number;
  constructor(message: string, offset: number, length: number) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.offset = offset;
    this.length = length;
  }
}

/** An expression beyond a size or nesting limit: too big to check safely, though perhaps well-formed. */
export class ExpressionLimitError extends ExpressionSyntaxError {
  constructor(message: string, offset: number, length: number) {
    super(message, offset, length);
    this.name = 'ExpressionLimitError';
  }
}

/** A well-formed expression that failed while being evaluated (wrong runtime type, missing field, ...). */
export class ExpressionEvalError extends Error {
  readonly offset: number;
  readonly length: number;
  constructor(message: string, offset: number, length = 0, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExpressionEvalError';
    this.offset = offset;
    this.length = length;
  }
}
