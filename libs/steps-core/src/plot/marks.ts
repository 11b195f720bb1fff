import type { SvgBuilder } from './svg.js';
import type { MarkerShape } from './palette.js';
import { num } from './format.js';

/** A point marker of the given shape centred on (x, y); `r` is about the radius. */
export function drawMarker(svg: SvgBuilder, shape: MarkerShape, x: number, y: number, r: number, fill: string, stroke = '#FFFFFF'): void {
  const style = { fill, stroke, 'stroke-width': 1 };
  switch (shape) {
    case 'circle':
      svg.element('circle', { cx: x, cy: y, r, ...style });
      return;
    case 'square':
      svg.rect(x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76, style);
      return;
    case 'diamond':
      svg.element('path', { d: poly([[x, y - r * 1.2], [x + r * 1.2, y], [x, y + r * 1.2], [x - r * 1.2, y]]), ...style });
      return;
    case 'triangle':
      svg.element('path', { d: poly([[x, y - r * 1.2], [x + r * 1.1, y + r * 0.8], [x - r * 1.1, y + r * 0.8]]), ...style });
      return;
    case 'triangle-down':
      svg.element('path', { d: poly([[x, y + r * 1.2], [x + r * 1.1, y - r * 0.8], [x - r * 1.1, y - r * 0.8]]), ...style });
      return;
    case 'cross': {
      const a = r * 0.95;
      svg.element('path', { d: `M${num(x - a)} ${num(y - a)} L${num(x + a)} ${num(y + a)} M${num(x - a)} ${num(y + a)} L${num(x + a)} ${num(y - a)}`, fill: 'none', stroke: fill, 'stroke-width': 2.2 });
      return;
    }
  }
}

function poly(points: readonly (readonly [number, number])[]): string {
  return `${points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${num(px)} ${num(py)}`).join(' ')} Z`;
}
