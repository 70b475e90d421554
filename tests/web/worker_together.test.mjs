// Browser test of the worker's lines written together (generate with together: true, which steps
// the lines through hw.runTogether): in headless Chromium, through the page's own engine module,
// every line gets the positions and attention it gets when the lines are written one after another,
// and the messages keep their order per line ('line' first, 'line-end' last).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, readRequired } from './wasm_util.mjs';

const CHROMIUM = '/usr/bin/chromium';
let server, browser, base;

before(async () => {
  readRequired(path.join(ROOT, 'web/dist/hw.wasm'));
  readRequired(path.join(ROOT, 'web/models/default.hwm'));
  readRequired(CHROMIUM);
  if (!existsSync(path.join(ROOT, 'node_modules/playwright-core'))) throw new Error('missing node_modules/playwright-core (npm ci)');
  const { chromium } = await import('playwright-core');
  server = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), path.join(ROOT, 'web')], {
    env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (b) => {
      const m = (out += b).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

// Runs one generate job in the page and returns, per line, its positions, attention and events.
async function write(page, together) {
  return page.evaluate(async (together) => {
    const engine = await import('./lib/engine.mjs');
    await engine.loadModel('models/default.hwm');
    const lines = [{ text: 'one line', seed: 11 }, { text: 'and a longer second line', seed: 12 }, { text: 'x', seed: 13 }];
    const got = lines.map(() => ({ positions: [], attention: [], events: [] }));
    await new Promise((resolve, reject) => {
      engine.generate('models/default.hwm', { lines, bias: 0.6, style: null, attention: true, together, maxSteps: 400 }, {
        onLine: (d) => got[d.line].events.push('line'),
        onPoints: (d) => {
          got[d.line].events.push('points');
          got[d.line].positions.push(...d.positions);
          got[d.line].attention.push(...d.attention);
        },
        onLineEnd: (d) => got[d.line].events.push('line-end'),
        onDone: resolve,
        onError: (m) => reject(new Error(m)),
      });
    });
    return got.map((g) => ({ ...g, positions: Array.from(new Uint32Array(Float32Array.from(g.positions).buffer)) }));
  }, together);
}

test('the worker writes lines together with the bits of the lines one after another', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}embed-example.html`);
  const alone = await write(page, false);
  const together = await write(page, true);
  assert.deepEqual(errors, []);
  alone.forEach((a, i) => {
    const t = together[i];
    assert.ok(a.positions.length > 3 * 10, `line ${i}: only ${a.positions.length / 3} points`);
    assert.deepEqual(t.positions, a.positions, `line ${i}: positions differ`);
    assert.deepEqual(t.attention, a.attention, `line ${i}: attention differs`);
    assert.equal(t.events[0], 'line');
    assert.equal(t.events.at(-1), 'line-end');
    assert.equal(t.events.filter((e) => e === 'line-end').length, 1);
  });
  await page.close();
});
