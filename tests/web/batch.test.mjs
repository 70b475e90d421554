// Node tests of lines stepped together in the WASM build (hw.runTogether, issue #14): each line's
// points and attention are the bits it gets when written alone, in the SIMD and the scalar module,
// for the small synthesis fixture and the shipped default model (f16 weights). Natively the same
// holds (tests/test_kernels.cpp), and wasm.test.mjs pins a line alone to the native CLI's bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES, ROOT } from './wasm_util.mjs';

const LINES = [
  { text: 'a quick test', seed: 3 }, { text: 'hi', seed: 4 }, { text: 'lines in a batch', seed: 5 },
  { text: 'x', seed: 6 }, { text: 'the end', seed: 7 },
];

function together(hw, model, lines, opts, chunk) {
  const gens = lines.map(({ text, seed }) => {
    const g = new hw.Generator(model);
    const err = g.start(text, { ...opts, seed, attention: true });
    if (err) throw new Error(err);
    return g;
  });
  const points = lines.map(() => []), attention = lines.map(() => []);
  try {
    for (let live = gens.map((g, i) => i); live.length;) {
      const counts = hw.runTogether(live.map((i) => gens[i]), chunk);
      assert.equal(counts.length, live.length);
      live.forEach((i, k) => {
        assert.equal(gens[i].points().length, 3 * counts[k]);
        points[i].push(...gens[i].points());
        attention[i].push(...gens[i].attention());
      });
      live = live.filter((i) => !gens[i].done());
    }
    return lines.map((_, i) => ({ points: Float32Array.from(points[i]), attention: attention[i] }));
  } finally {
    gens.forEach((g) => g.delete());
  }
}

function alone(hw, model, { text, seed }, opts) {
  const g = new hw.Generator(model);
  try {
    if (g.start(text, { ...opts, seed, attention: true })) throw new Error('start failed');
    const points = [], attention = [];
    while (!g.done()) {
      g.run(13);
      points.push(...g.points());
      attention.push(...g.attention());
    }
    return { points: Float32Array.from(points), attention };
  } finally {
    g.delete();
  }
}

const bits = (f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex');

for (const build of ['hw', 'hw-scalar']) {
  for (const [name, file, maxSteps] of [['the small fixture', path.join(FIXTURES, 'synthesis_small.hwm'), 120],
    ['the default model', path.join(ROOT, 'web/models/default.hwm'), 150]]) {
    test(`${build}, ${name}: lines stepped together write the bits of each line alone`, async () => {
      const hw = await loadModule(build);
      const model = loadModel(hw, readRequired(file));
      try {
        const opts = { bias: 0.5, maxSteps };
        const got = together(hw, model, LINES, opts, 7);
        let total = 0;
        LINES.forEach((line, i) => {
          const want = alone(hw, model, line, opts);
          assert.ok(want.points.length > 0, `line ${i} wrote nothing`);
          assert.equal(bits(got[i].points), bits(want.points), `line ${i} (${line.text}): points differ`);
          assert.deepEqual(got[i].attention, want.attention, `line ${i}: attention differs`);
          total += want.points.length / 3;
        });
        assert.ok(total > 5 * 10, `only ${total} points`);
      } finally {
        model.delete();
      }
    });
  }
}

test('runTogether: a generator listed twice runs twice, as with run() in turn', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const [a, b] = [new hw.Generator(model), new hw.Generator(model)];
  try {
    for (const g of [a, b]) assert.equal(g.start('twice', { seed: 9, bias: 0.5, maxSteps: 60 }), '');
    assert.deepEqual(hw.runTogether([a, a], 5), [5, 5]);
    const got = a.points().slice();  // the second run's points
    b.run(5);
    b.run(5);
    assert.equal(bits(got), bits(b.points()));
  } finally {
    a.delete();
    b.delete();
    model.delete();
  }
});

test('runTogether refuses what is not a generator', async () => {
  const hw = await loadModule('hw');
  assert.throws(() => hw.runTogether([{}], 5));
});
