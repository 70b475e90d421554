// The page's text preparation (web/lib/text.mjs): its typography map must agree with the core's,
// unknown characters are always reported, wrapping keeps words whole and lines short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES } from './wasm_util.mjs';
import { normaliseTypography, prepareText, wrapLines, lineSeed, planText, MAX_TEXT_CHARS } from '../../web/lib/text.mjs';

test('typography mapping matches the core (a character is unknown to both or to neither)', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(FIXTURES, 'synthesis_small.hwm')));
  const alphabet = model.alphabet();
  const sample = "it\u2019s \u2018a\u2019 \u201cb\u201d \u201ec\u201b d\u2013e\u2014f\u2012g\u2212h wait\u2026 x\u00a0y\tz \u2032\u2033 \u00e9A!";
  const core = model.unknownChars(sample).map(([i]) => i);
  const js = [...sample].map((ch, i) => [i, [...normaliseTypography(ch)].every((c) => alphabet.includes(c))]).filter(([, ok]) => !ok).map(([i]) => i);
  assert.deepEqual(js, core);
  model.delete();
});

test('unknown characters: other case when the model has it, else skipped; all reported', () => {
  const { clean, marks } = prepareText('Hi \u00e9t\u00e9!\n#ok', ' abcdefghijklmnopqrstuvwxyz!');
  assert.equal(clean, 'hi t!\nok');
  assert.deepEqual(marks.map((m) => [m.index, m.ch, m.action]),
    [[0, 'H', 'replaced'], [3, '\u00e9', 'skipped'], [5, '\u00e9', 'skipped'], [8, '#', 'skipped']]);
});

test('wrapping: whole words, at most N characters, explicit newlines kept, long words cut', () => {
  assert.deepEqual(wrapLines('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps']);
  assert.deepEqual(wrapLines('a\n\nb  c', 10), ['a', 'b c']);
  assert.deepEqual(wrapLines('abcdefghijkl xy', 5), ['abcde', 'fghij', 'kl xy']);
  for (const line of wrapLines('lorem ipsum dolor sit amet '.repeat(10))) assert.ok(line.length <= 40);
  assert.match(planText('a'.repeat(MAX_TEXT_CHARS + 1), 'a').error, /limit/);
  assert.match(planText('###', 'a').error, /Nothing/);
});

test('line seeds: line 0 is the seed itself, others differ and stay 32-bit', () => {
  assert.equal(lineSeed(7, 0), 7);
  const seeds = new Set([0, 1, 2, 3, 4].map((i) => lineSeed(7, i)));
  assert.equal(seeds.size, 5);
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
});

test('hand names: a preset by full name or font in any case, "random" or none picks none, unknown names are reported', async () => {
  const { findStyle } = await import('../../web/lib/engine.mjs');
  const styles = [{ name: 'cursive, slant 0.18' }, { name: 'EMSAllure, slant 0.19' }];
  assert.equal(findStyle(styles, 'cursive, slant 0.18').style, styles[0]);
  assert.equal(findStyle(styles, 'emsallure').style, styles[1]);
  assert.equal(findStyle(styles, ' Cursive ').style, styles[0]);
  for (const none of [null, undefined, '', 'random', 'Random']) assert.deepEqual(findStyle(styles, none), { style: null, error: '' });
  const unknown = findStyle(styles, 'Slanted');
  assert.equal(unknown.style, null);
  assert.match(unknown.error, /Slanted/);
  assert.match(unknown.error, /cursive, EMSAllure or random/);
  assert.match(findStyle([], 'cursive').error, /no style presets/);
});
