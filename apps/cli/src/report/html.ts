import { escapeXml } from '@veriflow/steps-core';

/** Markup that is already escaped: `html` interpolates it as it is, and escapes everything else. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * Text safe inside an element or a quoted attribute: instance names, matrix values and messages are user
 * data. The figures' escaping serves as it is (it also replaces control characters no markup may hold).
 */
export function escapeHtml(value: unknown): string {
  return escapeXml(String(value));
}

function interpolate(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/**
 * A tagged template that escapes every interpolated value unless it is `SafeHtml` (the result of another
 * `html` or `raw`); lists are joined. Escaping is the default, so a forgotten call cannot inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let text = strings[0]!;
  values.forEach((value, index) => (text += interpolate(value) + strings[index + 1]!));
  return new SafeHtml(text);
}

/** Markup written by this program (the inline style sheet and script): never user data. */
export function raw(text: string): SafeHtml {
  return new SafeHtml(text);
}
