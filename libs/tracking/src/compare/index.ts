export { buildComparison, cellValue, comparisonTable, differingParams, finalMetrics } from './comparison.js';
export type { ColumnKind, Comparison, ComparisonColumn, ComparisonRow } from './comparison.js';
export { comparisonCsv, comparisonJson, csvField, csvText } from './export.js';
export { SelectionError, parseSelector, selectInstances } from './selection.js';
export type { Selector } from './selection.js';
