// The core's line planning, line check and placement through the WASM binding (planLines,
// checkLine, lineSeed, placeLines): the same rules the native CLI uses for hw sample --text-file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES } from './wasm_util.mjs';

test('planLines: word wrap to a width, paragraphs, the 200-character limit, 2,000 characters at most', async () => {
  const hw = await loadModule('hw');
  const got = hw.planLines('the quick brown fox jumps\n\nover the lazy dog', { width: 10, advance: 1 });
  assert.equal(got.error, '');
  assert.equal(got.charsPerLine, 10);
  assert.deepEqual(got.lines.map((l) => l.text), ['the quick', 'brown fox', 'jumps', 'over the', 'lazy dog']);
  assert.deepEqual(got.lines.map((l) => l.paragraph), [0, 0, 0, 1, 1]);
  assert.equal(got.lines[2].paragraphEnd, true);
  const wide = hw.planLines('a'.repeat(450), { width: 1e6, advance: 1 });
  assert.deepEqual(wide.lines.map((l) => l.text.length), [200, 200, 50]);
  assert.equal(hw.MAX_PAGE_CHARS, 2000);
  assert.match(hw.planLines('a'.repeat(2001), { width: 40, advance: 1 }).error, /limit is 2000/);
  assert.match(hw.planLines('abc', { width: 0, advance: 1 }).error, /positive/);
});

test('checkLine and lineSeed: a skipped word is found; rewrites get fixed, distinct seeds', async () => {
  const hw = await loadModule('hw');
  assert.deepEqual(hw.checkLine('ab cd', 0, [0, 1, 2, 3, 4, 5], true), { ok: true, problem: '' });
  assert.equal(hw.checkLine('ab cd', 0, [0, 1, 2, 5], true).ok, false);
  assert.equal(hw.checkLine('ab cd', 0, [0, 1, 2, 3, 4, 5], false).ok, false);
  assert.equal(hw.lineSeed(5, 3, 1), hw.lineSeed(5, 3, 1));
  assert.notEqual(hw.lineSeed(5, 3, 1), hw.lineSeed(5, 3, 0));
});

test('placeLines: written lines on one left margin, one x-height, line spacing apart, aligned', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const texts = ['hello there', 'big world'];
  const lines = texts.map((text, i) => {
    const g = new hw.Generator(model);
    assert.equal(g.start(text, { seed: 3 + i, attention: true }), '');
    const points = [], attention = [];
    while (!g.done()) {
      g.run(500);
      points.push(...g.points().slice());
      attention.push(...g.attention().slice());
    }
    g.delete();
    return { text, paragraph: 0, paragraphEnd: i === 1, points, attention };
  });
  const page = hw.placeLines(model, lines, { width: 400, marginLeft: 10, marginTop: 5, align: 'left' });
  assert.equal(page.error, '');
  assert.equal(page.lines.length, 2);
  const minX = (l) => Math.min(...l.strokes.flatMap((s) => [...s].filter((_, k) => k % 2 === 0)));
  for (const l of page.lines) assert.ok(Math.abs(minX(l) - 10) < 1e-3, `left edge ${minX(l)}`);
  assert.ok(page.lines[1].baseline > page.lines[0].baseline);
  assert.equal(page.lines[0].strokes.length, page.lines[0].strokeChars.length);
  const centred = hw.placeLines(model, lines, { width: 400, align: 'centre' });
  assert.ok(minX(centred.lines[0]) > 10);
  assert.match(hw.placeLines(model, lines, { width: 400, align: 'middle' }).error, /align/);
  model.delete();
});
