import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostic, WorkflowError } from '../diagnostics/diagnostic.js';
import { loadWorkflow } from '../spec/load-workflow.js';
import { compileWorkflow } from './compile-workflow.js';
import type { StepCatalog, StepKindInfo } from './step-catalog.js';

// Toy step kinds: test data for the compiler, not stand-ins for real components.
const KINDS: Record<string, Omit<StepKindInfo, 'name' | 'version'>> = {
  'toy/synth': {
    withSchema: { type: 'object', properties: { p: { type: 'number' } }, additionalProperties: false },
    outputs: () => ({ y: { kind: 'number' }, data: { kind: 'artifact' } }),
  },
  'toy/train': {
    withSchema: { type: 'object', properties: { p: { type: 'number' }, epochs: { type: 'integer', minimum: 1 } }, additionalProperties: false },
    outputs: () => ({ x: { kind: 'number' }, model: { kind: 'artifact' } }),
  },
  'toy/eval': {
    withSchema: { type: 'object', properties: { score: { type: 'number', minimum: 10 }, path: { type: 'string' }, n: { type: 'integer' } }, additionalProperties: false },
    outputs: () => ({ acc: { kind: 'number' } }),
  },
};
const catalog: StepCatalog = {
  lookup: (name) => (KINDS[name] ? { name, version: '1', ...KINDS[name] } : undefined),
  names: () => Object.keys(KINDS),
};

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The diagnostics compiling `text` fails with, as `line:col CODE message`. */
function problems(text: string): string[] {
  return diagnostics(text).map((d) => `${d.span.start.line}:${d.span.start.col} ${d.code} ${d.message}`);
}
function diagnostics(text: string): readonly Diagnostic[] {
  const loaded = loadWorkflow(text, 'wf.yaml');
  try {
    compileWorkflow(loaded, catalog, { workflowDir: '/w', env: {} });
  } catch (error) {
    assert.ok(error instanceof WorkflowError, `expected a WorkflowError, got ${String(error)}`);
    return error.diagnostics;
  }
  assert.fail('the workflow compiled');
}

describe('compileWorkflow: warnings', () => {
  const typo = yaml('name: t', 'steps:', '  a:', '    uses: toy/synth', '    matrix:', '      p: [0.1, 0.2]', '      include: [{ pp: 0.3 }]', '    with: { p: 1 }');

  it('an include key that is not an axis is a positioned warning on the graph, and the graph still compiles', () => {
    const graph = compileWorkflow(loadWorkflow(typo, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} });
    assert.equal(graph.instances.length, 2);
    assert.deepEqual(
      graph.warnings.map((d) => `${d.span.start.line}:${d.span.start.col} ${d.severity} ${d.code} ${d.message}`),
      ['7:19 warning UNKNOWN_MATRIX_KEY include names "pp", which is not a matrix axis, so it adds "pp" to the combinations it matches'],
    );
    assert.match(formatDiagnostic(graph.warnings[0]!), /^wf\.yaml:7:19: warning: include names "pp".*Did you mean "p"\?/);
  });

  it('under strict it is an error', () => {
    assert.throws(() => compileWorkflow(loadWorkflow(typo, 'wf.yaml'), catalog, { workflowDir: '/w', env: {}, strict: true }), (error: unknown) => {
      assert.ok(error instanceof WorkflowError);
      assert.deepEqual(error.diagnostics.map((d) => [d.code, d.severity, d.span.start.line]), [['UNKNOWN_MATRIX_KEY', undefined, 7]]);
      return true;
    });
  });
});

