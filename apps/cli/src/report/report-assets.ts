// The report's style sheet and script, inlined into every report: it must open from a file, offline,
// with nothing fetched (its Content-Security-Policy forbids any request).

export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5d6678; --line: #d8dde6; --bg: #fff; --head: #f3f5f9; --ok: #1b7f3b; --bad: #b42318; --skip: #6b7280; --cache: #1f5fa8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 0 24px 48px; }
header { padding: 20px 0 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
h3 .kind, .meta { color: var(--muted); font-weight: normal; }
nav a { margin-right: 14px; color: var(--cache); }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
table.sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable thead th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable thead th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-block { overflow-x: auto; }
.table-tools { margin: 4px 0; }
.table-tools input { padding: 3px 6px; width: 260px; }
.row-count { color: var(--muted); margin-left: 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-weight: 600; font-size: 12px; }
.badge.ex-held, .badge.run-succeeded { background: var(--ok); }
.badge.ex-failed, .badge.ex-not-evaluated, .badge.run-failed, .badge.run-regression { background: var(--bad); }
.badge.ex-skipped, .badge.run-cancelled { background: var(--skip); }
ul.measured { margin: 0; padding-left: 16px; }
.message { color: var(--muted); }
.reason, .problem { color: var(--bad); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
pre.params { background: var(--head); padding: 8px; overflow-x: auto; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); padding: 8px; background: #fff; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg.dag { max-width: 100%; height: auto; }
svg.dag .node rect { fill: #eef2f8; stroke: #8a96a8; }
svg.dag .node text { font-size: 11px; fill: var(--fg); }
svg.dag .node text.step-id { font-size: 12px; font-weight: 600; }
svg.dag .node text.counts { fill: var(--muted); }
svg.dag .st-succeeded rect { fill: #e5f4ea; stroke: var(--ok); }
svg.dag .st-cached rect { fill: #e6eef9; stroke: var(--cache); }
svg.dag .st-failed rect { fill: #fdeceb; stroke: var(--bad); }
svg.dag .st-skipped rect, svg.dag .st-cancelled rect { fill: #f1f2f4; stroke: var(--skip); }
svg.dag .edge { fill: none; stroke: #8a96a8; stroke-width: 1.5; }
svg.dag .arrow-head { fill: #8a96a8; }
.none { color: var(--muted); }
`;

/** Click (or Enter on) a header to sort by it, again to reverse; type in a table's box to keep the rows holding every word. */
export const REPORT_SCRIPT = `
(() => {
  'use strict';
  const keyOf = (row, column) => row.cells[column].dataset.v;
  for (const table of document.querySelectorAll('table.sortable')) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((header, column) => {
      const sort = () => {
        const descending = header.getAttribute('aria-sort') === 'ascending';
        headers.forEach((other) => other.removeAttribute('aria-sort'));
        header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const numeric = rows.every((row) => keyOf(row, column) === '' || row.cells[column].classList.contains('num'));
        rows.sort((a, b) => {
          const [x, y] = [keyOf(a, column), keyOf(b, column)];
          if (x === '' || y === '') return (x === '') - (y === '');
          const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
          return descending ? -order : order;
        });
        body.append(...rows);
      };
      header.addEventListener('click', sort);
      header.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        sort();
      });
    });
  }
  for (const input of document.querySelectorAll('input.filter')) {
    const table = document.getElementById(input.dataset.filterFor);
    const count = document.querySelector('[data-count-for="' + CSS.escape(table.id) + '"]');
    input.addEventListener('input', () => {
      const words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      const rows = Array.from(table.tBodies[0].rows);
      let shown = 0;
      for (const row of rows) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((word) => text.includes(word));
        if (!row.hidden) shown++;
      }
      count.textContent = shown + ' of ' + rows.length + ' rows';
    });
  }
})();
`;
