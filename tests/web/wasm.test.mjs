// Node tests of the WASM build (web/dist/hw*.mjs): the spine's golden fixtures, bit-identical
// points against the native CLI, SIMD against scalar, and the errors a page must be able to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule, loadModel, generate, readRequired, FIXTURES, ROOT } from './wasm_util.mjs';

const DEFAULT_MODEL = path.join(ROOT, 'web/models/default.hwm');

const BUILDS = ['hw', 'hw-scalar'];
const modules = {};
async function module(name) {
  modules[name] ??= await loadModule(name);
  return modules[name];
}
const fixture = (name) => readRequired(path.join(FIXTURES, name));
const NAMES = ['eos', 'pi', 'mu1', 'mu2', 'sigma1', 'sigma2', 'rho', 'phi', 'kappa'];

// Splits the Stepper's flat mixture into the fixture's named rows.
function split(flat, M, U, K) {
  const sizes = [1, M, M, M, M, M, M, U, K];
  const out = {};
  let k = 0;
  NAMES.forEach((n, i) => {
    out[n] = Array.from(flat.subarray(k, k + sizes[i]));
    k += sizes[i];
  });
  return out;
}

// Teacher-forced run over the fixture inputs; returns the count of values outside tolerance.
function compareTrace(hw, model, fx) {
  const hp = JSON.parse(model.headerJson()).hparams;
  const synth = model.kind() === 'synthesis';
  const stepper = new hw.Stepper(model, fx.codes);
  let bad = 0, worst = 0, first = '';
  fx.inputs.forEach((x, t) => {
    stepper.step(x[0], x[1], x[2], 0);
    const got = split(stepper.mixture(), hp.mixtures, synth ? fx.codes.length + 1 : 0, synth ? hp.window : 0);
    for (const n of NAMES) {
      const want = fx.expected[n][t];
      assert.equal(got[n].length, want.length, `${n} size at step ${t}`);
      want.forEach((w, k) => {
        const d = Math.abs(w - got[n][k]);
        worst = Math.max(worst, d);
        if (d > 1e-5 && d / Math.max(1e-30, Math.abs(w)) > 1e-4 && !bad++) first = `${n}[${k}] at step ${t}: ${w} vs ${got[n][k]}`;
      });
    }
  });
  stepper.delete();
  return { bad, worst, first };
}

for (const build of BUILDS) {
  test(`${build}: golden fixtures (teacher-forced mixtures and pinned samples)`, async () => {
    const hw = await module(build);
    const index = JSON.parse(fixture('index.json'));
    assert.ok(index.length >= 3, 'index.json lists the three network kinds');
    for (const name of index) {
      const fx = JSON.parse(fixture(`${name}.json`));
      const model = loadModel(hw, fixture(fx.model));
      assert.ok(fx.inputs.length >= 300, `${name}: inputs`);
      const r = compareTrace(hw, model, fx);
      assert.equal(r.bad, 0, `${name}: ${r.first} (worst abs ${r.worst})`);
      const s = fx.sample;
      const got = generate(hw, model, s.text, { seed: s.seed, bias: s.bias, maxSteps: s.max_steps });
      assert.equal(got.points.length, s.points.length * 3, `${name}: sample length`);
      let differ = 0;
      s.points.forEach((p, i) => {
        for (let k = 0; k < 3; ++k) differ += Math.fround(p[k]) !== got.points[3 * i + k];
      });
      assert.equal(differ, 0, `${name}: sampled points differ from the pinned trajectory`);
      assert.equal(got.finished, s.finished, `${name}: finished flag`);
      model.delete();
    }
  });
}

test('SIMD and scalar builds write the same bits', async () => {
  const runs = [];
  for (const build of BUILDS) {
    const hw = await module(build);
    const model = loadModel(hw, fixture('synthesis_small.hwm'));
    runs.push(generate(hw, model, 'the quick brown fox', { seed: 99, bias: 1 }).points);
    model.delete();
  }
  assert.ok(runs[0].length > 30);
  assert.deepEqual(runs[0], runs[1]);
});

