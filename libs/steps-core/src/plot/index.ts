export { renderLineChart } from './line-chart.js';
export type { LineChartSpec, LinePoint, LineSeries, ReferenceLine, VerticalMarker } from './line-chart.js';
export { renderHeatmap, columnPosition } from './heatmap.js';
export type { HeatmapSpec } from './heatmap.js';
export { linearTicks, logTicks, niceStep, linearScale, logScale } from './scale.js';
export type { Scale, Tick, TickSet } from './scale.js';
export { escapeXml, SvgBuilder } from './svg.js';
export { OKABE_ITO, VIRIDIS, viridis } from './palette.js';
export { formatValue, labelOf } from './format.js';
