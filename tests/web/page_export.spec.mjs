// The page writes the same pages as hw sample (issue 22): for the same text, settings and seed, the
// SVG, plotter SVG and G-code the page downloads in Chromium are byte-identical to those of
// `hw sample --text-file`: one driver (shared/page_writer.h) and one set of exports (shared/sheet.h)
// in both. The letter of a few hundred characters is written once for the three downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, readRequired } from './wasm_util.mjs';
import { CHROMIUM, serveWeb, launchChromium } from './browser_util.mjs';

const HW = path.join(ROOT, process.env.BUILD ?? 'build', 'bin/hw');
const MODEL = path.join(ROOT, 'web/models/default.hwm');
const LETTER = readRequired(path.join(ROOT, 'tests/fixtures/letter.txt')).toString('utf8');
let server, base, context, profile, tmp;

before(async () => {
  for (const f of [HW, MODEL, path.join(ROOT, 'web/dist/hw.wasm'), CHROMIUM]) readRequired(f);
  ({ url: base, proc: server } = await serveWeb());
  ({ context, profile } = await launchChromium('hw-export-', { viewport: { width: 1200, height: 860 }, acceptDownloads: true }));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hw-export-'));
});

after(async () => {
  await context?.close();
  server?.kill();
  for (const dir of [profile, tmp]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// hw sample's page export of `text` with these settings, as bytes.
function cli(text, args, out) {
  const file = path.join(tmp, 'text.txt');
  writeFileSync(file, text);
  execFileSync(HW, ['sample', '--model', MODEL, '--text-file', file, ...args, '-o', path.join(tmp, out)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(path.join(tmp, out));
}

async function download(page, id) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
  return readFileSync(await d.path());
}

test('the page\'s SVG, plotter SVG and G-code are hw sample\'s, byte for byte, from one page written once', { timeout: 600000 }, async () => {
  const cut = LETTER.lastIndexOf(' ', 330);
  const text = LETTER.slice(0, cut);
  assert.ok([...text].length > 250 && text.includes('\n\n'), 'a letter of a few hundred characters, in paragraphs');
  const settings = ['--seed', '7', '--bias', '0.75', '--page', 'a5', '--margin', '12', '--x-height', '3', '--line-spacing', '1.2',
    '--align', 'justify', '--pressure', '--feed', '2500', '--pen', 'z'];
  const want = { svg: cli(text, settings, 'p.svg'), plot: cli(text, settings, 'p.plot.svg'), gcode: cli(text, settings, 'p.gcode') };

  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {  // what the worker answers to each export request
    const Base = window.Worker;
    window.hwExported = [];
    window.Worker = class extends Base {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', ({ data }) => data?.type === 'exported' && window.hwExported.push(data.result.written));
      }
    };
  });
  await page.goto(`${base}#speed=instant&seed=7&bias=0.75&align=justify&spacing=1.2&text=${encodeURIComponent(text)}`);
  await page.waitForSelector('body[data-state="done"]', { timeout: 300000 });
  await page.selectOption('[data-export="page"]', 'a5');
  await page.fill('[data-export="margin"]', '12');
  await page.fill('[data-export="x-height"]', '3');
  await page.fill('[data-export="feed"]', '2500');
  await page.selectOption('[data-export="pen"]', 'z');
  await page.check('[data-export="pressure"]');
  const got = { svg: await download(page, '#export-svg'), plot: await download(page, '#export-plot'), gcode: await download(page, '#export-gcode') };
  for (const k of ['svg', 'plot', 'gcode']) {
    assert.ok(want[k].length > 1000, `${k}: hw sample wrote it`);
    assert.ok(got[k].equals(want[k]), `${k}: the page's download is hw sample's (${got[k].length} against ${want[k].length} bytes)`);
  }
  assert.deepEqual(await page.evaluate(() => window.hwExported), [true, false, false], 'written for the first download only');
  assert.deepEqual(errors, []);
  await page.close();
});
