import type { OutputSpecs, StepDefinition, StepValues } from '@veriflow/step-api';
import { createTestContext } from './test-context.js';
import type { TestContext, TestContextOptions } from './test-context.js';

export interface StepTester {
  /** Runs `step` with `input` on a fresh test context; `path(name)` is where an artifact output was written. */
  run<W, O extends OutputSpecs>(
    step: StepDefinition<W, O>,
    input: W,
    seed?: number,
  ): Promise<{ outputs: StepValues<O>; t: TestContext<W>; path: (name: string) => string }>;
  /** A test context removed with the others, e.g. to write input files from. */
  context<W>(options: TestContextOptions<W>): Promise<TestContext<W>>;
  /** Removes every context made so far: `after(tester.cleanup)`. */
  cleanup(): Promise<void>;
}

/** Step tests' shared harness: contexts on temporary directories, all removed by one `cleanup`. */
export function stepTester(): StepTester {
  const cleanups: (() => Promise<void>)[] = [];
  const context = async <W>(options: TestContextOptions<W>): Promise<TestContext<W>> => {
    const t = await createTestContext(options);
    cleanups.push(t.cleanup);
    return t;
  };
  return {
    context,
    async run(step, input, seed = 1) {
      const t = await context({ with: input, seed });
      const outputs = await step.run(t.ctx);
      return { outputs, t, path: (name: string) => t.ctx.outputPath(name) };
    },
    async cleanup() {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    },
  };
}
