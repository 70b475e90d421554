// Node tests of the page's own-handwriting modules without a browser: the prompt plan covers a
// model's alphabet, the page's ink files are read by the core's reader (the WASM module's
// readInkJsonl, as the worker runs it) which names bad records, the fuzz corpus's ink cases go
// through that same path, and OwnHands keeps, renames, deletes, exports and imports hands through a
// storage (a Map-backed stand-in for localStorage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { planPrompts, targetCharacters, SENTENCES } from '../../web/lib/prompts.mjs';
import { parseInkJsonl, toInkJsonl, checkRecord } from '../../web/lib/ink_jsonl.mjs';
import { OwnHands, STORAGE_KEY } from '../../web/lib/own_styles.mjs';
import { readdirSync, existsSync } from 'node:fs';
import { ROOT, readRequired, loadModule, loadModel } from './wasm_util.mjs';

// The core's ink reader as the worker runs it: hw.readInkJsonl in the WASM module.
let hwModule = null;
async function coreReader() {
  hwModule ??= await loadModule('hw');
  return async (text, name) => hwModule.readInkJsonl(text, name);
}

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
});

test('ink JSONL: the core\'s reader checks records field by field; bad ones are named by line and left out', async () => {
  const read = await coreReader();
  const good = { text: 'hi', strokes: [[[0, 0, 0], [1, 2, 8]], [[3, 1]]], writer: 'me' };
  const text = [JSON.stringify(good), '', '{"text": "x"}', 'not json', '{"text":"y","strokes":[[[0,0,1],[1,1]]]}',
    '{"text":"z","strokes":[[[0,"a"]]]}'].join('\n');
  const { records, errors } = await parseInkJsonl(text, 'f.jsonl', read);
  assert.deepEqual(records, [good]);
  assert.equal(errors.length, 4);
  assert.match(errors[0], /^f\.jsonl:3: field "strokes"/);
  assert.match(errors[1], /^f\.jsonl:4: not valid JSON/);
  assert.match(errors[2], /^f\.jsonl:5: strokes\[0\] gives a time for some points but not all/);
  assert.match(errors[3], /^f\.jsonl:6: strokes\[0\]\[0\] holds a value that is not a finite number/);
  assert.deepEqual((await parseInkJsonl(toInkJsonl([good, good]), 'ink', read)).records, [good, good]);
  assert.match(await checkRecord({ text: 'a', strokes: [[[1e9, 0]]] }, read), /coordinate beyond 10000000/);
  assert.equal(await checkRecord(good, read), '');
  // What the page's own copy of the rules let through, and the core refuses (issue 22).
  assert.match(await checkRecord({ text: 'a', strokes: [[[0, 0, 1e39]]] }, read), /not a finite number/);
  assert.match(await checkRecord({ text: 'a\ud800', strokes: [[[0, 0]]] }, read), /not valid JSON/);
  const deep = `{"text":"a","strokes":[[[0,0]]],"x":${'['.repeat(40)}${']'.repeat(40)}}`;
  assert.match((await read(deep, 'd.jsonl')).errors[0], /^d\.jsonl:1: .*nests deeper/);
});

// The ink cases of tests/fuzz (seed corpus and regressions) through the page's path, with the
// invariants the native harness (tests/fuzz/fuzz_ink.cpp) checks: a refusal names its line, and a
// record the reader accepts is accepted again after the page writes it out.
test('the fuzz corpus\'s ink cases through the page\'s reader: refusals named by line, accepted records survive a round trip', async () => {
  const read = await coreReader();
  const dirs = ['tests/fuzz/ink', 'tests/fuzz/regressions/ink'].map((d) => path.join(ROOT, d)).filter((d) => existsSync(d));
  const files = dirs.flatMap((d) => readdirSync(d).map((f) => path.join(d, f)));
  assert.ok(files.length >= 3, 'the seed corpus is there');
  let accepted = 0, refused = 0;
  for (const file of files) {
    const text = readRequired(file).toString('utf8');
    const { records, errors } = await parseInkJsonl(text, 'fuzz.jsonl', read);
    for (const e of errors) assert.match(e, /^fuzz\.jsonl:\d+: /, `${path.basename(file)}: ${e}`);
    const again = await parseInkJsonl(toInkJsonl(records), 'again', read);
    assert.deepEqual(again.errors, [], path.basename(file));
    assert.deepEqual(again.records.map((r) => r.text), records.map((r) => r.text));
    accepted += records.length;
    refused += errors.length;
  }
  assert.ok(accepted > 0 && refused > 0, `${accepted} accepted, ${refused} refused`);
});

test('own hands: kept in storage, renamed, deleted, exported and imported; a full storage is an error', async () => {
  const read = await coreReader();
  const storage = new MemoryStorage();
  const hands = new OwnHands(storage, read);
  const a = await hands.add({ text: 'one', strokes: [[[0, 0, 0], [5, 5, 20]]] });
  const b = await hands.add({ text: 'two', strokes: [[[0, 0], [1, 1]]], name: 'Mine' });
  assert.equal(a.name, 'My hand');
  assert.equal(new OwnHands(storage, read).list().length, 2, 'a new page reads them back');
  assert.ok(hands.rename(a.id, '  Quick  '));
  assert.equal(new OwnHands(storage, read).get(a.id).name, 'Quick');
  assert.equal(hands.rename(a.id, '   '), false, 'an empty name is refused');
  const file = hands.exportJsonl();
  assert.deepEqual(file.trim().split('\n').map((l) => JSON.parse(l).writer), ['Quick', 'Mine']);
  hands.remove(a.id);
  assert.deepEqual(new OwnHands(storage, read).list().map((h) => h.id), [b.id]);
  const { added, errors } = await hands.importJsonl(file, 'x.jsonl');
  assert.deepEqual(added.map((h) => h.name), ['Quick', 'Mine 2']);
  assert.deepEqual(errors, []);
  await assert.rejects(hands.add({ text: 'x', strokes: [] }), /field "strokes"/);
  storage.full = true;
  await assert.rejects(hands.add({ text: 'x', strokes: [[[0, 0]]] }), /storage is full/);
  assert.equal(hands.list().length, 3, 'a hand that could not be kept is not listed');
  storage.m.set(STORAGE_KEY, '{broken');
  assert.deepEqual(new OwnHands(storage, read).list(), [], 'broken storage reads as no hands');
});
