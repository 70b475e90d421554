// Typed text through the core: the typography table and the one policy for characters a model
// cannot write live in shared/text.cpp and reach the page through the binding (Model.prepareText,
// called in the worker). These tests pin what the page gets from it, then the page's own part
// (web/lib/text.mjs: wrapping, line seeds) and the hand names of the widget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES, ROOT } from './wasm_util.mjs';

let hwModule = null;
const core = async () => (hwModule ??= await loadModule('hw'));
const models = new Map();
// The fixture's alphabet is " abcdefghijklmnopqrstuvwxyz.,'!?" (no capitals, no '"', no '-');
// the shipped model's has capitals, digits and most ASCII punctuation.
async function model(file) {
  if (!models.has(file)) models.set(file, loadModel(await core(), readRequired(file)));
  return models.get(file);
}
const fixtureModel = () => model(path.join(FIXTURES, 'synthesis_small.hwm'));
const shippedModel = () => model(path.join(ROOT, 'web/models/default.hwm'));

test('typography: each typographic character becomes its ASCII form', async () => {
  const m = await shippedModel();
  const got = m.prepareText('it\u2019s \u2018a\u2019 \u201bb\u2032 \u201cc\u201d \u201ed\u2033 e\u2013f\u2014g\u2012h\u2212i wait\u2026 x\u00a0y\tz');
  assert.deepEqual(got, { error: '', text: 'it\'s \'a\' \'b\' "c" "d" e-f-g-h-i wait... x y z', marks: [], pageError: '' });
});

test('unknown characters: the other case when the model has it, else left out; every change reported where it was typed', async () => {
  const m = await fixtureModel();
  // Positions count code points of the text as typed: "\u2026" (three characters once mapped)
  // and the astral emoji (two UTF-16 units) count one each.
  const got = m.prepareText('Hi \u00e9t\u00e9!\n#ok \u2026 \u201cA\u201d \u2013\u{1F600}z');
  assert.equal(got.error, '');
  assert.equal(got.text, 'hi t!\nok ... a z');
  assert.deepEqual(got.marks, [
    { index: 0, ch: 'H', action: 'replaced', with: 'h' },
    { index: 3, ch: '\u00e9', action: 'skipped' },
    { index: 5, ch: '\u00e9', action: 'skipped' },
    { index: 8, ch: '#', action: 'skipped' },
    { index: 14, ch: '\u201c', action: 'skipped' },  // '"' is not in the fixture's alphabet
    { index: 15, ch: 'A', action: 'replaced', with: 'a' },
    { index: 16, ch: '\u201d', action: 'skipped' },
    { index: 18, ch: '\u2013', action: 'skipped' },
    { index: 19, ch: '\u{1F600}', action: 'skipped' },
  ]);
  // A model with capitals keeps them; a text it can write comes back unchanged.
  const shipped = await shippedModel();
  assert.deepEqual(shipped.prepareText('Hello, World #1'), { error: '', text: 'Hello, World #1', marks: [], pageError: '' });
  assert.deepEqual(shipped.prepareText('na\u00efve').marks, [{ index: 2, ch: '\u00ef', action: 'skipped' }]);
});

test('prepared text is text the generator accepts (which refuses what the model cannot write)', async () => {
  const m = await fixtureModel();
  const g = new (await core()).Generator(m);
  assert.match(g.start('Hello', { seed: 1 }), /cannot write 'H' .* at position 1/);
  const prepared = m.prepareText('Hello \u201cW\u00f6rld\u201d \u2019ok\u2019\u2026 #1');
  assert.equal(g.start(prepared.text, { seed: 1 }), '');
  assert.equal(g.text(), prepared.text);
  g.delete();
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
  assert.match(unknown.error, /cursive, slant 0.18, EMSAllure, slant 0.19 or random/);
  // Presets with names a person would pick answer to their old names (links, hand=) too.
  const named = [{ name: 'Neat cursive', aliases: ['cursive, slant 0.18', 'cursive'] }, { name: 'Quick print', aliases: ['EMSNixish, slant -0.03', 'EMSNixish'] }];
  assert.equal(findStyle(named, 'neat cursive').style, named[0]);
  assert.equal(findStyle(named, 'cursive, slant 0.18').style, named[0]);
  assert.equal(findStyle(named, 'EMSNixish').style, named[1]);
  assert.match(findStyle(named, 'Slanted').error, /this model has Neat cursive, Quick print or random/);
  assert.match(findStyle([], 'cursive').error, /no style presets/);
});
