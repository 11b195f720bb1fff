import { html } from './html.js';
import { tableId } from './instance-tables.js';
import type { SafeHtml } from './html.js';
import { byStep } from './report-results.js';
import type { ReportInstance } from './report-results.js';

const NODE_WIDTH = 190;
const NODE_HEIGHT = 54;
const COLUMN_GAP = 60;
const ROW_GAP = 18;
const MARGIN = 10;
const LABEL_CHARS = 24;

interface StepNode {
  readonly id: string;
  readonly kind: string;
  readonly instances: readonly ReportInstance[];
  readonly upstream: ReadonlySet<string>;
}

/** Steps in the order the run lists them, each with the steps its instances read. */
function stepNodes(instances: readonly ReportInstance[]): StepNode[] {
  const stepOf = new Map(instances.map((instance) => [instance.name, instance.step]));
  return [...byStep(instances)].map(([id, members]) => ({
    id,
    kind: members[0]!.kind,
    instances: members,
    upstream: new Set(members.flatMap((member) => member.upstream.map((name) => stepOf.get(name))).filter((step): step is string => step !== undefined && step !== id)),
  }));
}

/** Longest path from a root: every step sits right of all the steps it reads. */
function layers(nodes: readonly StepNode[]): Map<string, number> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const layer = new Map<string, number>();
  const visit = (id: string, path: ReadonlySet<string>): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // A results file never records a cycle; the guard only keeps a hand-edited one from recursing forever.
    const parents = [...(byId.get(id)?.upstream ?? [])].filter((parent) => !path.has(parent));
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => visit(parent, new Set([...path, id]))));
    layer.set(id, value);
    return value;
  };
  for (const node of nodes) visit(node.id, new Set());
  return layer;
}

const clip = (text: string): string => (text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text);

function statusCounts(instances: readonly ReportInstance[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const instance of instances) counts.set(instance.status, (counts.get(instance.status) ?? 0) + 1);
  return counts;
}

/** The colour class of a step: its worst instance status. */
function stepClass(counts: ReadonlyMap<string, number>): string {
  for (const status of ['failed', 'cancelled', 'skipped', 'succeeded', 'cached']) if (counts.has(status)) return `st-${status}`;
  return 'st-other';
}

/**
 * The run's DAG at step level, as inline SVG: one box per step (its kind, instance count and their
 * statuses), an arrow for every step another reads. Instance-level edges of a sweep would be hundreds of
 * crossing lines; each box links to its step's table of instances.
 */
export function renderDagSvg(instances: readonly ReportInstance[]): SafeHtml {
  const nodes = stepNodes(instances);
  const layerOf = layers(nodes);
  const rowOf = new Map<string, number>();
  const rowsUsed = new Map<number, number>();
  for (const node of nodes) {
    const layer = layerOf.get(node.id)!;
    rowOf.set(node.id, rowsUsed.get(layer) ?? 0);
    rowsUsed.set(layer, (rowsUsed.get(layer) ?? 0) + 1);
  }
  const x = (id: string): number => MARGIN + layerOf.get(id)! * (NODE_WIDTH + COLUMN_GAP);
  const y = (id: string): number => MARGIN + rowOf.get(id)! * (NODE_HEIGHT + ROW_GAP);
  const width = 2 * MARGIN + (Math.max(0, ...layerOf.values()) + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP;
  const height = 2 * MARGIN + Math.max(1, ...rowsUsed.values()) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  const edges = nodes.flatMap((node) =>
    [...node.upstream].map((from) => {
      const [x1, y1, x2, y2] = [x(from) + NODE_WIDTH, y(from) + NODE_HEIGHT / 2, x(node.id), y(node.id) + NODE_HEIGHT / 2];
      const bend = (x2 - x1) / 2;
      return html`<path class="edge" d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}" marker-end="url(#arrow)"><title>${from} → ${node.id}</title></path>`;
    }),
  );
  const boxes = nodes.map((node) => {
    const counts = statusCounts(node.instances);
    const summary = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
    return html`<a href="#${tableId('step', node.id)}"><g class="node ${stepClass(counts)}" data-step="${node.id}" transform="translate(${x(node.id)},${y(node.id)})"><title>${node.id} (${node.kind}): ${node.instances.length} instance(s): ${summary}</title><rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/><text x="8" y="17" class="step-id">${clip(node.id)}</text><text x="8" y="32">${clip(`${node.kind} ×${node.instances.length}`)}</text><text x="8" y="46" class="counts">${clip(summary)}</text></g></a>`;
  });
  return html`<svg class="dag" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="workflow DAG">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="4" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>
${edges}${boxes}</svg>`;
}
