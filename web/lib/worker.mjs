// The generation worker, shared by the page and every widget on a page. It owns the WASM module
// and the loaded models (by key) and runs generation jobs in small chunks, yielding between
// chunks so that a cancel or a newer request is seen at once.
//
// Requests (main -> worker):
//   {type: 'load', key, url, sameOrigin}     fetch + load a model (progress reported; sameOrigin:
//                                            fetch in mode same-origin, redirects included)
//   {type: 'generate', job, key, lines: [{text, seed}] (prepared text: an unknown character is
//    an error), bias, style: {text, strokes} (a preset, strokes as in its file) | null,
//    greedy, maxSteps, chunk, attention, together, diagnostics}
//    together: all lines are written at once, their network steps taken together (hw.runTogether:
//    one pass over the weights per step for all lines; each line's points are the bits it gets
//    alone). Every line's 'line' message comes first, then 'points' and 'line-end' of the lines
//    interleave; without it the lines are written one after another.
//   {type: 'cancel', job}
//    diagnostics: each point's mixture and window weights are sent too (for the live views); those
//    lines step on their own (run), as runTogether collects none.
//   {type: 'prepare', request, key, text}   typed text through the core's Model.prepareText
//   {type: 'ink', request, text, name}   an ink file (JSONL) through the core's reader (hw.readInkJsonl):
//    {records: [JSON text of each good record], errors: ['NAME:LINE: what']}; needs no model
//   {type: 'layout', request, key, op, args}   the core's long-text layout (shared/layout.h):
//    op 'plan' args {text, width, advance, seed, attempts}: hw.planLines, each line with its seeds
//    (hw.lineSeed per attempt); op 'check' args {text, offset, peaks, finished}: hw.checkLine;
//    op 'place' args {lines: [{text, paragraph, paragraphEnd, positions, attention}], opts}: hw.placeLines
// Replies (worker -> main):
//   {type: 'load-progress', key, loaded, total}  {type: 'loaded', key, info}  {type: 'load-error', key, message}
//   {type: 'line', job, line, text, maxSteps}   a line starts (text: with the priming text)
//   {type: 'points', job, line, positions (Float32Array of x, y, pen lifted: the pen's position in
//    data units from the start of the line, computed by the core), steps, maxSteps,
//    attention (Int32Array: text index the window peaked at per point; when asked for),
//    diagnostics (Float32Array, diagStride floats per point: Generator.diagnostics(); when asked for)}
//   {type: 'line-end', job, line, finished, steps}   {type: 'done', job}   {type: 'error', job, message}
//   {type: 'prepared', request, result: {text, marks, error}}   {type: 'laid-out', request, result}   {type: 'error', request, message}
//   {type: 'unloaded', key}   the model's module failed (a WASM abort): load it again to use it
import { ModelStore, CoreError } from './model_store.mjs';
import { wasmBuild } from './wasm_build.mjs';

// The first chunks of a line are small, so that its first points reach the page as soon as they
// exist; later ones are larger (fewer messages).
const FIRST_CHUNKS = [2, 10];
const CHUNK = 48;

// The WASM module compiles while everything else loads: its fetch and streaming compilation start
// as this worker starts, before the Emscripten glue is even imported, and in parallel with the
// model's fetch. Every instance (a fresh one after a failure) reuses the compiled module. The
// build is the SIMD one where the browser has WebAssembly SIMD, else the scalar one (wasm_build.mjs).
const BUILD = wasmBuild();
const WASM_URL = new URL(`../dist/${BUILD}.wasm`, import.meta.url);
let compiled = null;
function compileWasm() {
  compiled ??= (WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(fetch(WASM_URL, { credentials: 'same-origin' }))
      .catch(() => fetch(WASM_URL).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)))  // a server without application/wasm
    : fetch(WASM_URL).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
  compiled.catch(() => { compiled = null; });  // the next module() tries again
  return compiled;
}
compileWasm();
const glue = import(`../dist/${BUILD}.mjs`);

async function createModule() {
  const [{ default: createHwModule }, wasm] = await Promise.all([glue, compileWasm()]);
  return createHwModule({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then((instance) => receive(instance, wasm));
      return {};
    },
  });
}

const store = new ModelStore(createModule);  // the WASM module; a fresh one after a failure
store.module().catch(() => {});  // start it now; a failure shows when a model is loaded
const models = new Map();        // key -> Promise<{hw, model}>: the model and the module it lives in
const jobs = new Map();          // job id -> job state, run round-robin
let pumping = false;
const tick = new MessageChannel();  // a macrotask that does not wait for timers (setTimeout clamps)

