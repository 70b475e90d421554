// The headless-Chromium part of `make bench` (reports numbers, never fails on time):
//  1. the page benchmark (bench/browser/): steps per second of the project's WASM SIMD and scalar
//     modules, TF.js's wasm backend and a plain-JS step, in one page, on the default model as f32,
//     f16 (as shipped) and int8 files, checked to give the same mixtures first; batches of 4 and 8;
//  2. time to first stroke, cold: a fresh browser context (empty cache) loads the page from
//     127.0.0.1 and the time from navigation to the first segment drawn on its canvas is taken.
// Chromium via playwright-core (devDependencies), launched as tests/web/browser.spec.mjs does.
// Usage: node bench/browser_bench.mjs [--json FILE] [--rounds R] [--first-stroke-rounds N] [--first-stroke-only]
import { execSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL as MODEL, defaultModelFiles } from './models.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const TEXT = 'the quick brown fox jumps over a lazy dog';  // 41 characters, as the other benchmarks

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function require(file, hint) {
  if (!existsSync(path.join(ROOT, file))) throw new Error(`missing ${file} (${hint})`);
}

const servers = [];
function serve(folder) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), folder], {
      env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    servers.push(proc);
    let out = '';
    proc.stdout.on('data', (b) => {
      const m = (out += b).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };

async function pageBenchmark(browser, base, rounds) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}bench/browser/index.html`);
  const models = Object.fromEntries(Object.entries(defaultModelFiles(ROOT)).map(([p, f]) => [p, `/${f}`]));
  const cfg = { models, text: TEXT, inputs: 400, checkSteps: 60, tolerance: { f32: 1e-4, f16: 1e-4, int8: 5e-3 }, rounds, seconds: 0.25, batches: [4, 8] };
  try {
    return await page.evaluate((c) => window.runBench(c), cfg);
  } catch (e) {
    throw new Error(`page benchmark: ${e.message}${errors.length ? ` (${errors.join('; ')})` : ''}`);
  } finally {
    await page.close();
  }
}

// Milliseconds from navigation to the first segment drawn on the page's canvas (lineTo), in a
// fresh context; also when the first points reached the page (the first 'points' message).
async function firstStroke(browser, webBase) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const lineTo = CanvasRenderingContext2D.prototype.lineTo;
      CanvasRenderingContext2D.prototype.lineTo = function (...a) {
        window.__firstStroke ??= performance.now();
        return lineTo.apply(this, a);
      };
    });
    await page.goto(webBase, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__firstStroke !== undefined, null, { timeout: 60000, polling: 5 });
    return await page.evaluate(() => window.__firstStroke);
  } finally {
    await context.close();
  }
}

async function main() {
  for (const [f, hint] of [['web/dist/hw.wasm', 'make wasm'], ['web/dist/hw-scalar.wasm', 'make wasm'], ['build/bin/hw', 'make build'], [MODEL, 'the shipped model']])
    require(f, hint);
  if (!existsSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm')) || !existsSync(path.join(ROOT, 'node_modules/playwright-core')))
    execSync('npm ci --no-audit --no-fund', { cwd: ROOT, stdio: 'inherit' });
  const { chromium } = await import('playwright-core');
  const rounds = Number(option('--rounds', 7)), strokeRounds = Number(option('--first-stroke-rounds', 9));
  const base = await serve(ROOT), webBase = await serve(path.join(ROOT, 'web'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const out = process.argv.includes('--first-stroke-only') ? {} : await pageBenchmark(browser, base, rounds);
    await firstStroke(browser, webBase);  // warm-up: the browser process and the server's disk cache
    const ms = [];
    for (let r = 0; r < strokeRounds; ++r) ms.push(await firstStroke(browser, webBase));
    out.first_stroke_ms = { median: Math.round(median(ms)), rounds: ms.map(Math.round) };
    const json = option('--json', null);
    if (json) {
      writeFileSync(`${json}.tmp`, `${JSON.stringify(out, null, 1)}\n`);
      renameSync(`${json}.tmp`, json);
      console.log(`wrote ${json}`);
    } else console.log(JSON.stringify(out, null, 1));
  } finally {
    await browser.close();
    for (const p of servers) p.kill();
  }
}

main().catch((e) => {
  console.error(`browser_bench: ${e.message}`);
  for (const p of servers) p.kill();
  process.exit(1);
});
