/**
 * The shape of a workflow file. Published as schemas/workflow.schema.json so editors autocomplete;
 * `additionalProperties: false` everywhere so a typo is an error, not a silently ignored key.
 */
const durationText = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' } as const;

const duration = {
  description: 'Seconds as a number, or a duration such as "90s", "5m", "1h", "250ms".',
  anyOf: [{ type: 'number', exclusiveMinimum: 0 }, durationText],
} as const;

/** A wait may be zero, unlike a timeout. */
const wait = { description: 'Seconds as a number, or a duration such as "90s", "5m", "0s".', anyOf: [{ type: 'number', minimum: 0 }, durationText] } as const;

const retryBackoff = {
  description:
    'How long to wait before each retry (default 1s, doubling after each failure, at most 10m or the first wait): the first wait as a duration, or { delay, factor, max-delay }.',
  anyOf: [
    wait,
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        delay: { ...wait, description: 'The wait before the first retry (default 1s).' },
        factor: { type: 'number', minimum: 1, description: 'Each wait is the previous one times this (default 2; 1 waits the same every time).' },
        'max-delay': { ...wait, description: 'No wait is longer than this (default 10m, or the delay if longer).' },
      },
    },
  ],
} as const;

const expression = { type: 'string', pattern: '^\\s*\\$\\{\\{.*\\}\\}\\s*$' } as const;

const resources = {
  type: 'object',
  description:
    "What one instance needs; the scheduler never runs more than the machine (or --cpus/--gpus) allows. Each field is a number or an expression over params, seed and matrix (e.g. ${{ params.device == 'gpu' ? 1 : 0 }}), and overrides the step kind's own default.",
  additionalProperties: false,
  properties: {
    cpus: { description: 'CPU cores (default: the step kind\'s, else 1).', anyOf: [{ type: 'number', exclusiveMinimum: 0 }, expression] },
    gpu: {
      description: 'GPUs the instance holds alone while it runs (default: the step kind\'s, else 0): command steps see them in CUDA_VISIBLE_DEVICES (empty for 0), TypeScript steps in ctx.gpus.',
      anyOf: [{ type: 'integer', minimum: 0 }, expression],
    },
    memory_mb: { description: 'Memory in MiB (default: the step kind\'s, else not limited).', anyOf: [{ type: 'integer', minimum: 1 }, expression] },
  },
} as const;

const matrix = {
  type: 'object',
  description: 'Run the step once per combination of these values (GitHub Actions semantics for include/exclude).',
  minProperties: 1,
  properties: {
    include: { type: 'array', items: { type: 'object', minProperties: 1 }, description: 'Extra combinations, or extra keys for matching ones.' },
    exclude: { type: 'array', items: { type: 'object', minProperties: 1 }, description: 'Combinations to drop.' },
  },
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
  additionalProperties: {
    anyOf: [{ type: 'array', minItems: 1 }, expression],
    description: 'A list of values, or an expression over params that yields one.',
  },
} as const;

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['uses'],
  properties: {
    uses: { type: 'string', minLength: 1, description: 'A registered step kind, e.g. gaussian/train, or command.' },
    description: { type: 'string' },
    with: { type: 'object', description: "Inputs of the step, checked against the step kind's JSON Schema." },
    needs: {
      description: 'Steps that must finish first (references in with/if add dependencies on their own).',
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, uniqueItems: true }],
    },
    matrix,
    replicate: {
      type: 'boolean',
      description: 'Run this step once per replicate (matrix key `replicate`: 1 … the workflow\'s `replicates`), each with its own seed; steps reading it one instance at a time inherit the axis, fan-ins see every replicate.',
    },
    retries: { type: 'integer', minimum: 0, maximum: 100, description: 'Extra attempts after a failure (default 0).' },
    'retry-backoff': retryBackoff,
    timeout: duration,
    resources,
    if: { description: 'Run only when this is true; skipped otherwise.', anyOf: [{ type: 'boolean' }, { type: 'string' }] },
    'continue-on-error': { type: 'boolean', description: 'A failure of this step does not fail the run (its dependents are skipped).' },
    env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Environment for this step (visible as env.NAME).' },
  },
} as const;