test('same seed: bit-identical points to the native CLI (build/bin/hw)', async () => {
  const cli = path.join(ROOT, 'build/bin/hw');
  readRequired(cli);
  const args = ['sample', '--model', path.join(FIXTURES, 'synthesis_small.hwm'), '--text', 'hello world',
    '--seed', '7', '--bias', '0.5', '--format', 'json'];
  const native = JSON.parse(execFileSync(cli, args, { encoding: 'utf8' }));
  assert.ok(native.points.length > 20);
  for (const build of BUILDS) {
    const hw = await module(build);
    const model = loadModel(hw, fixture('synthesis_small.hwm'));
    const got = generate(hw, model, 'hello world', { seed: 7, bias: 0.5 }, 37);
    model.delete();
    assert.equal(got.points.length, native.points.length * 3, `${build}: point count`);
    let differ = 0;
    native.points.forEach((p, i) => {
      for (let k = 0; k < 3; ++k) differ += Math.fround(p[k]) !== got.points[3 * i + k];
    });
    assert.equal(differ, 0, `${build}: values differ from native`);
    assert.equal(got.finished, native.finished);
  }
});

test('chunking does not change the points', async () => {
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const a = generate(hw, model, 'chunks', { seed: 3, bias: 0.2 }, 1);
  const b = generate(hw, model, 'chunks', { seed: 3, bias: 0.2 }, 1000);
  model.delete();
  assert.deepEqual(a.points, b.points);
});

test('a broken model file gives the reader\'s message', async () => {
  const hw = await module('hw');
  const bytes = fixture('synthesis_small.hwm');
  const m = new hw.Model();
  const truncated = m.load(bytes.subarray(0, bytes.length - 1000));
  assert.match(truncated, /truncated/, 'a truncated file is refused with a message');
  // The same words as the native reader (hw info prints "hw: FILE: message").
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'hw-')), 'truncated.hwm');
  writeFileSync(file, bytes.subarray(0, bytes.length - 1000));
  const native = spawnSync(path.join(ROOT, 'build/bin/hw'), ['info', file], { encoding: 'utf8' });
  assert.equal(native.status, 2);
  assert.ok(native.stderr.includes(truncated), `native: ${native.stderr}`);
  assert.equal(m.loaded(), false);
  const junk = m.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
  assert.match(junk, /magic/i);
  assert.equal(m.load(bytes), '');
  assert.equal(m.loaded(), true);
  m.delete();
});

test('characters the model cannot write are refused, naming them; bad options too', async () => {
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const g = new hw.Generator(model);
  assert.match(g.start('Hello w\u00f6rld', { seed: 1 }), /'H' \(U\+0048\) at position 1, '\u00f6' \(U\+00F6\) at position 8/);
  assert.match(g.start('hello', { seed: 1, bias: -2 }), /bias/);
  assert.match(g.start('a'.repeat(model.maxTextChars() + 1), { seed: 1 }), /limit/);
  assert.equal(g.start('hello', { seed: 1 }), '');
  g.delete();
  model.delete();
});

// Two strokes of priming ink as a style file holds them (the second with time stamps).
function primingStrokes() {
  const zigzag = Array.from({ length: 31 }, (_, i) => [i * 6, (i % 2) * 20]);
  const hook = Array.from({ length: 12 }, (_, i) => [190 + 3 * Math.sin(i / 2), 25 - 4 * i, 500 + 12 * i]);
  return [zigzag, hook];
}

test('priming with a style\'s strokes changes the writing and keeps the text; strokes stay strokes', async () => {
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const strokes = primingStrokes();
  const plain = generate(hw, model, 'hello', { seed: 5, bias: 0.5 });
  const primed = generate(hw, model, 'hello', { seed: 5, bias: 0.5, primeStrokes: strokes, primeText: 'mm' });
  assert.equal(primed.text, 'mm hello');
  assert.notDeepEqual(plain.points, primed.points);
  // The pen lifts between strokes: the same points as one stroke prime differently.
  const joined = generate(hw, model, 'hello', { seed: 5, bias: 0.5, primeStrokes: [strokes.flat().map(([x, y]) => [x, y])], primeText: 'mm' });
  assert.notDeepEqual(joined.points, primed.points);
  const g = new hw.Generator(model);
  assert.match(g.start('hello', { primeStrokes: [[[0, 0], [1, 0]], [[2, 0]]], primeText: 'a' }), /height/);
  assert.match(g.start('hello', { primeStrokes: new Float32Array([0, 0, 0, 1, 5, 1]) }), /must be strokes/);
  assert.match(g.start('hello', { primeStrokes: [[[0, 0], [1, 9]], [[0, 0], [1]]] }), /stroke 2, point 2 is not \[x, y\]/);
  assert.match(g.start('hello', { primeStrokes: [[[0, 0], [1, 9, 'x']]] }), /stroke 1, point 2/);
  assert.match(g.start('hello', { primeStrokes: [[[0, 0, 0], [1, 9]]] }), /time stamps on some points only/);
  assert.match(g.start('hello', { primeStrokes: [[[0, 0], [NaN, 9]]] }), /not finite/);
  g.delete();
  model.delete();
});

