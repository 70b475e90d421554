// Node tests of the page's own-handwriting modules without a browser: the prompt plan covers a
// model's alphabet, the ink JSONL reader names bad records, and OwnHands keeps, renames, deletes,
// exports and imports hands through a storage (a Map-backed stand-in for localStorage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { planPrompts, targetCharacters, SENTENCES } from '../../web/lib/prompts.mjs';
import { parseInkJsonl, toInkJsonl, checkRecord } from '../../web/lib/ink_jsonl.mjs';
import { OwnHands, STORAGE_KEY } from '../../web/lib/own_styles.mjs';
import { ROOT, readRequired, loadModule, loadModel } from './wasm_util.mjs';

class MemoryStorage {
  constructor() { this.m = new Map(); this.full = false; }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) {
    if (this.full) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    this.m.set(k, String(v));
  }
}

test('prompts cover every character of the shipped model\'s alphabet at least three times', async () => {
  const hw = await loadModule('hw');
  const model = loadModel(hw, readRequired(path.join(ROOT, 'web/models/default.hwm')));
  const alphabet = model.alphabet();
  model.delete();
  const prompts = planPrompts(alphabet, { n: 40 });
  assert.ok(prompts.length >= 40);
  for (const p of prompts) {
    assert.ok([...p].length <= 40, `"${p}" fits a line`);
    for (const c of p) assert.ok(alphabet.includes(c), `"${c}" of "${p}" is in the alphabet`);
  }
  const text = prompts.join('');
  for (const c of targetCharacters(alphabet)) {
    const n = [...text].filter((x) => x === c).length;
    assert.ok(n >= 3, `"${c}" appears ${n} times`);
  }
  // Deterministic, and a small alphabet gets only its own characters.
  assert.deepEqual(planPrompts(alphabet, { n: 40 }), prompts);
  const small = planPrompts(' abcdefghijklmnopqrstuvwxyz.,\'!?', { n: 5 });
  assert.ok(small.every((p) => /^[ a-z.,'!?]+$/.test(p)), small.join('|'));
  assert.ok(SENTENCES.length >= 30);
  // A model with accented letters: the English plan asks for none of them, the full one for each three times.
  const wide = `${alphabet}éüßçñœ€`;
  const english = planPrompts(wide, { n: 40, english: true }).join('');
  assert.ok([...'éüßçñœ€'].every((c) => !english.includes(c)), english);
  const all = planPrompts(wide, { n: 40 }).join('');
  for (const c of 'éüßçñœ€') assert.ok([...all].filter((x) => x === c).length >= 3, `"${c}" in the full plan`);
});

test('ink JSONL: records are checked field by field; bad ones are named by line and left out', () => {
  const good = { text: 'hi', strokes: [[[0, 0, 0], [1, 2, 8]], [[3, 1]]], writer: 'me' };
  const text = [JSON.stringify(good), '', '{"text": "x"}', 'not json', '{"text":"y","strokes":[[[0,0,1],[1,1]]]}',
    '{"text":"z","strokes":[[[0,"a"]]]}'].join('\n');
  const { records, errors } = parseInkJsonl(text, 'f.jsonl');
  assert.deepEqual(records, [good]);
  assert.equal(errors.length, 4);
  assert.match(errors[0], /^f\.jsonl:3: field "strokes"/);
  assert.match(errors[1], /^f\.jsonl:4: not JSON/);
  assert.match(errors[2], /^f\.jsonl:5: strokes\[0\] has time stamps on some points only/);
  assert.match(errors[3], /^f\.jsonl:6: strokes\[0\]\[0\] holds a value that is not a finite number/);
  assert.deepEqual(parseInkJsonl(toInkJsonl([good, good])).records, [good, good]);
  assert.equal(checkRecord({ text: 'a', strokes: [[[1e9, 0]]] }).includes('out of range'), true);
});

test('own hands: kept in storage, renamed, deleted, exported and imported; a full storage is an error', () => {
  const storage = new MemoryStorage();
  const hands = new OwnHands(storage);
  const a = hands.add({ text: 'one', strokes: [[[0, 0, 0], [5, 5, 20]]] });
  const b = hands.add({ text: 'two', strokes: [[[0, 0], [1, 1]]], name: 'Mine' });
  assert.equal(a.name, 'My hand');
  assert.equal(new OwnHands(storage).list().length, 2, 'a new page reads them back');
  assert.ok(hands.rename(a.id, '  Quick  '));
  assert.equal(new OwnHands(storage).get(a.id).name, 'Quick');
  assert.equal(hands.rename(a.id, '   '), false, 'an empty name is refused');
  const file = hands.exportJsonl();
  assert.deepEqual(file.trim().split('\n').map((l) => JSON.parse(l).writer), ['Quick', 'Mine']);
  hands.remove(a.id);
  assert.deepEqual(new OwnHands(storage).list().map((h) => h.id), [b.id]);
  const { added, errors } = hands.importJsonl(file, 'x.jsonl');
  assert.deepEqual(added.map((h) => h.name), ['Quick', 'Mine 2']);
  assert.deepEqual(errors, []);
  assert.throws(() => hands.add({ text: 'x', strokes: [] }), /field "strokes"/);
  storage.full = true;
  assert.throws(() => hands.add({ text: 'x', strokes: [[[0, 0]]] }), /storage is full/);
  assert.equal(hands.list().length, 3, 'a hand that could not be kept is not listed');
  storage.m.set(STORAGE_KEY, '{broken');
  assert.deepEqual(new OwnHands(storage).list(), [], 'broken storage reads as no hands');
});