const preset = {
  type: 'object',
  additionalProperties: false,
  required: ['params'],
  properties: {
    description: { type: 'string', description: 'What this configuration is for, e.g. its scale and how long it takes.' },
    params: {
      type: 'object',
      description: 'Param values, NAME: VALUE as in --set NAME=VALUE (a dotted NAME reaches into a map param).',
    },
  },
} as const;

const expectation = {
  type: 'object',
  additionalProperties: false,
  required: ['that'],
  properties: {
    that: { type: 'string', minLength: 1, description: 'A boolean expression that must hold after the run, e.g. ${{ steps.eval.outputs.accuracy >= 0.9 }}.' },
    message: { type: 'string', description: 'Said when the expectation fails: what the claim means.' },
    tolerance: { type: 'number', minimum: 0, description: 'A slack the expressions read as `tolerance`, recorded with the result.' },
    if: { description: 'Check the claim only when this holds, over params and seed (e.g. ${{ params.n >= 8000 }}); skipped otherwise.', anyOf: [{ type: 'boolean' }, { type: 'string' }] },
    values: {
      type: 'object',
      description: 'Measured values shown beside held/failed: NAME: expression.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: { type: 'string', minLength: 1 },
    },
  },
} as const;

export const workflowSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://veriflow.dev/schemas/workflow.schema.json',
  title: 'veriflow workflow',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Identifies the workflow in the cache, lock file and tracking.' },
    description: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Every instance derives its seed from this and its name (default 0).' },
    replicates: {
      description: 'How many times each step marked `replicate: true` runs (default 1): a whole number, or an expression over params such as ${{ params.replicates }}. Raising it keeps the seeds and cache of the replicates that already ran.',
      anyOf: [{ type: 'integer', minimum: 1, maximum: 1000 }, expression],
    },
    params: { type: 'object', description: 'Workflow parameters (the defaults), referenced as params.NAME; --preset NAME and --set NAME=VALUE override them.' },
    presets: {
      type: 'object',
      description: 'Named configurations, chosen with --preset NAME: params are the defaults, then the preset, then --set.',
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      additionalProperties: preset,
    },
    env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Environment for every step (visible as env.NAME).' },
    tracking: {
      type: 'object',
      additionalProperties: false,
      description: 'Where runs are logged besides the local run store.',
      properties: {
        experiment: { type: 'string', minLength: 1, description: 'MLflow experiment (default: the workflow name).' },
        uri: { type: 'string', minLength: 1, description: 'MLflow tracking server, e.g. http://127.0.0.1:5000 (MLFLOW_TRACKING_URI and --tracking-uri take precedence).' },
      },
    },
    executor: {
      type: 'object',
      additionalProperties: false,
      description: 'Where instances run (--executor overrides kind): local (this machine, the default) or slurm (sbatch jobs; see README "Running on Slurm").',
      properties: {
        kind: { enum: ['local', 'slurm'] },
        partition: { type: 'string', minLength: 1, description: 'sbatch --partition' },
        account: { type: 'string', minLength: 1, description: 'sbatch --account' },
        qos: { type: 'string', minLength: 1, description: 'sbatch --qos' },
        extra_args: { type: 'array', items: { type: 'string' }, description: 'Further sbatch arguments, after veriflow\'s, e.g. [--constraint=a100].' },
        array: { enum: ['auto', 'off'], description: 'auto (default): instances of one step that are ready together with the same resources go as one sbatch --array job; off: one job each.' },
      },
    },
    plugins: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Modules that export step kinds: paths relative to this file, or npm package names.',
    },
    steps: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: step,
    },
    expect: {
      type: 'object',
      description: 'Named claims about the results, checked after every run; a failed one exits with code 3 (regression).',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: expectation,
    },
  },
} as const;