test('priming with strokes: bit-identical to the native CLI primed from the same ink (JSONL)', async () => {
  const cli = path.join(ROOT, 'build/bin/hw');
  readRequired(cli);
  const strokes = primingStrokes();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'hw-')), 'prime.jsonl');
  writeFileSync(file, `${JSON.stringify({ text: 'mm', strokes })}\n`);
  const args = ['sample', '--model', path.join(FIXTURES, 'synthesis_small.hwm'), '--text', 'hello',
    '--seed', '5', '--bias', '0.5', '--prime-ink', file, '--format', 'json'];
  const native = JSON.parse(execFileSync(cli, args, { encoding: 'utf8' }));
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const got = generate(hw, model, 'hello', { seed: 5, bias: 0.5, primeStrokes: strokes, primeText: 'mm' });
  model.delete();
  assert.ok(native.points.length > 20);
  assert.deepEqual(Array.from(got.points), native.points.flat().map(Math.fround));
});

test('positions: the core sums the offsets times the model\'s scale in float32, across chunks and from the origin', async () => {
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const [sx, sy] = [model.scaleX(), model.scaleY()];
  const one = generate(hw, model, 'hello world', { seed: 7, bias: 0.5 }, 1);
  const big = generate(hw, model, 'hello world', { seed: 7, bias: 0.5 }, 1000);
  assert.deepEqual(one.positions, big.positions);
  assert.equal(one.positions.length, one.points.length);
  let x = 0, y = 0, differ = 0;
  for (let i = 0; i < one.points.length; i += 3) {
    x = Math.fround(x + Math.fround(one.points[i] * sx));
    y = Math.fround(y + Math.fround(one.points[i + 1] * sy));
    differ += one.positions[i] !== x || one.positions[i + 1] !== y || one.positions[i + 2] !== one.points[i + 2];
  }
  assert.equal(differ, 0);
  assert.ok(one.positions.some((v, i) => i % 3 === 0 && v !== 0), 'the pen moves');
  // A second start() on the same generator starts again at the origin.
  const g = new hw.Generator(model);
  const firsts = [];
  for (let k = 0; k < 2; ++k) {
    assert.equal(g.start('hello world', { seed: 7, bias: 0.5 }), '');
    g.run(20);
    g.run(20);
    firsts.push(g.positions().slice());
  }
  g.delete();
  model.delete();
  assert.deepEqual(firsts[0], firsts[1]);
  assert.deepEqual(firsts[0], one.positions.subarray(60, 120));
});

test('the SIMD build uses v128 arithmetic, the scalar build none', () => {
  // f32x4.mul is 0xfd 0xe6 0x01 and v128.load is 0xfd 0x00 in the code section; wasm-objdump -d
  // shows them in the matvec loop. A byte search is a cheap guard against losing -msimd128.
  const count = (bytes, seq) => {
    let n = 0;
    for (let i = bytes.indexOf(seq[0]); i >= 0; i = bytes.indexOf(seq[0], i + 1)) n += seq.every((b, k) => bytes[i + k] === b);
    return n;
  };
  const simd = readRequired(path.join(ROOT, 'web/dist/hw.wasm'));
  const scalar = readRequired(path.join(ROOT, 'web/dist/hw-scalar.wasm'));
  assert.ok(count(simd, [0xfd, 0xe6, 0x01]) >= 4, 'f32x4.mul in hw.wasm');
  assert.equal(count(scalar, [0xfd, 0xe6, 0x01]), 0, 'no f32x4.mul in hw-scalar.wasm');
  // i32x4.dot_i16x8_s (0xfd 0xba 0x01): the integer kernels of int8 weights.
  assert.ok(count(simd, [0xfd, 0xba, 0x01]) >= 2, 'i32x4.dot_i16x8_s in hw.wasm');
  assert.equal(count(scalar, [0xfd, 0xba, 0x01]), 0, 'no i32x4.dot_i16x8_s in hw-scalar.wasm');
});

