export interface ExecutorSpec {
  readonly kind: 'local' | 'slurm' | undefined;
  readonly partition: string | undefined;
  readonly account: string | undefined;
  readonly qos: string | undefined;
  readonly extraArgs: readonly string[];
  /** Whether ready instances of one step with the same resources share an array job (`auto`, the default) or not (`off`). */
  readonly array: 'auto' | 'off';
}

/** A workflow after schema validation, with defaults applied. Expressions are still unevaluated strings. */
export interface WorkflowSpec {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  /**
   * How many replicates every step marked `replicate: true` runs: a whole number, or an expression over
   * params (`${{ params.replicates }}`) so presets and `--set` can change it. 1 when absent.
   */
  readonly replicates: number | string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Named sets of param values, chosen with `--preset NAME`; in file order. */
  readonly presets: Readonly<Record<string, PresetSpec>>;
  /** The preset applied to `params` (by applyPreset), or undefined for the defaults. */
  readonly preset: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly plugins: readonly string[];
  readonly tracking: { readonly experiment: string | undefined; readonly uri: string | undefined };
  /** `executor:` as written; the command line's --executor overrides `kind`. */
  readonly executor: ExecutorSpec;
  /** In file order. */
  readonly steps: readonly StepSpec[];
  /** The run's claims (`expect:`), in file order; evaluated after every run. */
  readonly expectations: readonly ExpectationSpec[];
}

/**
 * One named claim about a run's results. Expressions are kept as written (bare or `${{ }}`), so a
 * recorded run can be re-checked from its results alone.
 */
export interface ExpectationSpec {
  readonly name: string;
  /** A boolean expression over params, seed, tolerance and steps.X.outputs / steps.X.instances. */
  readonly that: string;
  /** Said when it fails, e.g. what the claim means. */
  readonly message: string | undefined;
  /** Readable as `tolerance` in this expectation's expressions. */
  readonly tolerance: number | undefined;
  /** Name → expression: measured values shown beside held/failed. */
  readonly values: Readonly<Record<string, string>>;
  /** Whether the claim applies to this configuration, over params and seed (a smoke size may be too small for it); false: skipped. */
  readonly if: boolean | string;
}

export interface PresetSpec {
  readonly name: string;
  readonly description: string;
  /** NAME → value, NAME as in `--set NAME=VALUE`: a param, or a dotted path into a map param. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface StepSpec {
  readonly id: string;
  readonly uses: string;
  readonly description: string;
  readonly with: Readonly<Record<string, unknown>>;
  readonly needs: readonly string[];
  readonly matrix: MatrixSpec | undefined;
  /** Whether the step adds the `replicate` axis (1…replicates) to its matrix; its readers inherit it. */
  readonly replicate: boolean;
  readonly retries: number;
  /** How long to wait before each retry. */
  readonly retryBackoff: RetryBackoff;
  readonly timeoutMs: number | undefined;
  /** As written: a number, an expression over params/seed/matrix, or absent (the kind's default applies). */
  readonly resources: ResourcesSpec;
  /** `true` when absent; a string is an expression (with or without `${{ }}`). */
  readonly if: boolean | string;
  readonly continueOnError: boolean;
  readonly env: Readonly<Record<string, string>>;
}

export interface ResourcesSpec {
  readonly cpus: number | string | undefined;
  readonly gpu: number | string | undefined;
  readonly memoryMb: number | string | undefined;
}

/** The wait before retry n (1-based) is `delayMs × factor^(n−1)`, at most `maxDelayMs`. */
export interface RetryBackoff {
  readonly delayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
}

export interface MatrixSpec {
  /** Axis name → values, or an expression string yielding the values. */
  readonly axes: Readonly<Record<string, readonly unknown[] | string>>;
  readonly include: readonly Readonly<Record<string, unknown>>[];
  readonly exclude: readonly Readonly<Record<string, unknown>>[];
}