async function fetchBytes(key, url, sameOrigin) {
  const res = await fetch(url, { mode: sameOrigin ? 'same-origin' : 'cors' });
  if (!res.ok) throw new Error(`could not fetch the model (${res.status} ${res.statusText || 'error'}): ${url}`);
  const total = Number(res.headers.get('Content-Length')) || 0;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  let bytes = new Uint8Array(total || 1 << 20);  // grows when the length was unknown or wrong
  let loaded = 0, shown = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > bytes.length) {
      const bigger = new Uint8Array(Math.max(2 * bytes.length, loaded + value.length));
      bigger.set(bytes.subarray(0, loaded));
      bytes = bigger;
    }
    bytes.set(value, loaded);
    loaded += value.length;
    // Progress at most every 1/50 of the file: a message per network chunk kept the page busy.
    if (!total || loaded - shown >= total / 50 || loaded === total) {
      shown = loaded;
      postMessage({ type: 'load-progress', key, loaded, total });
    }
  }
  return bytes.subarray(0, loaded);
}

async function loadModel(key, url, sameOrigin) {
  const [, bytes] = await Promise.all([store.module(), fetchBytes(key, url, sameOrigin)]);
  try {
    return await store.load(bytes);
  } catch (e) {
    throw new Error(`the model file is not usable: ${e.message}`);
  }
}

// A call threw out of module `hw` (not a message from the core): the store retires it, and every
// model loaded in it is forgotten here and in the page's cache, so the next request loads afresh.
function moduleFailed(hw) {
  store.retire(hw);
  for (const [key, p] of models) {
    p.then((entry) => {
      if (entry.hw !== hw || models.get(key) !== p) return;
      models.delete(key);
      postMessage({ type: 'unloaded', key });
    }, () => {});
  }
}

function modelInfo(m) {
  const header = JSON.parse(m.headerJson());
  return {
    kind: m.kind(), alphabet: m.alphabet(), lineHeight: m.lineHeight(), scaleX: m.scaleX(), scaleY: m.scaleY(),
    maxStepsPerChar: m.maxStepsPerChar(), maxTextChars: m.maxTextChars(),
    pointsPerSecond: Number(header.meta?.points_per_second) || 0, header, build: BUILD,
  };
}

function onLoad({ key, url, sameOrigin }) {
  if (!models.has(key)) models.set(key, loadModel(key, url, sameOrigin));
  models.get(key).then(
    ({ model }) => postMessage({ type: 'loaded', key, info: modelInfo(model) }),
    (e) => {
      models.delete(key);  // a later request may try again (e.g. after a network error)
      postMessage({ type: 'load-error', key, message: e.message || String(e) });
    });
}

async function onGenerate(req) {
  const { hw, model } = await (models.get(req.key) ?? Promise.reject(new Error('model not loaded')));
  if (req.cancelled) return;
  if (store.isRetired(hw)) throw new Error('the engine was restarted after a failure: load the model again');
  jobs.set(req.job, { req, hw, model, gens: [], line: -1, runs: 0 });
  pump();
}

// A started generator for line `line` of a job (its 'line' message posted).
function startLine(j, line) {
  const { text, seed } = j.req.lines[line];
  const g = new j.hw.Generator(j.model);
  const opts = { bias: j.req.bias, seed, greedy: !!j.req.greedy, attention: !!j.req.attention, diagnostics: !!j.req.diagnostics };
  if (j.req.maxSteps) opts.maxSteps = j.req.maxSteps;
  if (j.req.style) Object.assign(opts, { primeStrokes: j.req.style.strokes, primeText: j.req.style.text });
  const err = g.start(text, opts);
  if (err) {
    g.delete();
    throw new CoreError(err);
  }
  postMessage({ type: 'line', job: j.req.job, line, text: g.text(), maxSteps: g.maxSteps() });
  return g;
}

// The size of a line's next chunk, after `runs` chunks.
const chunkSize = (j, runs) => (runs < FIRST_CHUNKS.length ? FIRST_CHUNKS[runs] : j.req.chunk || CHUNK);

// Posts the points of generator g's last run (line `line`), then 'line-end' when it is done;
// returns whether it is done.
function postRun(j, line, g) {
  const positions = g.positions().slice();  // copy out of WASM memory before anything else runs
  const msg = { type: 'points', job: j.req.job, line, positions, steps: g.steps(), maxSteps: g.maxSteps() };
  if (j.req.attention) msg.attention = g.attention().slice();
  if (j.req.diagnostics) Object.assign(msg, { diagnostics: g.diagnostics().slice(), diagStride: g.diagnosticsStride() });
  postMessage(msg, [positions.buffer, msg.attention?.buffer, msg.diagnostics?.buffer].filter(Boolean));
  if (!g.done()) return false;
  postMessage({ type: 'line-end', job: j.req.job, line, finished: g.finished(), steps: g.steps() });
  return true;
}

