import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dot } from '@veriflow/ml';
import { MODEL_FORMAT } from '../artifacts/model-file.js';
import type { GeneratorFile } from '../artifacts/synthesized-file.js';
import type { Verifier } from '../math/index.js';
import { generatorOf, planePerpendicular, resolveGenerator, resolveVerifier, verifierLabel } from './resolve-labelling.js';

const degrees = (d: number): number => (d * Math.PI) / 180;
const near = (actual: number, expected: number, what: string, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);

/** A μ in general position (no coordinate axis special), ‖μ‖ = 1.555. */
const raw = Float64Array.from([0.3, -1.2, 0.7, 0.45, -0.2]);
const MU = Float64Array.from(raw, (v) => (v * 1.555) / Math.sqrt(dot(raw, raw)));
const U = 1.555;
const PERP = planePerpendicular(MU);

function linearB(verifier: Verifier): Float64Array {
  assert.equal(verifier.kind, 'linear');
  return (verifier as Extract<Verifier, { kind: 'linear' }>).b;
}

describe('planePerpendicular', () => {
  it('is a fixed unit vector orthogonal to μ', () => {
    near(dot(PERP, PERP), 1, '‖e⊥‖²');
    near(dot(PERP, MU), 0, 'e⊥ᵀμ');
    assert.deepEqual(Array.from(planePerpendicular(MU)), Array.from(PERP));
  });
});

describe('resolveGenerator', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'veriflow-labelling-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('flip keeps its error rate and needs p', async () => {
    assert.deepEqual(await resolveGenerator({ kind: 'flip', p: 0.3 }, MU), { kind: 'flip', p: 0.3 });
    assert.deepEqual(await resolveGenerator({ kind: 'flip', p: 0 }, MU), { kind: 'flip', p: 0 });
    await assert.rejects(resolveGenerator({ kind: 'flip' }, MU), /generator kind flip needs p/);
  });

  it('linear at angle θ is the unit vector at θ to μ, on the positive side of the plane', async () => {
    for (const angle of [0, 30, 75, 120, 180]) {
      const generator = await resolveGenerator({ kind: 'linear', angle_deg: angle }, MU);
      assert.equal(generator.kind, 'linear');
      const a = Float64Array.from((generator as Extract<GeneratorFile, { kind: 'linear' }>).a);
      assert.equal((generator as Extract<GeneratorFile, { kind: 'linear' }>).angle_deg, angle);
      near(dot(a, a), 1, `‖a‖² at ${angle}°`);
      near(dot(a, MU) / U, Math.cos(degrees(angle)), `cos∠(a, μ) at ${angle}°`);
      near(dot(a, PERP), Math.sin(degrees(angle)), `aᵀe⊥ at ${angle}°`);
    }
  });

  it('linear from a trained model takes its weights', async () => {
    const path = join(dir, 'generator-model.json');
    await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w: [1, 2, 3, 4, 5], trained_on: 9 }));
    assert.deepEqual(await resolveGenerator({ kind: 'linear', model: path }, MU), { kind: 'linear', a: [1, 2, 3, 4, 5] });
  });

  it('linear without an angle or a model says what it needs', async () => {
    await assert.rejects(resolveGenerator({ kind: 'linear' }, MU), /generator kind linear needs angle_deg .* or model/);
  });

  it('generatorOf turns the file form into the simulation form', () => {
    assert.deepEqual(generatorOf({ kind: 'flip', p: 0.2 }), { kind: 'flip', p: 0.2 });
    const linear = generatorOf({ kind: 'linear', a: [0.6, 0.8] });
    assert.equal(linear.kind, 'linear');
    assert.ok(linear.kind === 'linear' && linear.a instanceof Float64Array);
    assert.deepEqual(linear.kind === 'linear' ? Array.from(linear.a) : [], [0.6, 0.8]);
  });
});

