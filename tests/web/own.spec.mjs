// Browser tests of "your own handwriting" (issue 12): the recorder, the visitor's hands (kept,
// renamed, exported, imported, deleted), the widget's hand-ink, the Model menu (every network it
// lists writes; a model file of one's own, good and broken), and the collect page, whose file
// `hw-train data --ink` reads. Headless Chromium through playwright-core, as browser.spec.mjs.
// Writing is done with the mouse through the browser's input pipeline (trusted pointer events with
// their own time stamps), tracing the strokes of a style preset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, FIXTURES, readRequired } from './wasm_util.mjs';
import { CHROMIUM, SHOTS, serveWeb, launchChromium } from './browser_util.mjs';

const HW_TRAIN = path.join(ROOT, 'build/bin/hw-train');
let base, context, profile, server, tmp;

before(async () => {
  for (const f of ['web/dist/hw.mjs', 'web/dist/hw.wasm', 'web/models/default.hwm', 'web/models/scribble.hwm',
    'web/models/default.styles.json']) readRequired(path.join(ROOT, f));
  readRequired(CHROMIUM);
  readRequired(HW_TRAIN);
  mkdirSync(SHOTS, { recursive: true });
  let proc;
  ({ url: base, proc } = await serveWeb());
  server = proc;
  ({ context, profile } = await launchChromium('hw-chromium-own-', { viewport: { width: 1200, height: 900 } }));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hw-own-'));
});

after(async () => {
  await context?.close();
  server?.kill();
  for (const d of [profile, tmp]) if (d) rmSync(d, { recursive: true, force: true });
});

async function open(url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  await page.goto(base + url);
  return page;
}

const waitState = (page, state, timeout = 60000) =>
  page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout });
// Marks the page's state before an action that makes it write again, so that waitState sees the
// new drawing's end, not the previous one's.
const pending = (page) => page.evaluate(() => (document.body.dataset.state = 'pending'));

// The drawing as the SVG download holds it (the same seed and style give the same file).
async function svgOf(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#svg')]);
  return readFileSync(await download.path(), 'utf8');
}

async function downloaded(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { text: readFileSync(await download.path(), 'utf8'), name: download.suggestedFilename() };
}

// A preset: real handwriting shapes ({text, strokes}) to trace with the mouse.
function preset(i = 0) {
  const styles = JSON.parse(readFileSync(path.join(ROOT, 'web/models/default.styles.json'), 'utf8')).styles;
  return styles[i % styles.length];
}
const presetStrokes = (i) => preset(i).strokes;

// Writes strokes on the canvas `selector` with the mouse, fitted into its box; every point is one
// mouse move, so the recorder gets pointer events with time stamps as a person's pen makes them.
// `all`: the strokes of the whole line, when `strokes` is a part of it (the fit is the line's).
async function writeWithMouse(page, selector, strokes, all = strokes) {
  const box = await page.locator(selector).boundingBox();
  const xs = all.flat().map((p) => p[0]), ys = all.flat().map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.min((box.width - 40) / (x1 - x0), (box.height - 40) / (y1 - y0));
  const at = ([x, y]) => [box.x + 20 + (x - x0) * k, box.y + 20 + (y - y0) * k];
  for (const s of strokes) {
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p));
    await page.mouse.up();
  }
}

const storedHands = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('handwriting-synth.own-hands.v1') || '[]'));

