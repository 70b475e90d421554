// The last step of `make bench`: merges the JSON of the parts run just before (native core,
// node WASM, the Chromium page and first stroke, bandwidth) with the committed GPU trainer
// results (bench/results-gpu.json), writes bench/results.json and prints one table (Markdown,
// as README's Performance section shows it). Ratios are taken within one part (one run).
// Usage: node bench/report.mjs BUILD_DIR
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(ROOT, process.argv[2] || 'build');

function readJson(file) {
  if (!existsSync(file)) throw new Error(`missing ${path.relative(ROOT, file)}: run make bench`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${path.relative(ROOT, file)}: ${e.message}`);
  }
}

// Multiply-adds of one step of the default model: one per matrix weight (each read once per step).
function stepCost(header) {
  const macs = header.tensors.filter((t) => t.shape.length === 2).reduce((n, t) => n + t.shape[0] * t.shape[1], 0);
  return { macs, weights: macs };
}

function modelHeader() {
  const b = readFileSync(path.join(ROOT, 'web/models/default.hwm'));
  return JSON.parse(b.subarray(12, 12 + b.readUInt32LE(8)).toString('utf8'));
}

const fmt = (v) => Math.round(v).toLocaleString('en-US');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

// The bandwidth of the smallest measured buffer that holds `bytes` (the cache level they live in).
function bandwidthFor(bw, bytes) {
  const sizes = Object.keys(bw.read_gbps).map(Number).sort((a, b) => a - b);
  const kib = sizes.find((s) => s * 1024 >= bytes) ?? sizes[sizes.length - 1];
  return { kib, gbps: bw.read_gbps[kib] };
}

// Validation NLL after equal updates on the same batches (bench/gpu_quality.sh), and the time from
// scratch to the legibility goal, when results-gpu.json has them.
function gpuQualityRows(gpu, rows) {
  if (gpu.quality?.length) {
    const at = [...new Set(gpu.quality.flatMap((q) => q.curve.map((c) => c.updates)))].sort((a, b) => a - b);
    rows.push('', `| GPU trainer, validation NLL (nats/point) after N updates on the same batches (lr 1e-3 unless the run says) | ${at.map((n) => `N = ${n}`).join(' | ')} |`,
      `| --- | ${at.map(() => '---').join(' | ')} |`);
    for (const q of gpu.quality) {
      const v = Object.fromEntries(q.curve.map((c) => [c.updates, c.valid_nll_per_point.toFixed(3)]));
      rows.push(`| ${q.contender}, ${q.run} | ${at.map((n) => v[n] ?? '').join(' | ')} |`);
    }
  }
  const t = gpu.time_to_quality;
  if (t)
    rows.push('', `Time to quality from scratch (${gpu.machine}): ${(t.training_s / 60).toFixed(1)} min of training (${fmt(t.updates)} updates, batch ${t.batch}; best at ${fmt(t.best_at_updates)}), bias-1 CER ${t.cer_bias1} = ${t.cer_vs_ground_truth}× the ground truth's ${t.ground_truth_cer}.`);
}

// How far the project's best single-line figures are from the limits above.
function distanceRows(native, page, limits, rows) {
  const best = native.results.filter((r) => r.weights === 'int8').sort((a, b) => b.steps_per_s - a.steps_per_s)[0];
  const wasm = page.results.find((r) => r.name === 'project wasm-simd int8');
  const far = (limit, got) => (limit ? `${(limit / got).toFixed(2)}× from` : 'no measure of');
  if (limits.int8 && best)
    rows.push(`- Native int8 (${best.kernels}, ${fmt(best.steps_per_s)} steps/s): ${far(limits.int8.steps_per_s_bandwidth, best.steps_per_s)} the bandwidth limit, ${far(limits.steps_per_s_int_compute_vnni ?? limits.steps_per_s_int_compute_avx2, best.steps_per_s)} its compute limit.`);
  if (limits.int8 && wasm)
    rows.push(`- Chromium WASM SIMD int8 (${fmt(wasm.steps_per_s)} steps/s): ${far(limits.int8.steps_per_s_bandwidth, wasm.steps_per_s)} the bandwidth limit, ${far(limits.steps_per_s_int_compute_128, wasm.steps_per_s)} the 128-bit compute limit.`);
}

function main() {
  const native = readJson(path.join(build, 'bench-native.json'));
  const node = readJson(path.join(build, 'bench-web.json'));
  const page = readJson(path.join(build, 'bench-browser.json'));
  const bwFile = path.join(build, 'bench-bandwidth.json');  // absent where bench_bandwidth is not built
  const bw = existsSync(bwFile) ? readJson(bwFile) : null;
  const gpu = readJson(path.join(ROOT, 'bench/results-gpu.json'));
  const cost = stepCost(modelHeader());
  const rows = [];
  const row = (...cells) => rows.push(`| ${cells.join(' | ')} |`);
  rows.push('| part | contender | weights | batch | steps/s | ratio (within the part) |', '| --- | --- | --- | --- | --- | --- |');

  // The default model is int8; its f32 copy holds the int8 values dequantised (the reference of the
  // integer kernels), its f16 copy those values rounded to half.
  const weights = (w) => (w === 'f32' ? 'f32 (int8 dequantised)' : w);
  const pr = Object.fromEntries(page.results.map((r) => [r.name, r]));
  const base = pr['project wasm-simd int8'].steps_per_s;
  const check = Object.fromEntries(page.checks.map((c) => [c.contender, c]));
  for (const r of page.results.filter((r) => r.batch === 1 && !r.name.includes('generator'))) {
    const [who, w] = [r.name.replace(/ (f32|f16|int8)$/, ''), r.name.split(' ').pop()];
    const same = check[r.name] && !check[r.name].same ? ' (MIXTURES DIFFER)' : '';
    row('Chromium page', who + same, weights(w), 1, fmt(r.steps_per_s), r.name === 'project wasm-simd int8' ? '1 (reference)' : `project SIMD int8 = ${ratio(base, r.steps_per_s)}`);
  }
  for (const B of [4, 8]) {
    const one = pr[`project wasm-simd int8, ${B} generators one after another`].steps_per_s;
    const tog = pr[`project wasm-simd int8, ${B} generators together`].steps_per_s;
    const tf = pr[`TF.js wasm f16, batch ${B}`].steps_per_s;
    row('Chromium page', `project wasm-simd, ${B} lines one after another`, 'int8', B, fmt(one), '1 (reference)');
    row('Chromium page', `project wasm-simd, ${B} lines together`, 'int8', B, fmt(tog), `${ratio(tog, one)} the lines one after another`);
    row('Chromium page', `TF.js wasm, batch ${B}`, 'f16', B, fmt(tf), `project together = ${ratio(tog, tf)}`);
  }
  const nodeBase = node.results.find((r) => r.build === 'hw' && r.weights === 'int8').steps_per_s;
  for (const r of node.results)
    row('node', `project ${r.build === 'hw' ? 'wasm-simd' : 'wasm-scalar'}`, weights(r.weights), 1, fmt(r.steps_per_s), ratio(r.steps_per_s, nodeBase) + ' SIMD int8');
  const natRef = native.results.find((r) => r.weights === 'int8' && r.kernels === 'reference').steps_per_s;
  for (const r of native.results)
    row('native', `project ${r.kernels}${r.same_points ? '' : ' (POINTS DIFFER)'}`, weights(r.weights), 1, fmt(r.steps_per_s), ratio(r.steps_per_s, natRef) + ' reference int8');
  for (const B of [4, 8]) {
    const one = native.batches.results.find((r) => r.lines === B && !r.together).points_per_s;
    const tog = native.batches.results.find((r) => r.lines === B && r.together).points_per_s;
    row('native', `project ${native.batches.kernels}, ${B} lines one after another`, native.batches.weights, B, fmt(one), '1 (reference)');
    row('native', `project ${native.batches.kernels}, ${B} lines together`, native.batches.weights, B, fmt(tog), ratio(tog, one));
  }
  rows.push('');
  rows.push(`Time to first stroke, cold (fresh browser context, 127.0.0.1, navigation to the first segment drawn): median ${page.first_stroke_ms.median} ms (rounds: ${page.first_stroke_ms.rounds.join(', ')}).`);
  rows.push(`Model file sizes (the default model): ${Object.entries(page.file_bytes).map(([p, b]) => `${p} ${(b / 1e6).toFixed(2)} MB`).join(', ')}.`);
  rows.push('', '| GPU trainer (bench/results-gpu.json) | batch | s/update | points/s | vs PyTorch eager |', '| --- | --- | --- | --- | --- |');
  for (const [B, r] of Object.entries(gpu.by_batch))
    for (const [who, v] of Object.entries(r)) rows.push(`| ${gpu.machine}: ${who} | ${B} | ${v.s_per_update.toFixed(3)} | ${fmt(v.points_per_s)} | ${v.speedup_vs_pytorch_eager.toFixed(2)}× |`);

  gpuQualityRows(gpu, rows);

  const limits = {};
  for (const [p, bytesPerWeight] of bw ? [['f32', 4], ['f16', 2], ['int8', 1]] : []) {
    const bytes = cost.weights * bytesPerWeight, b = bandwidthFor(bw, bytes);
    limits[p] = { weight_bytes: bytes, cache_kib: b.kib, read_gbps: b.gbps, steps_per_s_bandwidth: Math.round((b.gbps * 1e9) / bytes) };
  }
  if (bw?.peak_gmacs_avx2) limits.steps_per_s_compute_avx2 = Math.round((bw.peak_gmacs_avx2 * 1e9) / cost.macs);
  if (bw?.peak_int_gmacs_avx2) limits.steps_per_s_int_compute_avx2 = Math.round((bw.peak_int_gmacs_avx2 * 1e9) / cost.macs);
  if (bw?.peak_int_gmacs_sse2) limits.steps_per_s_int_compute_128 = Math.round((bw.peak_int_gmacs_sse2 * 1e9) / cost.macs);
  // vpdpbusd multiplies bytes: the int8 kernels take two products per weight (q's low and high byte).
  if (bw?.peak_vnni_gmacs_avx512) limits.steps_per_s_int_compute_vnni = Math.round((bw.peak_vnni_gmacs_avx512 / 2 * 1e9) / cost.macs);
  rows.push('', `Physical limit per step: ${fmt(cost.macs)} multiply-adds; weights read once per step (batch 1).`, '');
  if (limits.steps_per_s_compute_avx2)
    rows.push(`- Peak multiply-then-add, one core, 256-bit: ${bw.peak_gmacs_avx2.toFixed(1)} GMAC/s → ${fmt(limits.steps_per_s_compute_avx2)} steps/s if compute-bound.`);
  if (limits.steps_per_s_int_compute_avx2)
    rows.push(`- Peak integer multiply-add (pmaddwd then paddd), one core, 256-bit: ${bw.peak_int_gmacs_avx2.toFixed(1)} GMAC/s → ${fmt(limits.steps_per_s_int_compute_avx2)} steps/s if compute-bound (int8, native AVX2).`);
  if (limits.steps_per_s_int_compute_vnni)
    rows.push(`- Peak byte multiply-add (vpdpbusd), one core, 512-bit: ${bw.peak_vnni_gmacs_avx512.toFixed(1)} GMAC/s, two per int8 weight (the input's low and high byte) → ${fmt(limits.steps_per_s_int_compute_vnni)} steps/s if compute-bound (int8, native AVX-512 VNNI).`);
  if (limits.steps_per_s_int_compute_128)
    rows.push(`- Peak integer multiply-add, 128-bit (what i32x4.dot_i16x8_s becomes): ${bw.peak_int_gmacs_sse2.toFixed(1)} GMAC/s → ${fmt(limits.steps_per_s_int_compute_128)} steps/s if compute-bound (int8, WASM SIMD).`);
  for (const p of bw ? ['f32', 'f16', 'int8'] : [])
    rows.push(`- ${p}: ${(limits[p].weight_bytes / 1e6).toFixed(2)} MB per step, read at ${limits[p].read_gbps.toFixed(1)} GB/s (${limits[p].cache_kib} KiB buffer) → ${fmt(limits[p].steps_per_s_bandwidth)} steps/s if bandwidth-bound.`);

  distanceRows(native, page, limits, rows);

  const out = {
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, chromium: page.user_agent },
    note: 'medians of interleaved rounds after warm-up; every ratio within one part (one run)',
    step: cost, limits, bandwidth: bw, native, node, chromium: page, gpu,
  };
  const file = path.join(ROOT, 'bench/results.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(rows.join('\n'));
  console.log(`\nwrote ${path.relative(ROOT, file)}`);
}

try {
  main();
} catch (e) {
  console.error(`bench/report: ${e.message}`);
  process.exit(1);
}
