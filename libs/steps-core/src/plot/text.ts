/**
 * Text width estimates for layout, from Helvetica's advance widths (per 1000 em) for printable ASCII.
 * Viewers substitute Arial, Liberation Sans or DejaVu Sans, which run up to ~10% wider, so estimates
 * include that margin: labels get room in every common sans-serif font.
 */
const WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
];

const FALLBACK_FACTOR = 1.13;

export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? (WIDTHS[code - 32] ?? 600) : 650;
  }
  return (units / 1000) * fontSize * FALLBACK_FACTOR * (bold ? 1.07 : 1);
}
