import { isRegression } from '../render/expectations.js';
import { renderDagSvg } from './dag-svg.js';
import { renderExpectations } from './expectations-section.js';
import { renderFigures } from './figures-section.js';
import type { InlineFigure } from './figures-section.js';
import { html, raw } from './html.js';
import { renderInstanceTables } from './instance-tables.js';
import { renderPStarTables } from './p-star-table.js';
import { renderProvenance } from './provenance-section.js';
import { REPORT_CSS, REPORT_SCRIPT } from './report-assets.js';
import type { ReportResults } from './report-results.js';

// Nothing may be fetched: figures are data URIs, style and script are inline.
const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/** The run's outcome as the CLI states it: a succeeded run whose expectations do not hold is a regression. */
function outcome(results: ReportResults): string {
  return results.status === 'succeeded' && isRegression(results.expectations) ? 'regression' : results.status;
}

/** One self-contained HTML page for a run: expectations, DAG, figures, p* tables, instances, provenance. */
export function renderReport(results: ReportResults, figures: readonly InlineFigure[]): string {
  const pStar = renderPStarTables(results.instances);
  const sections: [string, string, unknown][] = [
    ['expectations', 'Expectations', renderExpectations(results.expectations)],
    ['dag', 'DAG', renderDagSvg(results.instances)],
    ['figures', 'Figures', renderFigures(figures)],
    ...(pStar ? [['p-star', 'p* per verification step', pStar] as [string, string, unknown]] : []),
    ['instances', 'Instances', renderInstanceTables(results.instances)],
    ['provenance', 'Provenance', renderProvenance(results)],
  ];
  const status = outcome(results);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${results.workflow}: run ${results.runId}</title>
<style>${raw(REPORT_CSS)}</style>
</head>
<body>
<header>
<h1>${results.workflow} <span class="badge run-${status}" id="run-status">${status}</span></h1>
<div class="meta">run ${results.runId} · ${results.instances.length} instances · ${results.provenance?.gitCommit ?? 'no git commit'}</div>
<nav>${sections.map(([id, title]) => html`<a href="#${id}">${title}</a>`)}</nav>
</header>
${sections.map(([id, title, body]) => html`<section id="${id}"><h2>${title}</h2>\n${body}\n</section>\n`)}<script>${raw(REPORT_SCRIPT)}</script>
</body>
</html>
`.text;
}
