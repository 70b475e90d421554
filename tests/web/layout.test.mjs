// The core's line planning and line check through the WASM binding (planLines, checkLine,
// lineSeed): the same rules the native CLI uses for hw sample --text-file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './wasm_util.mjs';

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
