// The scalar build in a browser without WebAssembly SIMD: Chromium with SSE4.1 switched off in V8
// (which then refuses SIMD, as on an old CPU) loads hw-scalar.wasm, never hw.wasm, and writes the
// same points as a Chromium with SIMD writes with hw.wasm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, readRequired } from './wasm_util.mjs';
import { CHROMIUM, serveWeb, launchChromium } from './browser_util.mjs';

let server, base;
before(async () => {
  for (const f of ['web/dist/hw.wasm', 'web/dist/hw-scalar.wasm', 'web/models/default.hwm']) readRequired(path.join(ROOT, f));
  readRequired(CHROMIUM);
  ({ url: base, proc: server } = await serveWeb());
});
after(() => server?.kill());

// Writes one page in a fresh Chromium (with `extraArgs`): the .wasm files it fetched and the
// positions of each written line, as bits.
async function writeIn(extraArgs) {
  const { context, profile } = await launchChromium('hw-scalar-', {}, extraArgs);
  try {
    const wasm = [];
    context.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(path.basename(new URL(r.url()).pathname)));
    const page = await context.newPage();
    await page.goto(`${base}#text=${encodeURIComponent('one line, then two')}&seed=5&speed=instant`);
    await page.waitForSelector('body[data-state="done"]', { timeout: 120000 });
    const lines = await page.evaluate(() => document.getElementById('ink').longText.lines.map((l) =>
      Array.from(new Uint32Array(Float32Array.from(l.positions).buffer))));
    return { wasm, lines };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

test('without WebAssembly SIMD the page loads hw-scalar.wasm and writes the bits of hw.wasm', async () => {
  const simd = await writeIn([]);
  const scalar = await writeIn(['--js-flags=--no-enable-sse4-1']);
  assert.deepEqual(simd.wasm, ['hw.wasm']);
  assert.deepEqual(scalar.wasm, ['hw-scalar.wasm']);
  assert.ok(simd.lines.length >= 1 && simd.lines[0].length > 50, 'a line was written');
  assert.deepEqual(scalar.lines, simd.lines);
});
