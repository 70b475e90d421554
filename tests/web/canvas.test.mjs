// The canvas draws what the renderers draw (issue 22): InkView strokes the core's curves into each
// point (Generator.curves(), the CurveStream of shared/sheet.h) and a dot for a one-point stroke,
// never a straight segment; the same strokes through the core's SVG renderer (hw.renderSvg) have
// as many curves. Drawn on a stand-in canvas context that records the calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES } from './wasm_util.mjs';
import { InkView } from '../../web/lib/ink_canvas.mjs';

// A canvas whose 2D context records moveTo, lineTo and bezierCurveTo.
function recordingCanvas() {
  const calls = [];
  const ctx = new Proxy({}, {
    get: (target, name) => (name in target ? target[name]
      : ['moveTo', 'lineTo', 'bezierCurveTo'].includes(name) ? (...args) => calls.push([name, ...args]) : () => {}),
    set: (target, name, v) => { target[name] = v; return true; },
  });
  return { calls, canvas: { getContext: () => ctx, clientWidth: 600, width: 0, height: 0, style: {} } };
}

test('the canvas strokes the core\'s curves and dots, as the SVG renderer does', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const g = new hw.Generator(model);
  assert.equal(g.start('ab ab ab', { seed: 4, maxSteps: 300 }), '');
  const positions = [], curves = [];
  while (!g.done()) {
    g.run(37);
    positions.push(...g.positions());
    curves.push(...g.curves());
  }
  g.delete();
  model.delete();
  const n = positions.length / 3;
  assert.equal(curves.length, 6 * n, 'a curve for every point once the line is done');
  const up = (j) => positions[3 * j + 2] > 0.5;
  const starts = [...Array(n).keys()].filter((j) => j === 0 || up(j - 1));
  const dots = starts.filter((j) => up(j) || j === n - 1);
  assert.ok(starts.length > 3, `${starts.length} strokes`);

  const { calls, canvas } = recordingCanvas();
  const view = new InkView(canvas, { lineHeight: 1 });
  view.reset(1);
  view.addPoints(0, Float32Array.from(positions), null, Float32Array.from(curves));
  view.lay = view.layout(600);
  view.drawSegments({ line: 0, index: 0 }, { line: 0, index: n });
  const beziers = calls.filter((c) => c[0] === 'bezierCurveTo');
  assert.equal(calls.filter((c) => c[0] === 'lineTo').length, 0, 'no straight segment');
  assert.equal(beziers.length, n - starts.length + dots.length, 'a curve into every point but a stroke\'s first, and a dot per one-point stroke');
  // The drawn curves are the core's, in the canvas's frame.
  const { k, bands: [b] } = view.lay;
  const j = starts[0] + 1, at = beziers[0];
  assert.deepEqual(at.slice(1).map((v) => Math.round(v * 1e4)),
    curves.slice(6 * j, 6 * j + 6).map((v, i) => Math.round((i % 2 ? b.oy + v * k : b.ox + v * k) * 1e4)));

  // The SVG renderer draws as many curves (one C per segment; a dot is one too).
  const svg = hw.renderSvg([Float32Array.from(positions)], {}, 't');
  assert.equal((svg.match(/ C/g) ?? []).length, beziers.length);
});