test('the recorder: written ink becomes a style at once, changes the writing, and survives a reload', { timeout: 180000 }, async () => {
  const page = await open('#text=hello there&seed=5&speed=instant');
  await waitState(page, 'done');
  const before = await svgOf(page);
  await page.click('#record');
  assert.ok(await page.isVisible('#recorder'));
  assert.ok((await page.textContent('#rec-prompt')).length > 10, 'a prompt line is shown');
  const { text, strokes } = preset(1);
  await page.fill('#rec-text', text);
  assert.equal(await page.isDisabled('#rec-done'), true, 'nothing written: Done is off');
  await writeWithMouse(page, '#rec-canvas', strokes.slice(0, 3), strokes);
  await page.click('#rec-undo');  // one stroke less
  await writeWithMouse(page, '#rec-canvas', strokes.slice(2), strokes);
  await page.locator('#recorder').screenshot({ path: path.join(SHOTS, 'recorder.png') });
  await pending(page);
  await page.click('#rec-done');
  await page.waitForFunction(() => document.getElementById('style').value.startsWith('own:'));
  await waitState(page, 'done');
  const hands = await storedHands(page);
  assert.equal(hands.length, 1);
  assert.equal(hands[0].text, text);
  assert.equal(hands[0].strokes.length, strokes.length, 'undo removed one stroke');
  for (const s of hands[0].strokes) {
    assert.ok(s.every((p) => p.length === 3), 'every point has a time stamp');
    for (let i = 1; i < s.length; ++i) assert.ok(s[i][2] >= s[i - 1][2], 'times never go back within a stroke');
  }
  assert.ok(hands[0].strokes.at(-1).at(-1)[2] > hands[0].strokes[0][0][2], 'the clock ran while writing');
  const style = await page.inputValue('#style');
  const points = Number((await page.textContent('#status')).match(/Done: 1 line, (\d+) points/)?.[1]);
  assert.ok(points > 110, `the whole text is written in the hand (${points} points for 11 characters)`);
  const mine = await svgOf(page);
  assert.notEqual(mine, before, 'the own hand changes the writing');
  await page.locator('main').screenshot({ path: path.join(SHOTS, 'own-hand.png') });
  assert.match(page.url(), /style=own%3A/, 'the link names the hand');
  await page.reload();
  await waitState(page, 'done');
  assert.equal(await page.inputValue('#style'), style, 'the hand is still there after a reload');
  assert.equal(await svgOf(page), mine, 'and writes the same');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('own hands: rename, export as ink JSONL, delete, import; the widget takes hand-ink', { timeout: 120000 }, async () => {
  const page = await open('#text=abc&seed=2&speed=instant');
  await waitState(page, 'done');
  const [hand] = await storedHands(page);  // written in the previous test
  assert.ok(hand, 'the hand of the previous test is kept');
  assert.equal(await page.isVisible('#hand-tools'), false, 'no own hand selected: no tools');
  await page.selectOption('#style', `own:${hand.id}`);
  assert.ok(await page.isVisible('#hand-tools'));
  await page.fill('#hand-name', 'Anna slow');
  await page.press('#hand-name', 'Enter');
  await page.waitForFunction(() => document.getElementById('style').selectedOptions[0].textContent === 'Anna slow');
  const exported = await downloaded(page, '#hand-export');
  assert.equal(exported.name, 'Anna-slow.jsonl');
  const rec = JSON.parse(exported.text.trim());
  assert.equal(rec.writer, 'Anna slow');
  assert.equal(rec.text, preset(1).text);
  assert.ok(rec.strokes.every((s) => s.every((p) => p.length === 3)));
  const file = path.join(tmp, 'anna.jsonl');
  writeFileSync(file, `${exported.text}{"text": "bad", "strokes": []}\n`);
  // The native reader takes the exported file as it is (hw score prepares it like priming ink).
  const scored = JSON.parse(execFileSync(path.join(ROOT, 'build/bin/hw'), ['score', '--model', path.join(ROOT, 'web/models/default.hwm'),
    '--ink', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.equal(scored.lines, 1);
  await page.click('#hand-delete');
  await page.waitForFunction(() => document.getElementById('style').value === 'random');
  assert.equal((await storedHands(page)).length, 0);
  await page.setInputFiles('#hand-file', file);
  await page.waitForFunction(() => document.getElementById('style').value.startsWith('own:'));
  assert.match(await page.textContent('#error'), /anna\.jsonl:2: field "strokes"/, 'the bad record is named');
  assert.equal((await storedHands(page))[0].name, 'Anna slow');
  await page.close();

  // The widget: hand-ink (same origin) primes it; the same text and seed without it writes otherwise.
  const ink = exported.text;
  const widget = await open('embed-example.html');
  await widget.route('**/hands/anna.jsonl', (route) => route.fulfill({ status: 200, contentType: 'application/jsonl', body: ink }));
  await widget.route('**/hands/broken.jsonl', (route) => route.fulfill({ status: 200, contentType: 'application/jsonl', body: '{"text": 1}\n' }));
  const results = await widget.evaluate(async () => {
    const run = (attrs) => new Promise((resolve) => {
      const el = document.createElement('handwriting-synth');
      for (const [k, v] of Object.entries({ text: 'hello', seed: '4', speed: 'instant', ...attrs })) el.setAttribute(k, v);
      el.addEventListener('written', () => resolve({ url: el.shadowRoot.querySelector('canvas').toDataURL(), msg: el.shadowRoot.querySelector('.msg').textContent }));
      document.body.prepend(el);
    });
    return [await run({}), await run({ 'hand-ink': 'hands/anna.jsonl' }), await run({ 'hand-ink': 'hands/broken.jsonl' })];
  });
  assert.notEqual(results[1].url, results[0].url, 'hand-ink changes the writing');
  assert.equal(results[1].msg, '');
  assert.match(results[2].msg, /hand-ink: broken\.jsonl:1: field "text"/);
  await widget.close();
});

test('the Model menu: scribble writes without text, clockwork is listed, the hash names the model', { timeout: 120000 }, async () => {
  const page = await open('#model=scribble&seed=3&speed=instant');
  await waitState(page, 'done');
  assert.equal(await page.inputValue('#model'), 'scribble');
  assert.equal(await page.isDisabled('#text'), true);
  assert.match(await page.textContent('#text-note'), /writes without text/);
  assert.match(await page.textContent('#about'), /unconditional/);
  const pixels = await page.evaluate(() => {
    const c = document.getElementById('ink');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) n += d[i] > 0;
    return n;
  });
  assert.ok(pixels > 200, `scribble ink on the canvas (${pixels} pixels)`);
  await page.locator('main').screenshot({ path: path.join(SHOTS, 'scribble.png') });
  const clockwork = await page.evaluate(() => {
    const o = [...document.getElementById('model').options].find((x) => x.value === 'clockwork');
    return { disabled: o.disabled, text: o.textContent };
  });
  assert.deepEqual(clockwork, { disabled: false, text: 'Clockwork RNN (no text)' });
  await pending(page);
  await page.selectOption('#model', 'synthesis');
  await waitState(page, 'done');
  assert.equal(await page.isDisabled('#text'), false);
  assert.doesNotMatch(page.url(), /model=/, 'the default is not named');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the shipped clockwork model writes; a model the server does not list is shown disabled with its note', { timeout: 120000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${base}#model=clockwork&seed=1&speed=instant`);
  await waitState(page, 'done');
  assert.equal(await page.inputValue('#model'), 'clockwork');
  assert.match(await page.textContent('#about'), /clockwork RNN/);
  assert.match(await page.textContent('#status'), /Done: 1 line, \d+ points/);
  await page.close();
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'web/models/index.json'), 'utf8'));
  manifest.models = manifest.models.filter((m) => m !== 'clockwork.hwm');
  const other = await context.newPage();
  await other.route('**/models/index.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(manifest) }));
  await other.goto(`${base}#seed=1&speed=instant`);
  await waitState(other, 'done');
  const listed = await other.evaluate(() => {
    const o = [...document.getElementById('model').options].find((x) => x.value === 'clockwork');
    return { disabled: o.disabled, text: o.textContent };
  });
  assert.deepEqual(listed, { disabled: true, text: 'Clockwork RNN: not shipped yet' });
  await other.close();
});

test('a model file of one\'s own: a good one writes, a broken one is refused with the reader\'s message', { timeout: 120000 }, async () => {
  const page = await open('#text=hello&seed=1&speed=instant');
  await waitState(page, 'done');
  await pending(page);
  await page.setInputFiles('#model-file', path.join(FIXTURES, 'synthesis_small.hwm'));
  await page.waitForFunction(() => document.getElementById('model').value === 'local');
  await waitState(page, 'done');
  assert.match(await page.textContent('#model option[value=local]'), /Your file: synthesis_small\.hwm/);
  assert.match(await page.textContent('#about'), /32 characters/);
  assert.equal(await page.isHidden('#error'), true);
  // A broken file, dropped on the page: the reader's message, and the model in use stays.
  const broken = readRequired(path.join(FIXTURES, 'synthesis_small.hwm')).subarray(0, 3000);
  await page.evaluate(async (data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'mine.hwm'));
    dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  }, [...broken]);
  await page.waitForFunction(() => !document.getElementById('error').hidden);
  const shown = await page.textContent('#error');
  assert.match(shown, /^“mine\.hwm” is not a model this page can use: the model file is not usable: /);
  assert.equal(await page.inputValue('#model'), 'local', 'the model in use is kept');
  assert.equal(await page.isDisabled('#write'), false);
  await pending(page);
  await page.click('#write');
  await waitState(page, 'done');
  // The unconditional fixture from disk: the text box says it is not used.
  await pending(page);
  await page.setInputFiles('#model-file', path.join(FIXTURES, 'unconditional_small.hwm'));
  await page.waitForFunction(() => document.getElementById('text').disabled);
  await waitState(page, 'done');
  await page.close();
});