// One chunk of one job; returns false when the job is over. Lines one after another, or all at
// once (together).
function runChunk(j) {
  if (j.req.together) return runTogetherChunk(j);
  if (!j.gens.length) {
    if (++j.line >= j.req.lines.length) return false;
    j.gens = [startLine(j, j.line)];
    j.runs = 0;
  }
  const g = j.gens[0];
  g.run(chunkSize(j, j.runs++));
  if (postRun(j, j.line, g)) {
    g.delete();
    j.gens = [];
    return j.line + 1 < j.req.lines.length;
  }
  return true;
}

function runTogetherChunk(j) {
  if (j.runs === 0) j.req.lines.forEach((_, i) => j.gens.push(Object.assign(startLine(j, i), { line: i })));
  const live = j.gens, n = chunkSize(j, j.runs++);
  if (j.req.diagnostics) live.forEach((g) => g.run(n));  // diagnostics: each on its own
  else j.hw.runTogether(live, n);
  j.gens = live.filter((g) => {
    if (!postRun(j, g.line, g)) return true;
    g.delete();
    return false;
  });
  return j.gens.length > 0;
}

function endJob(id) {
  const j = jobs.get(id);
  j?.gens.forEach((g) => g.delete());
  jobs.delete(id);
}

function pump() {
  if (pumping || !jobs.size) return;
  pumping = true;
  tick.port2.postMessage(0);
}

tick.port1.onmessage = () => {
  pumping = false;
  for (const [id, j] of [...jobs]) {
    try {
      if (!runChunk(j)) {
        endJob(id);
        postMessage({ type: 'done', job: id });
      }
    } catch (e) {
      if (!(e instanceof CoreError)) moduleFailed(j.hw);  // a WASM abort: not this module again
      try {
        endJob(id);
      } catch {
        jobs.delete(id);  // the failed module may fail to free the generator too
      }
      postMessage({ type: 'error', job: id, message: e.message || String(e) });
    }
  }
  pump();
};

async function onPrepare({ request, key, text }) {
  try {
    const { hw, model } = await (models.get(key) ?? Promise.reject(new Error('model not loaded')));
    try {
      postMessage({ type: 'prepared', request, result: model.prepareText(text) });
    } catch (e) {
      moduleFailed(hw);
      throw e;
    }
  } catch (e) {
    postMessage({ type: 'error', request, message: e.message || String(e) });
  }
}

// A line's positions (x, y, pen lifted; data units from its start, as 'points' sends them) as the
// generator's offsets (dx, dy, pen lifted; normalised), which placeLines reads.
function offsets(positions, model) {
  const out = new Float32Array(positions.length), sx = model.scaleX(), sy = model.scaleY();
  for (let i = 0; i + 2 < positions.length; i += 3) {
    out[i] = (positions[i] - (i ? positions[i - 3] : 0)) / sx;
    out[i + 1] = (positions[i + 1] - (i ? positions[i - 2] : 0)) / sy;
    out[i + 2] = positions[i + 2];
  }
  return out;
}

// The core's long-text layout for the page and the widget (lib/long_text.mjs).
async function onLayout({ request, key, op, args }) {
  try {
    const { hw, model } = await (models.get(key) ?? Promise.reject(new Error('model not loaded')));
    let result;
    if (op === 'plan') {
      result = hw.planLines(args.text, { width: args.width, advance: args.advance });
      result.lines.forEach((l, i) => {
        l.seeds = Array.from({ length: args.attempts }, (_, a) => hw.lineSeed(args.seed, i, a));
      });
    } else if (op === 'check') result = hw.checkLine(args.text, args.offset, args.peaks, !!args.finished);
    else if (op === 'place') result = hw.placeLines(model, args.lines.map((l) => ({ ...l, points: offsets(l.positions, model) })), args.opts);
    else throw new Error(`unknown layout operation ${op}`);
    postMessage({ type: 'laid-out', request, result });
  } catch (e) {
    postMessage({ type: 'error', request, message: e.message || String(e) });
  }
}

// An ink file read by the core's reader (shared/ink_jsonl.h): the page has no reader of its own.
async function onInk({ request, text, name }) {
  try {
    const hw = await store.module();
    postMessage({ type: 'ink-read', request, result: hw.readInkJsonl(String(text), String(name)) });
  } catch (e) {
    postMessage({ type: 'error', request, message: e.message || String(e) });
  }
}

const pending = new Map();  // generate requests waiting for their model, by job id

self.onmessage = ({ data }) => {
  if (data.type === 'load') onLoad(data);
  else if (data.type === 'prepare') onPrepare(data);
  else if (data.type === 'layout') onLayout(data);
  else if (data.type === 'ink') onInk(data);
  else if (data.type === 'generate') {
    pending.set(data.job, data);
    onGenerate(data)
      .catch((e) => postMessage({ type: 'error', job: data.job, message: e.message || String(e) }))
      .finally(() => pending.delete(data.job));
  } else if (data.type === 'cancel') {
    const p = pending.get(data.job);
    if (p) p.cancelled = true;
    endJob(data.job);
  }
};
