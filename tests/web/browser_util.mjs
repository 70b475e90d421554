// What the browser specs share: Debian's Chromium, the static server of web/, one persistent
// headless context per spec, and where screenshots go.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './wasm_util.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'build/screenshots');

// Starts tools/serve.mjs on web/ at a free port; resolves with {url, proc} (kill proc when done).
export function serveWeb() {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), path.join(ROOT, 'web')], {
      env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], proc });
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

// A headless Chromium context on a fresh profile folder; resolves with {context, profile}
// (close the context and remove the folder when done). `options` adds to the launch options;
// `extraArgs` to Chromium's arguments.
export async function launchChromium(prefix, options = {}, extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
    acceptDownloads: true,
    ...options,
  });
  return { context, profile };
}
