// Benchmark (not a test: it reports numbers, never fails on time): steps per second of the WASM
// core, SIMD and scalar builds, on a Graves-size synthesis model (3 x 400 LSTM, K = 10, M = 20)
// with random weights written here in the .hwm format. Usage: node bench/web_bench.mjs [steps]
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES } from '../tests/web/wasm_util.mjs';

const ALIGN = 64;
const align = (v) => Math.ceil(v / ALIGN) * ALIGN;

function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; ++k) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

// A synthesis model with the fixture's header (alphabet, norm, variant) and bigger hyperparameters.
function graveSizeModel(fixtureHeader, H = 400, K = 10, M = 20, L = 3) {
  const V = fixtureHeader.hparams.alphabet;
  const shapes = [];
  for (let l = 1; l <= L; ++l) {
    const I = l === 1 ? 3 + V : 3 + H + V;
    shapes.push([`lstm${l}.w_ih`, [4 * H, I]], [`lstm${l}.w_hh`, [4 * H, H]], [`lstm${l}.b`, [4 * H]]);
  }
  shapes.push(['window.w', [3 * K, H]], ['window.b', [3 * K]], ['mdn.w', [6 * M + 1, L * H]], ['mdn.b', [6 * M + 1]]);
  let offset = 0, seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const tensors = shapes.map(([name, shape]) => {
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand);
    const t = { name, dtype: 'f32', shape, offset, nbytes: data.byteLength, data };
    offset = align(offset + data.byteLength);
    return t;
  });
  const header = { ...fixtureHeader, hparams: { ...fixtureHeader.hparams, hidden: H, window: K, mixtures: M, layers: L },
    tensors: tensors.map(({ data, ...t }) => t), blob_bytes: offset };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const blobStart = align(12 + text.length);
  const out = new Uint8Array(blobStart + offset + 4);
  const dv = new DataView(out.buffer);
  out.set([72, 87, 77, 0]);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, text.length, true);
  out.set(text, 12);
  for (const t of tensors) out.set(new Uint8Array(t.data.buffer), blobStart + t.offset);
  dv.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const steps = Number(process.argv[2]) || 2000;
const fixture = readRequired(path.join(FIXTURES, 'synthesis_small.hwm'));
for (const build of ['hw', 'hw-scalar']) {
  const hw = await loadModule(build);
  const small = loadModel(hw, fixture);
  const bytes = graveSizeModel(JSON.parse(small.headerJson()));
  small.delete();
  const model = loadModel(hw, bytes);
  const g = new hw.Generator(model);
  const text = 'the quick brown fox jumps over the lazy dog';
  const run = (n) => {
    let done = 0;
    while (done < n) {
      if (g.done()) g.start(text, { seed: 1, bias: 0.5, maxSteps: 100000 });
      done += g.run(Math.min(256, n - done)) || 0;
    }
  };
  g.start(text, { seed: 1, bias: 0.5, maxSteps: 100000 });
  run(300);  // warm-up: V8's first calls run in the baseline tier
  const t0 = performance.now();
  run(steps);
  const s = (performance.now() - t0) / 1000;
  console.log(`${build.padEnd(9)} 3x400 synthesis: ${Math.round(steps / s)} steps/s (${steps} steps, ${s.toFixed(2)} s)`);
  g.delete();
  model.delete();
}
