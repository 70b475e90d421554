// Loads the WASM build under node. Emscripten 3.1.6's ES6 output needs __dirname and require as
// globals under node and tries fetch() on a file path (TOOLCHAIN.md, pitfalls 2 and 3): we set the
// two globals and hand it the .wasm bytes ourselves.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'web/dist');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');

// Fails loudly when a file is missing: a missing fixture or build output must never pass.
export function readRequired(file) {
  if (!existsSync(file)) throw new Error(`missing ${path.relative(ROOT, file)} (run make wasm / make fixtures)`);
  return readFileSync(file);
}

export async function loadModule(name = 'hw') {
  globalThis.__dirname ??= DIST;
  globalThis.require ??= createRequire(import.meta.url);
  const wasmBinary = readRequired(path.join(DIST, `${name}.wasm`));
  readRequired(path.join(DIST, `${name}.mjs`));
  const { default: create } = await import(pathToFileURL(path.join(DIST, `${name}.mjs`)).href);
  return create({ wasmBinary });
}

// Loads a model file into a Model handle; throws with the reader's message on failure.
export function loadModel(hw, bytes) {
  const m = new hw.Model();
  const err = m.load(bytes);
  if (err) {
    m.delete();
    throw new Error(err);
  }
  return m;
}

// Runs a generation to the end and returns its points as Float32Arrays of triples: `points`
// (dx, dy, pen) as the core samples them, `positions` (x, y, pen) in data units.
export function generate(hw, model, text, opts, chunk = 64) {
  const g = new hw.Generator(model);
  try {
    const err = g.start(text, opts);
    if (err) throw new Error(err);
    const points = [], positions = [];
    while (!g.done()) {
      g.run(chunk);
      points.push(g.points().slice());
      positions.push(g.positions().slice());
    }
    return { points: concat(points), positions: concat(positions), finished: g.finished(), steps: g.steps(), text: g.text() };
  } finally {
    g.delete();
  }
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