test('attention tracking: one peak per point, inside the text, and the same points', async () => {
  const hw = await module('hw');
  const model = loadModel(hw, fixture('synthesis_small.hwm'));
  const plain = generate(hw, model, 'hello world', { seed: 11, bias: 0.5 });
  const g = new hw.Generator(model);
  assert.equal(g.start('hello world', { seed: 11, bias: 0.5, attention: true }), '');
  const pts = [], peaks = [];
  while (!g.done()) {
    g.run(40);
    pts.push(...g.points());
    peaks.push(...g.attention());
  }
  g.delete();
  model.delete();
  assert.deepEqual(Float32Array.from(pts), plain.points);
  assert.equal(peaks.length, pts.length / 3);
  for (const u of peaks) assert.ok(Number.isInteger(u) && u >= 0 && u <= 'hello world'.length);
});

test('f16 and int8 models (weights kept in their precision): SIMD and scalar builds write the native CLI\'s points', async () => {
  const cli = path.join(ROOT, 'build/bin/hw');
  readRequired(cli);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-precision-'));
  for (const precision of ['f16', 'int8']) {
    const file = path.join(dir, `${precision}.hwm`);
    execFileSync(cli, ['convert', path.join(FIXTURES, 'synthesis_small.hwm'), file, '--precision', precision]);
    const args = ['sample', '--model', file, '--text', 'hello world', '--seed', '5', '--bias', '0.3', '--format', 'json'];
    const native = JSON.parse(execFileSync(cli, args, { encoding: 'utf8' }));
    assert.ok(native.points.length > 20, precision);
    for (const build of BUILDS) {
      const hw = await module(build);
      const model = loadModel(hw, readRequired(file));
      const got = generate(hw, model, 'hello world', { seed: 5, bias: 0.3 }, 29);
      model.delete();
      assert.deepEqual(Array.from(got.points), native.points.flat().map(Math.fround), `${build} ${precision}`);
      assert.equal(got.finished, native.finished);
    }
  }
});

test('int8 weights stay int8 in WASM memory (no f32 copy); f16 is expanded to f32 there', async () => {
  const cli = path.join(ROOT, 'build/bin/hw');
  readRequired(cli);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hw-bytes-'));
  const bytes = {};
  for (const build of BUILDS) {
    const hw = await module(build);
    for (const precision of ['f32', 'f16', 'int8']) {
      const file = path.join(dir, `${precision}.hwm`);
      execFileSync(cli, ['convert', DEFAULT_MODEL, file, '--precision', precision]);
      const model = loadModel(hw, readRequired(file));
      bytes[precision] = model.weightBytes();
      model.delete();
    }
    assert.ok(bytes.int8 < 0.27 * bytes.f32, `${build}: int8 holds ${bytes.int8} bytes against f32's ${bytes.f32}`);
    assert.equal(bytes.f16, bytes.f32, `${build}: f16 is expanded at load`);
  }
});

test('the shipped int8 model: SIMD and scalar builds write the native CLI\'s points (integer kernels on both)', async () => {
  const cli = path.join(ROOT, 'build/bin/hw');
  readRequired(cli);
  const args = ['sample', '--model', DEFAULT_MODEL, '--text', 'int8 hands', '--seed', '3', '--bias', '0.8', '--format', 'json'];
  const native = JSON.parse(execFileSync(cli, args, { encoding: 'utf8' }));
  assert.ok(native.points.length > 60);
  for (const build of BUILDS) {
    const hw = await module(build);
    const model = loadModel(hw, readRequired(DEFAULT_MODEL));
    const got = generate(hw, model, 'int8 hands', { seed: 3, bias: 0.8 }, 50);
    model.delete();
    assert.deepEqual(Array.from(got.points), native.points.flat().map(Math.fround), build);
  }
});
