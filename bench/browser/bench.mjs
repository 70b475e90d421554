// The page benchmark (driven by bench/browser_bench.mjs): in one page, the project's WASM SIMD and
// scalar modules (f32, f16, int8 files of one model), TF.js's wasm backend and a plain-JS
// Float32Array step, all fed the same weights and the same input points (teacher forcing). Each
// contender's mixtures are first checked against the plain-JS step of the same file; then rounds
// interleave the contenders after a warm-up and report medians. Batches: B generators of the
// project (int8, as shipped) run one after another (the baseline) and together (hw.runTogether),
// TF.js with [B, ...] tensors.
import createHw from '/web/dist/hw.mjs';
import createHwScalar from '/web/dist/hw-scalar.mjs';
import { readHwm, codesOf, shapeOf, PlainJsNet, mixtureOf } from './reference.mjs';
import { TfjsNet } from './tfjs_net.mjs';

const median = (v) => { const s = [...v].sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function loadModel(hw, bytes) {
  const m = new hw.Model();
  const err = m.load(bytes);
  if (err) throw new Error(err);
  return m;
}

// The input points: a line the project writes (seed 1), each step fed the point before it.
function inputPoints(hw, model, text, n) {
  const g = new hw.Generator(model);
  const err = g.start(text, { seed: 1, bias: 0.5, maxSteps: n });
  if (err) throw new Error(err);
  const pts = [0, 0, 1];
  while (!g.done() && pts.length < 3 * n) {
    g.run(64);
    pts.push(...g.points());
  }
  g.delete();
  return Float32Array.from(pts);
}

// A teacher-forced contender: reset(), step(i) with input point i, mixture() after a step.
function projectContender(name, hw, model, codes, M) {
  let st = null;
  return {
    name, reset() { st?.delete(); st = new hw.Stepper(model, codes); },
    step(x, i) { st.step(x[3 * i], x[3 * i + 1], x[3 * i + 2], 0); },
    mixture() { return st.mixture().slice(0, 1 + 6 * M); },
  };
}

function plainContender(name, file, codes) {
  const S = shapeOf(file.header);
  let net = null;
  return {
    name, reset() { net = new PlainJsNet(file, codes); },
    step(x, i) { net.step(x[3 * i], x[3 * i + 1], x[3 * i + 2]); },
    mixture() { return mixtureOf(net.y, S.M, S.eosSign); },
  };
}

function tfjsContender(name, tf, file, codes, B) {
  const S = shapeOf(file.header), net = new TfjsNet(tf, file, codes, B), x = new Float32Array(3 * B);
  let y = null;
  return {
    name, batch: B, reset() { net.reset(); },
    step(pts, i) {
      for (let b = 0; b < B; ++b) x.set(pts.subarray(3 * (i + 7 * b), 3 * (i + 7 * b) + 3), 3 * b);
      y = net.step(x);
    },
    mixture() { return mixtureOf(y.subarray(0, 6 * S.M + 1), S.M, S.eosSign); },
  };
}

// The largest difference between two contenders' mixtures over `steps` steps, each parameter
// compared as |a - b| / (1 + |b|) (absolute near 0, relative for large sigmas). The driver's
// tolerance is 1e-4 for f32 and f16 (float32 sums in different orders differ by about 1e-6 here)
// and 5e-3 for int8, whose integer kernels quantise the activations (measured: about 7e-4).
function mixtureDifference(a, b, x, steps) {
  a.reset();
  b.reset();
  let worst = 0;
  for (let i = 0; i < steps; ++i) {
    a.step(x, i);
    b.step(x, i);
    const ma = a.mixture(), mb = b.mixture();
    for (let k = 0; k < mb.length; ++k) {
      const d = Math.abs(ma[k] - mb[k]) / (1 + Math.abs(mb[k]));
      worst = d > worst || Number.isNaN(d) ? d : worst;
    }
  }
  return worst;
}

// B project generators (restarted at the end of their line) run `steps` points each, one after
// another (together = false) or through hw.runTogether; returns points per second.
function generatorContender(name, hw, model, text, B, together) {
  const gens = Array.from({ length: B }, () => new hw.Generator(model));
  let seed = 1;
  const restart = () => gens.forEach((g) => g.done() && g.start(text, { seed: seed++, bias: 0.5, maxSteps: 100000 }));
  return {
    name, batch: B, generator: true, reset() { gens.forEach((g) => g.start(text, { seed: seed++, bias: 0.5, maxSteps: 100000 })); },
    run(steps) {
      let done = 0;
      while (done < steps * B) {
        restart();
        const n = Math.min(64, steps - Math.floor(done / B)) || 1;
        if (together) done += hw.runTogether(gens, n).reduce((a, b) => a + b, 0);
        else for (const g of gens) done += g.run(n);
      }
      return done;
    },
  };
}

// Seconds for `steps` steps of a contender (points for generator contenders: B per step).
function timeSteps(c, x, steps, inputs) {
  c.reset();
  const t0 = performance.now();
  if (c.generator) c.run(steps);
  else for (let i = 0; i < steps; ++i) c.step(x, i % inputs);
  return (performance.now() - t0) / 1000;
}

async function setupTfjs() {
  const tf = window.tf;
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend did not start');
  await tf.ready();
  return { tf, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') };
}

window.runBench = async (cfg) => {
  const { tf, simd, threads } = await setupTfjs();
  const modules = { 'wasm-simd': await createHw(), 'wasm-scalar': await createHwScalar() };
  const bytes = {}, files = {};
  for (const [p, url] of Object.entries(cfg.models)) bytes[p] = await fetchBytes(url), files[p] = readHwm(bytes[p]);
  const S = shapeOf(files.f16.header), codes = codesOf(files.f16.header, cfg.text);
  const hwModels = {};
  for (const [build, hw] of Object.entries(modules))
    for (const p of Object.keys(files)) hwModels[`${build} ${p}`] = { hw, model: loadModel(hw, bytes[p]) };
  const shipped = hwModels['wasm-simd int8'];  // the precision the page loads
  const x = inputPoints(shipped.hw, shipped.model, cfg.text, cfg.inputs + 8 * 7);
  const inputs = Math.min(cfg.inputs, x.length / 3 - 8 * 7);

  const contenders = [], checks = [];
  for (const [key, { hw, model }] of Object.entries(hwModels)) contenders.push(projectContender(`project ${key}`, hw, model, codes, S.M));
  contenders.push(plainContender('plain JS f16', files.f16, codes));
  contenders.push(tfjsContender('TF.js wasm f16', tf, files.f16, codes, 1));
  for (const c of contenders) {
    const p = c.name.split(' ').pop();
    const ref = plainContender(`plain JS ${p}`, files[p], codes);
    const d = mixtureDifference(c, ref, x, cfg.checkSteps);
    const tolerance = cfg.tolerance[p];
    checks.push({ contender: c.name, against: ref.name, steps: cfg.checkSteps, max_difference: d, tolerance, same: d <= tolerance });
  }
  for (const B of cfg.batches) {
    contenders.push(generatorContender(`project wasm-simd int8, ${B} generators one after another`, shipped.hw, shipped.model, cfg.text, B, false));
    contenders.push(generatorContender(`project wasm-simd int8, ${B} generators together`, shipped.hw, shipped.model, cfg.text, B, true));
    contenders.push(tfjsContender(`TF.js wasm f16, batch ${B}`, tf, files.f16, codes, B));
  }
  contenders.splice(contenders.length - 3 * cfg.batches.length, 0,
    generatorContender('project wasm-simd int8, 1 generator', shipped.hw, shipped.model, cfg.text, 1, false));

  // Warm-up, and steps per measurement so that each takes about cfg.seconds.
  for (const c of contenders) {
    timeSteps(c, x, 20, inputs);
    const s = timeSteps(c, x, 40, inputs);
    c.steps = Math.max(20, Math.round((cfg.seconds * 40) / s));
    c.rates = [];
  }
  for (let r = 0; r < cfg.rounds; ++r)
    for (const c of contenders) c.rates.push(((c.batch || 1) * c.steps) / timeSteps(c, x, c.steps, inputs));
  return {
    user_agent: navigator.userAgent, tfjs: { version: tf.version_core, backend: tf.getBackend(), simd, threads },
    model: `synthesis ${S.L}x${S.H} K=${S.K} M=${S.M} V=${S.V}`, text_chars: cfg.text.length, rounds: cfg.rounds,
    file_bytes: Object.fromEntries(Object.entries(bytes).map(([p, b]) => [p, b.length])),
    checks,
    results: contenders.map((c) => ({ name: c.name, batch: c.batch || 1, steps_per_s: Math.round(median(c.rates)),
      rounds: c.rates.map(Math.round) })),
  };
};
