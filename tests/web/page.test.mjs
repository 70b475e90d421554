// The core's page driver and page exports through the WASM binding (hw.PageWriter, hw.constants,
// hw.paperSize, hw.penCommands, hw.renderSvg): what the page's worker runs, the same C++ as
// hw sample --text-file (page_export.spec.mjs compares the files with hw sample's in Chromium).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES } from './wasm_util.mjs';

const TEXT = 'the quick brown fox jumps over the lazy dog\n\nand a second paragraph of words';

// A page written to the end, n points a step: its events and the writer (delete it when done).
function writePage(hw, model, opts, n = 48) {
  const w = new hw.PageWriter(model);
  assert.equal(w.start(TEXT, opts), '');
  const events = [];
  for (let guard = 0; !w.done() && guard < 100000; ++guard) {
    assert.equal(w.step(n), '');
    events.push(...w.events());
  }
  assert.ok(w.done());
  return { w, events };
}

test('PageWriter: the plan, each line in reading order with its points and curves, the placed page', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const { w, events } = writePage(hw, model, { seed: 9, bias: 0.5, width: 40 * model.lineHeight(), attempts: 2 });
  assert.equal(events[0].kind, 'plan');
  assert.equal(events.at(-1).kind, 'placed');
  const plan = events.filter((e) => e.kind === 'plan').at(-1).lines;
  assert.deepEqual(plan.map((l) => l.text).join(' ').split(/\s+/), TEXT.split(/\s+/), 'every word planned, in order');
  let line = 0, points = 0, curves = 0;
  for (const e of events.slice(1, -1)) {
    if (e.kind === 'plan') continue;
    assert.equal(e.line, line, `${e.kind} of line ${e.line} while line ${line} is being written`);
    if (e.kind === 'line' || e.kind === 'restart') points = curves = 0;
    if (e.kind === 'points') {
      assert.equal(e.positions.length, 3 * e.attention.length);
      points += e.positions.length / 3;
      curves += e.curves.length / 6;
      assert.ok(curves <= points);
    }
    if (e.kind === 'line-end') {
      assert.equal(curves + e.curves.length / 6, points, `line ${line}: a curve for every point`);
      assert.ok(e.attempts >= 1 && e.attempts <= 2);
      ++line;
    }
  }
  assert.equal(line, plan.length);
  const placed = events.at(-1);
  assert.equal(placed.lines.length, plan.length);
  for (const l of placed.lines) assert.equal(l.curves.length / 6, l.points.length / 3);
  assert.match(placed.title, /^the quick brown fox/);
  // Written again with the same settings: the same points.
  const again = writePage(hw, model, { seed: 9, bias: 0.5, width: 40 * model.lineHeight(), attempts: 2 }, 500);
  const pts = (evs) => evs.filter((e) => e.kind === 'placed')[0].lines.map((l) => Array.from(l.points));
  assert.deepEqual(pts(again.events), pts(events));
  w.delete();
  again.w.delete();
  model.delete();
});

test('PageWriter on paper: the exports, the fit note, and the paper\'s limits from the core', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const [width, height] = hw.paperSize('a5');
  assert.deepEqual([width, height], [148, 210]);
  assert.equal(hw.paperSize('b9'), null);
  const { w } = writePage(hw, model, { seed: 3, paper: { width, height, margin: 10, xHeight: 3 } }, 1000);
  const svg = w.exportPage('svg', { pressure: true });
  assert.equal(svg.error, '');
  assert.match(svg.text, /^<\?xml[^]*<svg [^>]*width="148.00mm" height="210.00mm"[^]*<title>the quick brown fox[^<]*<\/title>/);
  assert.equal(svg.note, '');
  assert.deepEqual([svg.width, svg.height], [148, 210]);
  assert.match(w.exportPage('plot-svg', {}).text, /vector-effect="non-scaling-stroke"/);
  const gcode = w.exportPage('gcode', { pen: 'z', zUp: 4, feed: 2000 });
  assert.match(gcode.text, /^; handwriting: \d+ strokes\n; page 148.0 x 210.0 mm/);
  assert.match(gcode.text, /\nG0 Z4.00\n/);
  assert.match(w.exportPage('gcode', { penUp: 'M5\nM3' }).error, /one G-code line/);
  assert.match(w.exportPage('pdf', {}).error, /unknown page export/);
  w.delete();
  // A text taller than the paper is written smaller, with a note.
  const tall = writePage(hw, model, { seed: 3, paper: { width: 148, height: 40, margin: 5, xHeight: 6 } }, 1000);
  assert.match(tall.w.exportPage('svg', {}).note, /^written smaller \(x-height [\d.]+ mm\) to fit the page$/);
  tall.w.delete();
  const bad = new hw.PageWriter(model);
  assert.match(bad.start(TEXT, { paper: { width, height, margin: 80 } }), /margin 80 mm leaves no room/);
  assert.match(bad.start(TEXT, { paper: { width, height, xHeight: 200 } }), /x-height must be between 0.5 and 100/);
  assert.match(bad.start('a'.repeat(2001), { width: 100 }), /limit is 2000/);
  bad.delete();
  const c = hw.constants();
  assert.equal(c.maxPageChars, 2000);
  assert.equal(c.attempts, 4);
  assert.equal(c.ink, '#1b2a4a');
  assert.deepEqual(c.limits.dpi, [10, 1200]);
  assert.deepEqual(hw.penCommands('z', 5, 0), { up: 'G0 Z5.00', down: 'G1 Z0.00 F1000' });
  assert.equal(model.prepareText('a'.repeat(2001)).pageError, 'text has 2001 characters; the limit is 2000');
  model.delete();
});

test('renderSvg: a drawing through the core\'s renderer, curves and dots', async () => {
  const hw = await loadModule('hw');
  const svg = hw.renderSvg([new Float32Array([10, 10, 0, 20, 15, 0, 30, 10, 1, 40, 12, 1])], { strokeWidth: 3, colour: '#112233' }, 'a <b>');
  assert.match(svg, /stroke="#112233" stroke-width="3.00"/);
  assert.match(svg, /<title>a &lt;b&gt;<\/title>/);
  const paths = svg.match(/<path d="[^"]*"/g);
  assert.equal(paths.length, 2, 'a stroke and a dot');
  assert.match(paths[0], / C/);
  assert.match(paths[1], /^<path d="M[\d.]+ [\d.]+ C/, 'the one-point stroke is a dot');
});
