import type { AnyStepDefinition } from '@veriflow/step-api';
import { command } from './steps/command.js';
import { echo } from './steps/echo.js';
import { sum } from './steps/sum.js';

export const coreSteps: AnyStepDefinition[] = [echo, sum, command];

export { echo, sum, command };
export type { CommandWith } from './steps/command.js';
export { CommandFailedError } from './steps/command-error.js';
export type { CommandFailureDetails } from './steps/command-error.js';
export { createTestContext } from './testing/test-context.js';
export type { TestContext, TestContextOptions, LoggedLine, LoggedMetric } from './testing/test-context.js';
export { LineSplitter, TailLines } from './util/tail-lines.js';
