// Generator.diagnostics() in WASM (the page's live views): one row per point of each run, of
// 1 + 6M + U floats (eos, pi, mu1, mu2, sigma1, sigma2, rho, phi over text()), a real mixture and
// window; asking for them does not change the points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, readRequired, loadModule, loadModel, generate } from './wasm_util.mjs';

test('diagnostics: a mixture and window weights per point, the same points as without', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(ROOT, 'web/models/default.hwm')));
  const M = JSON.parse(model.headerJson()).hparams.mixtures;
  assert.ok(M > 0, 'the header names the mixtures');
  const opts = { seed: 11, bias: 0.5, attention: true };
  const plain = generate(hw, model, 'hello there', opts);
  const g = new hw.Generator(model);
  try {
    assert.equal(g.start('hello there', { ...opts, diagnostics: true }), '');
    const U = [...g.text()].length;
    const positions = [];
    let rows = 0;
    while (!g.done()) {
      const n = g.run(40);
      positions.push(...g.positions());
      const d = g.diagnostics().slice(), stride = g.diagnosticsStride();
      if (!n) continue;
      assert.equal(stride, 1 + 6 * M + U);
      assert.equal(d.length, n * stride, 'one row per point of the run');
      for (let p = 0; p < n; ++p) {
        const row = d.subarray(p * stride, (p + 1) * stride);
        assert.ok(row[0] >= 0 && row[0] <= 1, `eos ${row[0]}`);
        const pi = row.subarray(1, 1 + M).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(pi - 1) < 1e-3, `pi sums to ${pi}`);
        for (let q = 0; q < M; ++q) {
          assert.ok(row[1 + 3 * M + q] > 0 && row[1 + 4 * M + q] > 0, 'sigmas are positive');
          assert.ok(Math.abs(row[1 + 5 * M + q]) <= 1, 'rho within [-1, 1]');
        }
        const phi = row.subarray(1 + 6 * M);
        assert.ok(phi.every((v) => v >= 0 && Number.isFinite(v)), 'window weights');
      }
      rows += n;
    }
    assert.equal(rows, plain.positions.length / 3);
    assert.deepEqual(positions, Array.from(plain.positions), 'the points do not change');
  } finally {
    g.delete();
    model.delete();
  }
});