describe('compileWorkflow: diagnostics', () => {
  it('an unknown step kind names the closest known one', () => {
    const [d, ...rest] = diagnostics(yaml('name: t', 'steps:', '  a:', '    uses: toy/trian'));
    assert.equal(rest.length, 0);
    assert.equal(d!.code, 'UNKNOWN_STEP_KIND');
    assert.deepEqual([d!.span.start.line, d!.span.start.col, d!.span.end.col], [4, 11, 20]);
    assert.equal(d!.message, 'unknown step kind "toy/trian"');
    assert.equal(d!.hint, 'expected one of toy/eval, toy/synth, toy/train. Did you mean "toy/train"? (step kinds of other libraries must be listed under plugins)');
  });

  it('reports a dependency cycle as a closed path, at the first step', () => {
    const found = problems(
      yaml(
        'name: t',
        'steps:',
        '  a:',
        '    uses: toy/eval',
        '    with: { score: "${{ steps.c.outputs.acc }}" }',
        '  b:',
        '    uses: toy/eval',
        '    with: { score: "${{ steps.a.outputs.acc }}" }',
        '  c:',
        '    uses: toy/eval',
        '    needs: b',
      ),
    );
    assert.deepEqual(found, ['3:3 CYCLE dependency cycle: a → c → b → a']);
  });

  it('a step needing itself is a cycle at its needs', () => {
    assert.deepEqual(problems(yaml('name: t', 'steps:', '  a:', '    uses: toy/eval', '    needs: [a]')), ['5:12 CYCLE step "a" needs itself']);
  });

  it('needs naming no step suggests the closest step', () => {
    const [d] = diagnostics(yaml('name: t', 'steps:', '  train: { uses: toy/train }', '  e:', '    uses: toy/eval', '    needs: [trian]'));
    assert.equal(`${d!.span.start.line}:${d!.span.start.col} ${d!.code} ${d!.message}`, '6:13 UNKNOWN_STEP needs "trian", but there is no such step');
    assert.equal(d!.hint, 'expected one of e, train. Did you mean "train"?');
  });

  it('an own matrix key that an upstream step already sets is a conflict at that key', () => {
    const found = problems(
      yaml(
        'name: t',
        'steps:',
        '  train:',
        '    uses: toy/train',
        '    matrix: { p: [0.1, 0.3] }',
        '  evaluate:',
        '    uses: toy/eval',
        '    matrix:',
        '      p: [1, 2]',
        '    with: { score: "${{ steps.train.outputs.x }}" }',
      ),
    );
    assert.deepEqual(found, ['9:7 MATRIX_CONFLICT matrix key "p" is already set by an upstream step this one reads']);
  });

  it('a matrix problem points into the matrix', () => {
    const text = yaml('name: t', 'steps:', '  train:', '    uses: toy/train', '    matrix:', '      p: [1, 2]', '      exclude:', '        - { q: 1 }');
    assert.deepEqual(problems(text), ['8:16 UNKNOWN_MATRIX_KEY exclude names "q", which is not a matrix axis']);
  });

  it('a matrix axis expression must give a non-empty list', () => {
    const found = problems(yaml('name: t', 'params: { ps: 3, none: [] }', 'steps:', '  a:', '    uses: toy/train', '    matrix:', '      p: ${{ params.ps }}', '      q: ${{ params.none }}'));
    assert.deepEqual(found, [
      '7:10 EMPTY_MATRIX matrix axis "p" must be a non-empty list, but its expression gives 3',
      '8:10 EMPTY_MATRIX matrix axis "q" must be a non-empty list, but its expression gives []',
    ]);
  });

  it('matrix values cannot read step outputs', () => {
    const found = problems(yaml('name: t', 'steps:', '  a: { uses: toy/train }', '  b:', '    uses: toy/train', '    matrix:', '      p: ${{ steps.a.outputs.x }}'));
    assert.ok(found.includes('7:14 UNKNOWN_REFERENCE matrix values cannot depend on step outputs'), found.join('\n'));
    assert.ok(!found.some((line) => line.includes('EMPTY_MATRIX')), found.join('\n'));
  });

  it('steps that agree on no matrix value leave a step without instances', () => {
    const found = problems(
      yaml(
        'name: t',
        'steps:',
        '  a: { uses: toy/train, matrix: { p: [1] } }',
        '  b: { uses: toy/synth, matrix: { p: [2] } }',
        '  c:',
        '    uses: toy/eval',
        '    with: { score: "${{ steps.a.outputs.x }}", n: "${{ steps.b.outputs.y }}" }',
      ),
    );
    assert.deepEqual(found, ['5:3 EMPTY_MATRIX step "c" has no instance: the steps it reads agree on no matrix values']);
  });

  it('a with problem repeated in every instance is reported once, with the count and an example', () => {
    const [d, ...rest] = diagnostics(yaml('name: t', 'steps:', '  train:', '    uses: toy/train', '    matrix: { p: [0.1, 0.3, 0.5] }', '    with:', '      p: ${{ matrix.p }}', '      epochs: 0'));
    assert.equal(rest.length, 0);
    assert.equal(d!.code, 'WITH_SCHEMA');
    assert.deepEqual([d!.span.start.line, d!.span.start.col], [8, 15]);
    assert.match(d!.message, /"epochs"/);
    assert.match(d!.message, / \(in all 3 instances, e\.g\. train\[p=0\.1\]\)$/);
  });

  it('a with problem in some instances names the first and how many more', () => {
    const found = problems(yaml('name: t', 'steps:', '  train:', '    uses: toy/train', '    matrix: { e: [0, 1, -1] }', '    with:', '      epochs: ${{ matrix.e }}'));
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^7:15 WITH_SCHEMA .*"epochs".* \(in train\[e=0\] and 1 more\)$/);
  });

  it('a single-instance step gets no instance suffix', () => {
    const [d] = diagnostics(yaml('name: t', 'steps:', '  train:', '    uses: toy/train', '    with: { epochs: 0 }'));
    assert.doesNotMatch(d!.message, /\(in /);
  });

  it('values from step outputs are only type-checked', () => {
    const text = yaml(
      'name: t',
      'steps:',
      '  train: { uses: toy/train }',
      '  evaluate:',
      '    uses: toy/eval',
      '    with:',
      '      score: ${{ steps.train.outputs.x }}',
      '      path: ${{ steps.train.outputs.model }}',
    );
    // score has `minimum: 10`; the number output must not be judged by a placeholder value.
    assert.doesNotThrow(() => compileWorkflow(loadWorkflow(text, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} }));
    const wrongType = problems(text.replace('path: ${{ steps.train.outputs.model }}', 'path: ${{ steps.train.outputs.x }}'));
    assert.equal(wrongType.length, 1);
    assert.match(wrongType[0]!, /^8:13 WITH_SCHEMA .*"path"/);
  });

  it('workflow.dir is a string when with values are checked', () => {
    const found = problems(yaml('name: t', 'steps:', '  e:', '    uses: toy/eval', '    with: { n: "${{ workflow.dir }}" }'));
    assert.equal(found.length, 1);
    assert.equal(found[0], '5:16 WITH_SCHEMA expected an integer for "n" in toy/eval input, found string "/w"');
    assert.deepEqual(problems(yaml('name: t', 'steps:', '  e:', '    uses: toy/eval', '    with: { path: "${{ workflow.nope }}" }')), ['5:24 UNKNOWN_REFERENCE workflow has no "nope"']);
  });

  it('an unknown output of a known step suggests the declared ones', () => {
    const [d] = diagnostics(yaml('name: t', 'steps:', '  train: { uses: toy/train }', '  e:', '    uses: toy/eval', '    with: { score: "${{ steps.train.outputs.acc }}" }'));
    assert.equal(d!.code, 'UNKNOWN_OUTPUT');
    assert.equal(d!.message, 'step "train" (toy/train) has no output "acc"');
    assert.equal(d!.hint, 'expected one of model, x');
  });

  it('collects independent problems from different steps in one error, sorted by position', () => {
    const found = problems(yaml('name: t', 'steps:', '  a: { uses: toy/nope }', '  b:', '    uses: toy/eval', '    with: { score: "${{ steps.zz.outputs.acc }}" }'));
    assert.deepEqual(
      found.map((line) => line.split(' ').slice(0, 2).join(' ')),
      ['3:14 UNKNOWN_STEP_KIND', '6:25 UNKNOWN_STEP'],
    );
  });
});
