// "Random" on the page and in the widget: one preset for the whole text, drawn by the seed among the
// human hands (presets traced from a person's handwriting) when the model has any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { handFor } from '../../web/lib/long_text.mjs';
import { ROOT } from './wasm_util.mjs';

const presets = [
  { name: 'Neat cursive', source: 'fonts:cursive size=1' },
  { name: 'Loose print', source: 'fonts:hand-dkg size=1' },
  { name: 'Plain print', source: 'fonts:futural size=1' },
  { name: 'Small neat hand', source: 'fonts:hand-delphine size=1' },
];

test('random draws a human hand, by the seed, the same one for the same seed', () => {
  const drawn = new Set();
  for (let seed = 0; seed < 200; ++seed) {
    const hand = handFor(presets, 'random', seed);
    assert.match(hand.source, /^fonts:hand-/, `seed ${seed} drew ${hand.name}`);
    assert.equal(handFor(presets, 'random', seed), hand);
    drawn.add(hand.name);
  }
  assert.deepEqual([...drawn].sort(), ['Loose print', 'Small neat hand']);
});

test('a named preset is kept; without human hands random draws among all; no presets, no hand', () => {
  assert.equal(handFor(presets, 'Plain print', 5).name, 'Plain print');
  const fonts = presets.filter((p) => !p.source.includes('hand-'));
  const drawn = new Set(Array.from({ length: 100 }, (_, seed) => handFor(fonts, 'random', seed).name));
  assert.deepEqual([...drawn].sort(), ['Neat cursive', 'Plain print']);
  assert.equal(handFor([], 'random', 1), null);
});

test('the shipped presets hold human hands for random to draw', () => {
  const { styles } = JSON.parse(readFileSync(path.join(ROOT, 'web/models/default.styles.json'), 'utf8'));
  const human = styles.filter((s) => /^fonts:hand-/.test(s.source));
  assert.ok(human.length >= 4, `${human.length} human hands among ${styles.length} presets`);
  assert.match(handFor(styles, 'random', 7).source, /^fonts:hand-/);
});
