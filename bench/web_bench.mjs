// Benchmark (not a test: it reports numbers, never fails on time): steps per second of the WASM
// core in node, SIMD and scalar builds, on the default model as f32, f16 (as shipped) and int8
// files (bench/models.mjs), or with --random on a Graves-size model (3 x 400 LSTM, K = 10, M = 20)
// with random weights written here in the .hwm format (the core keeps each in its precision).
// After a warm-up, rounds interleave the six configurations; the table shows medians.
// Usage: node bench/web_bench.mjs [--random] [--steps N] [--rounds R] [--json FILE]
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { loadModule, loadModel, readRequired, FIXTURES, ROOT } from '../tests/web/wasm_util.mjs';
import { defaultModelFiles } from './models.mjs';

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

// f32 -> IEEE half bits, round to nearest even (finite input), as the C++ writer does.
function toHalf(v) {
  const u = new Uint32Array(Float32Array.of(v).buffer)[0];
  const sign = (u >>> 16) & 0x8000, e = ((u >>> 23) & 0xff) - 127 + 15;
  let m = u & 0x7fffff;
  if (e <= 0) {
    if (e < -10) return sign;
    m |= 0x800000;
    const shift = 14 - e, rem = m & ((1 << shift) - 1), half = 1 << (shift - 1);
    let h = m >>> shift;
    if (rem > half || (rem === half && (h & 1))) ++h;
    return sign | h;
  }
  let h = (e << 10) | (m >>> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) ++h;
  return sign | h;
}

// A tensor's bytes in the file's layout (docs/FORMAT.md): int8 holds matrices only, as [rows] f32
// scales then [rows, cols] values; vectors stay f32.
function encode(data, shape, precision) {
  if (precision === 'f16') return { dtype: 'f16', bytes: new Uint8Array(Uint16Array.from(data, toHalf).buffer) };
  if (precision === 'f32' || shape.length < 2) return { dtype: 'f32', bytes: new Uint8Array(data.buffer) };
  const [rows, cols] = shape, scales = new Float32Array(rows), q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; ++r) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    scales[r] = Math.fround(row.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127);
    row.forEach((v, c) => { q[r * cols + c] = scales[r] > 0 ? Math.max(-127, Math.min(127, Math.round(v / scales[r]))) : 0; });
  }
  const bytes = new Uint8Array(rows * 4 + rows * cols);
  bytes.set(new Uint8Array(scales.buffer));
  bytes.set(new Uint8Array(q.buffer), rows * 4);
  return { dtype: 'int8', bytes };
}

// A synthesis model with the fixture's header (alphabet, norm, variant) and bigger hyperparameters.
function graveSizeModel(fixtureHeader, precision, H = 400, K = 10, M = 20, L = 3) {
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
    const { dtype, bytes } = encode(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), shape, precision);
    const t = { name, dtype, shape, offset, nbytes: bytes.byteLength, bytes };
    offset = align(offset + bytes.byteLength);
    return t;
  });
  const header = { ...fixtureHeader, hparams: { ...fixtureHeader.hparams, hidden: H, window: K, mixtures: M, layers: L },
    tensors: tensors.map(({ bytes, ...t }) => t), blob_bytes: offset };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const blobStart = align(12 + text.length);
  const out = new Uint8Array(blobStart + offset + 4);
  const dv = new DataView(out.buffer);
  out.set([72, 87, 77, 0]);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, text.length, true);
  out.set(text, 12);
  for (const t of tensors) out.set(t.bytes, blobStart + t.offset);
  dv.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const steps = Number(option('--steps', 1000));
const rounds = Number(option('--rounds', 5));
const random = process.argv.includes('--random');
const text = 'the quick brown fox jumps over a lazy dog';  // 41 characters, as bench_native
const fixture = readRequired(path.join(FIXTURES, 'synthesis_small.hwm'));
const files = random ? null : defaultModelFiles(ROOT);

// One generator per build and precision; run(n) takes n steps, starting the line again at its end.
async function makeConfigs() {
  const configs = [];
  for (const build of ['hw', 'hw-scalar']) {
    const hw = await loadModule(build);
    const small = loadModel(hw, fixture);
    const header = JSON.parse(small.headerJson());
    small.delete();
    for (const precision of ['f32', 'f16', 'int8']) {
      const bytes = random ? graveSizeModel(header, precision) : readRequired(path.join(ROOT, files[precision]));
      const model = loadModel(hw, bytes);
      const g = new hw.Generator(model);
      const run = (n) => {
        for (let done = 0; done < n;) {
          if (g.done()) g.start(text, { seed: 1, bias: 0.5, maxSteps: 100000 });
          done += g.run(Math.min(256, n - done)) || 0;
        }
      };
      configs.push({ build, precision, mb: bytes.length / 1e6, run, rates: [] });
    }
  }
  return configs;
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };
const configs = await makeConfigs();
for (const c of configs) c.run(300);  // warm-up: V8's first calls run in the baseline tier
for (let r = 0; r < rounds; ++r) {
  for (const c of configs) {
    const t0 = performance.now();
    c.run(steps);
    c.rates.push(steps / ((performance.now() - t0) / 1000));
  }
}
console.log('build     weights  file MB   steps/s  rounds');
for (const c of configs)
  console.log(`${c.build.padEnd(9)} ${c.precision.padEnd(7)} ${c.mb.toFixed(1).padStart(8)} ${Math.round(median(c.rates)).toString().padStart(9)}  ${c.rates.map(Math.round).join(' ')}`);
const json = JSON.stringify({ model: `synthesis 3x400 K=10 M=20 (${random ? 'random weights' : 'the default model'})`,
  text_chars: text.length, steps, rounds,
  results: configs.map((c) => ({ build: c.build, weights: c.precision, file_bytes: Math.round(c.mb * 1e6), steps_per_s: Math.round(median(c.rates)) })) });
const out = option('--json', null);
if (out) {
  writeFileSync(`${out}.tmp`, `${json}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
} else console.log(json);
