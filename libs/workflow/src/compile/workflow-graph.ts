import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { WorkflowSpec, StepSpec } from '../spec/workflow-spec.js';
import type { StepKindInfo } from './step-catalog.js';
import type { ScannedExpression } from './scan-expressions.js';

/** How a step consumes another: once per upstream instance, or all compatible instances at once (fan-in). */
export type DependencyMode = 'each' | 'all';

export interface CompiledStep {
  readonly spec: StepSpec;
  readonly kind: StepKindInfo;
  /** Upstream step id → how it is consumed. */
  readonly dependencies: ReadonlyMap<string, DependencyMode>;
  readonly expressions: readonly ScannedExpression[];
  /** Matrix keys an instance of this step carries: its own and those inherited from `each` dependencies. */
  readonly coordinateKeys: readonly string[];
}

/** One runnable unit: a step at one point of its (inherited) matrix. */
export interface InstanceNode {
  /** Stable: `train[p=0.3,verifier=oracle]`, or the step id when there is no matrix. */
  readonly name: string;
  readonly step: CompiledStep;
  readonly coordinates: Readonly<Record<string, unknown>>;
  /** Upstream step id → the one instance consumed (for `each` dependencies). */
  readonly each: Readonly<Record<string, string>>;
  /** Upstream step id → every compatible instance (for fan-in and `needs`). */
  readonly all: Readonly<Record<string, readonly string[]>>;
  /** Every upstream instance name, deduplicated. */
  readonly upstream: readonly string[];
  /** What this instance needs: the workflow's `resources:` evaluated for its matrix values, over the kind's defaults. */
  readonly resources: InstanceResources;
}

export interface InstanceResources {
  readonly cpus: number;
  readonly gpu: number;
  /** Undefined: not limited. */
  readonly memoryMb: number | undefined;
}

export interface WorkflowGraph {
  readonly spec: WorkflowSpec;
  /** Absolute folder of the workflow file (`workflow.dir` in expressions). */
  readonly workflowDir: string;
  /** The resolved `replicates` count (1 when absent). */
  readonly replicates: number;
  /** Topological order, ties broken by file order. */
  readonly steps: readonly CompiledStep[];
  /** Topological order. */
  readonly instances: readonly InstanceNode[];
  readonly byName: ReadonlyMap<string, InstanceNode>;
  /** Steps that refer to an upstream step only in branches not taken, so they do not depend on it. */
  readonly untaken: readonly UntakenBranch[];
  /** What is allowed but probably a mistake (severity 'warning'), sorted by position; empty under `strict`, where they are errors. */
  readonly warnings: readonly Diagnostic[];
}

/** A step (or some of its instances) whose every reference to `upstream` is in a branch not taken. */
export interface UntakenBranch {
  readonly step: string;
  readonly upstream: string;
  /** The condition that rules the references out, as written, and its value. */
  readonly condition: string;
  readonly value: boolean;
  /** The instances this holds for, when their matrix values decide it; absent: every instance of the step. */
  readonly instances?: readonly string[];
}