test('the collect page: prompts with progress, redo, kept over a reload; its file is read by hw-train data --ink', { timeout: 180000 }, async () => {
  const page = await open('collect.html?lines=12');
  await page.waitForFunction(() => document.getElementById('prompt').textContent.length > 0, null, { timeout: 60000 });
  const prompts = await page.$$eval('#lines li', (li) => li.map((x) => x.textContent));
  assert.ok(prompts.length >= 12);
  const alphabet = [...new Set(prompts.join(''))].join('');
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789.,?!') assert.ok(alphabet.includes(ch), `prompts cover ${ch}`);
  await page.fill('#writer', 'test writer');
  await page.dispatchEvent('#writer', 'change');
  for (let i = 0; i < 3; ++i) {
    await writeWithMouse(page, '#pad', presetStrokes(i));
    await page.click('#save');
  }
  assert.match(await page.textContent('#count'), /^3 of \d+ lines written$/);
  await page.reload();
  await page.waitForFunction(() => /^3 of/.test(document.getElementById('count').textContent));
  assert.equal(await page.inputValue('#writer'), 'test writer');
  // Redo the second line.
  await page.click('#lines li:nth-child(2)');
  assert.equal(await page.textContent('#save'), 'Save again');
  await page.click('#clear');
  await writeWithMouse(page, '#pad', presetStrokes(4));
  await page.click('#save');
  await page.locator('main').screenshot({ path: path.join(SHOTS, 'collect.png') });
  const { text, name } = await downloaded(page, '#download');
  assert.equal(name, 'handwriting-test-writer.jsonl');
  const recs = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(recs.map((r) => r.text), prompts.slice(0, 3));
  assert.ok(recs.every((r) => r.writer === 'test writer'));
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  const out = path.join(tmp, 'mine.hwds');
  const summary = JSON.parse(execFileSync(HW_TRAIN, ['data', '--ink', file, '--out', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(summary.lines.train + summary.lines.valid, 3, JSON.stringify(summary.skipped));
  assert.deepEqual(page.errors, []);
  await page.close();
});
