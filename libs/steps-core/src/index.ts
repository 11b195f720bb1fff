import type { AnyStepDefinition } from '@veriflow/step-api';
import { command } from './steps/command.js';
import { echo } from './steps/echo.js';
import { plot } from './steps/plot.js';
import { sum } from './steps/sum.js';

export const coreSteps: AnyStepDefinition[] = [echo, sum, command, plot];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = coreSteps;

export { echo, sum, command, plot };
export type { PlotInstance } from './steps/plot.js';
export { renderLineChart, renderBarChart, renderHeatmap, escapeXml } from './plot/index.js';
export type { LineChartSpec, LineSeries, LinePoint, ReferenceLine, VerticalMarker, BarChartSpec, BarSeries, Bar, HeatmapSpec } from './plot/index.js';
export type { CommandWith } from './steps/command.js';
export { CommandFailedError } from './steps/command-error.js';
export type { CommandFailureDetails } from './steps/command-error.js';
export { createTestContext } from './testing/test-context.js';
export { stepTester } from './testing/step-tester.js';
export type { StepTester } from './testing/step-tester.js';
export type { TestContext, TestContextOptions, LoggedLine, LoggedMetric } from './testing/test-context.js';
export { LineSplitter, TailLines } from './util/tail-lines.js';
export * from './verification/index.js';
export { carrySchema, withCarried } from './outputs/carry.js';
