export { parseWorkflowSource } from './source-document.js';
export type { JsonPath, SourceDocument } from './source-document.js';
