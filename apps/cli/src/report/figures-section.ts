import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { ReportResults } from './report-results.js';

const MEDIA: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.gif': 'image/gif' };

export interface InlineFigure {
  readonly instance: string;
  readonly output: string;
  /** A data URI of the figure, or undefined when its file could not be read. */
  readonly dataUri: string | undefined;
  readonly path: string;
  readonly problem?: string;
}

/**
 * Reads the run's exported figures as data URIs, so the report carries them in itself. An SVG inside
 * `<img>` runs no script and fetches nothing, whatever the step wrote into it.
 */
export async function inlineFigures(figures: ReportResults['figures']): Promise<InlineFigure[]> {
  return Promise.all(
    figures.map(async (figure): Promise<InlineFigure> => {
      const media = MEDIA[extname(figure.path).toLowerCase()] ?? 'application/octet-stream';
      try {
        return { ...figure, dataUri: `data:${media};base64,${(await readFile(figure.path)).toString('base64')}` };
      } catch (error) {
        return { ...figure, dataUri: undefined, problem: `cannot read ${figure.path}: ${(error as Error).message} (a later run of this workflow replaces its figures; re-run it to draw them again)` };
      }
    }),
  );
}

export function renderFigures(figures: readonly InlineFigure[]): SafeHtml {
  if (figures.length === 0) return html`<p class="none">The run produced no figures.</p>`;
  return html`<div class="figures">${figures.map(
    (figure) => html`<figure class="figure" data-instance="${figure.instance}">${figure.dataUri === undefined ? html`<p class="problem">${figure.problem}</p>` : html`<img src="${figure.dataUri}" alt="${figure.instance} ${figure.output}">`}<figcaption>${figure.instance} · ${figure.output}</figcaption></figure>\n`,
  )}</div>`;
}