describe('resolveVerifier', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'veriflow-labelling-'))));
  after(() => rm(dir, { recursive: true, force: true }));
  const flip: GeneratorFile = { kind: 'flip', p: 0.3 };

  it('maps oracle, random and rates to their rates', async () => {
    assert.deepEqual(await resolveVerifier({ kind: 'oracle' }, MU, flip), { kind: 'oracle' });
    assert.deepEqual(await resolveVerifier({ kind: 'random', keep: 0.3 }, MU, flip), { kind: 'random', r: 0.3 });
    assert.deepEqual(await resolveVerifier({ kind: 'rates', phi: 0.9, psi: 0.3 }, MU, flip), { kind: 'rates', phi: 0.9, psi: 0.3 });
  });

  it('names the missing field of each kind', async () => {
    await assert.rejects(resolveVerifier({ kind: 'random' }, MU, flip), /verifier kind random needs keep/);
    await assert.rejects(resolveVerifier({ kind: 'rates', psi: 0.2 }, MU, flip), /verifier kind rates needs phi/);
    await assert.rejects(resolveVerifier({ kind: 'rates', phi: 0.8 }, MU, flip), /verifier kind rates needs psi/);
    await assert.rejects(resolveVerifier({ kind: 'linear', side: 'same' }, MU, flip), /verifier kind linear needs angle_deg/);
    await assert.rejects(resolveVerifier({ kind: 'model', margin: 0.1 }, MU, flip), /verifier kind model needs model/);
  });

  it('puts a linear pruner at its angle to μ, with the margin (default 0)', async () => {
    const verifier = await resolveVerifier({ kind: 'linear', angle_deg: 50, margin: 0.25 }, MU, flip);
    const b = linearB(verifier);
    near(dot(b, b), 1, '‖b‖²');
    near(dot(b, MU) / U, Math.cos(degrees(50)), 'cos∠(b, μ)');
    assert.equal((verifier as Extract<Verifier, { kind: 'linear' }>).margin, 0.25);
    assert.equal((await resolveVerifier({ kind: 'linear', angle_deg: 50 }, MU, flip) as Extract<Verifier, { kind: 'linear' }>).margin, 0);
  });

  it('side same/opposite puts b on the generator\'s side of μ or the other one', async () => {
    const generator = await resolveGenerator({ kind: 'linear', angle_deg: 40 }, MU);
    const a = Float64Array.from((generator as Extract<GeneratorFile, { kind: 'linear' }>).a);
    assert.ok(dot(a, PERP) > 0);
    const same = linearB(await resolveVerifier({ kind: 'linear', angle_deg: 30, side: 'same' }, MU, generator));
    const opposite = linearB(await resolveVerifier({ kind: 'linear', angle_deg: 30, side: 'opposite' }, MU, generator));
    const byDefault = linearB(await resolveVerifier({ kind: 'linear', angle_deg: 30 }, MU, generator));
    near(dot(same, PERP), Math.sin(degrees(30)), 'same: bᵀe⊥');
    near(dot(opposite, PERP), -Math.sin(degrees(30)), 'opposite: bᵀe⊥');
    assert.deepEqual(Array.from(byDefault), Array.from(same));
    // Both at 30° to μ; the angle between a and b is |40° − 30°| on the same side, 40° + 30° on opposite sides.
    near(dot(same, MU) / U, Math.cos(degrees(30)), 'same: cos∠(b, μ)');
    near(dot(opposite, MU) / U, Math.cos(degrees(30)), 'opposite: cos∠(b, μ)');
    near(dot(a, same), Math.cos(degrees(10)), 'same: aᵀb');
    near(dot(a, opposite), Math.cos(degrees(70)), 'opposite: aᵀb');
  });

  it('side follows the generator model\'s own side of μ when the generator is a trained model', async () => {
    // A generator direction at 40° to μ but on the negative side of the plane.
    const a = Float64Array.from(MU, (m, i) => (Math.cos(degrees(40)) * m) / U - Math.sin(degrees(40)) * PERP[i]!);
    const path = join(dir, 'negative-side-model.json');
    await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w: Array.from(a, (v) => 3 * v), trained_on: 100 }));
    const generator = await resolveGenerator({ kind: 'linear', model: path }, MU);
    const same = linearB(await resolveVerifier({ kind: 'linear', angle_deg: 30, side: 'same' }, MU, generator));
    const opposite = linearB(await resolveVerifier({ kind: 'linear', angle_deg: 30, side: 'opposite' }, MU, generator));
    assert.ok(dot(same, PERP) < 0, `same side: bᵀe⊥ = ${dot(same, PERP)} should share the sign of aᵀe⊥ = ${dot(a, PERP)}`);
    assert.ok(dot(opposite, PERP) > 0);
    near(dot(a, same), Math.cos(degrees(10)), 'same: aᵀb', 1e-9);
    near(dot(a, opposite), Math.cos(degrees(70)), 'opposite: aᵀb', 1e-9);
  });

  it('a linear generator along ±μ has no side: same is then the positive side, whatever the rounding in a', async () => {
    for (const angle of [0, 180]) {
      const generator = await resolveGenerator({ kind: 'linear', angle_deg: angle }, MU);
      near(dot(linearB(await resolveVerifier({ kind: 'linear', angle_deg: 20, side: 'same' }, MU, generator)), PERP), Math.sin(degrees(20)), `same, generator at ${angle}°`);
      near(dot(linearB(await resolveVerifier({ kind: 'linear', angle_deg: 20, side: 'opposite' }, MU, generator)), PERP), -Math.sin(degrees(20)), `opposite, generator at ${angle}°`);
    }
  });

  it('with a flip generator, same is the positive side of the plane and opposite the negative one', async () => {
    near(dot(linearB(await resolveVerifier({ kind: 'linear', angle_deg: 60, side: 'same' }, MU, flip)), PERP), Math.sin(degrees(60)), 'same');
    near(dot(linearB(await resolveVerifier({ kind: 'linear', angle_deg: 60, side: 'opposite' }, MU, flip)), PERP), -Math.sin(degrees(60)), 'opposite');
  });

  it('model verifier reads the weights and the margin', async () => {
    const path = join(dir, 'verifier-model.json');
    await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w: [5, 4, 3, 2, 1], trained_on: 9 }));
    const verifier = await resolveVerifier({ kind: 'model', model: path, margin: 0.5 }, MU, flip);
    assert.equal(verifier.kind, 'model');
    assert.deepEqual(verifier.kind === 'model' ? [Array.from(verifier.w), verifier.margin] : [], [[5, 4, 3, 2, 1], 0.5]);
  });
});

describe('verifierLabel', () => {
  it('uses the name when given, else the kind and its parameters', () => {
    assert.equal(verifierLabel({ kind: 'rates', phi: 0.9, psi: 0.3, name: 'good' }), 'good');
    assert.equal(verifierLabel({ kind: 'random', keep: 0.5 }), 'random(0.5)');
    assert.equal(verifierLabel({ kind: 'rates', phi: 0.9, psi: 0.3 }), 'rates(0.9,0.3)');
    assert.equal(verifierLabel({ kind: 'linear', angle_deg: 30 }), 'linear(30°)');
    assert.equal(verifierLabel({ kind: 'oracle' }), 'oracle');
  });
});
