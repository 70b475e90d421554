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
//   {type: 'page', job, key, text (prepared), opts}   a page written by the core's page driver
//    (hw.PageWriter, shared/page_writer.h: plan, first line, re-plan, the rest primed with it,
//    check, rewrite, place; the lines in flight stepped together). opts as PageWriter.start takes
//    them: {seed, bias, diagnostics, primeStrokes, primeText, width, lineSpacing, align}
//   {type: 'export', job, key, text, opts, format, pen}   the page written for paper (opts.paper:
//    {name, margin, xHeight, lineSpacing, align}) by the same driver, then exported as hw sample
//    exports it (PageWriter.exportPage: 'svg', 'plot-svg' or 'gcode'; pen as it takes it). The last
//    written page is kept: another format or pen of the same page is not written again.
//   {type: 'render-svg', request, lines, style, title}   a drawing as SVG by the core's renderer
//    (hw.renderSvg; lines: Float32Arrays of x, y, pen lifted in pixels)
// Replies (worker -> main):
//   {type: 'load-progress', key, loaded, total}  {type: 'loaded', key, info}  {type: 'load-error', key, message}
//   {type: 'line', job, line, text, maxSteps}   a line starts (text: with the priming text)
//   {type: 'points', job, line, positions (Float32Array of x, y, pen lifted: the pen's position in
//    data units from the start of the line, computed by the core), curves (Float32Array: the
//    curves into the points that are final, 6 numbers each, Generator.curves()), steps, maxSteps,
//    attention (Int32Array: text index the window peaked at per point; when asked for),
//    diagnostics (Float32Array, diagStride floats per point: Generator.diagnostics(); when asked for)}
//   {type: 'line-end', job, line, finished, steps}   {type: 'done', job}   {type: 'error', job, message}
//   {type: 'page-events', job, events}   PageWriter.events() after each step (in reading order)
//   {type: 'exported', job, result: {text, error, note, title, width, height, written (this export
//    wrote the page; false: the last page written was the same)}}
//   {type: 'prepared', request, result: {text, marks, error, pageError}}   {type: 'rendered', request, result}
//   {type: 'error', request, message}
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

function modelInfo(hw, m) {
  const header = JSON.parse(m.headerJson());
  return {
    kind: m.kind(), alphabet: m.alphabet(), lineHeight: m.lineHeight(), scaleX: m.scaleX(), scaleY: m.scaleY(),
    maxStepsPerChar: m.maxStepsPerChar(), maxTextChars: m.maxTextChars(),
    pointsPerSecond: Number(header.meta?.points_per_second) || 0, header, build: BUILD,
    ...pageInfo(hw),
  };
}

function onLoad({ key, url, sameOrigin }) {
  if (!models.has(key)) models.set(key, loadModel(key, url, sameOrigin));
  models.get(key).then(
    ({ hw, model }) => postMessage({ type: 'loaded', key, info: modelInfo(hw, model) }),
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
  const curves = g.curves().slice();
  const msg = { type: 'points', job: j.req.job, line, positions, curves, steps: g.steps(), maxSteps: g.maxSteps() };
  if (j.req.attention) msg.attention = g.attention().slice();
  if (j.req.diagnostics) Object.assign(msg, { diagnostics: g.diagnostics().slice(), diagStride: g.diagnosticsStride() });
  postMessage(msg, [positions.buffer, curves.buffer, msg.attention?.buffer, msg.diagnostics?.buffer].filter(Boolean));
  if (!g.done()) return false;
  postMessage({ type: 'line-end', job: j.req.job, line, finished: g.finished(), steps: g.steps() });
  return true;
}

// One chunk of one job; returns false when the job is over. Lines one after another, or all at
// once (together).
function runChunk(j) {
  if (j.req.type === 'page') return runPageChunk(j);
  if (j.req.type === 'export') return runExportChunk(j);
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
  if (j?.writer && j.writer === exported?.writer && !j.writer.done()) {  // an export cancelled half-way
    exported = null;
  }
  if (j?.writer && j.writer !== exported?.writer) {
    j.writer.cancel();
    j.writer.delete();
  }
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

// ---- pages (the core's page driver) ----

// The constants and limits of pages (hw.constants) and the G-code pen presets, for the page's inputs.
function pageInfo(hw) {
  return { constants: hw.constants(), penPresets: { servo: hw.penCommands('servo', 5, 0), z: hw.penCommands('z', 5, 0) } };
}

// A started page writer for a job, or a CoreError with the driver's message.
function startWriter(hw, model, text, opts) {
  const w = new hw.PageWriter(model);
  const err = w.start(text, opts);
  if (err) {
    w.delete();
    throw new CoreError(err);
  }
  return w;
}

// A page job's round: every line in flight steps `n` points; the events go out (their typed
// arrays transferred).
function runPageChunk(j) {
  if (!j.writer) j.writer = startWriter(j.hw, j.model, j.req.text, j.req.opts);
  const err = j.writer.step(chunkSize(j, j.runs++));
  if (err) throw new CoreError(err);
  const events = j.writer.events();
  const buffers = events.flatMap((e) => [e.positions, e.attention, e.curves, e.diagnostics].filter(Boolean).map((a) => a.buffer));
  postMessage({ type: 'page-events', job: j.req.job, events }, buffers);
  return !j.writer.done();
}

// The paper's size by name (hw.paperSize) into the driver's paper settings.
function paperOpts(hw, opts) {
  const paper = { ...opts.paper };
  const size = hw.paperSize(String(paper.name ?? 'a4'));
  if (!size) throw new CoreError(`unknown paper "${paper.name}"`);
  [paper.width, paper.height] = size;
  return { ...opts, paper };
}

let exported = null;  // the last page written for an export: {signature, writer}

// An export job's round: the page written for paper in large steps (nothing to animate), then the
// format asked for; a page already written for the same text, settings and paper is reused.
function runExportChunk(j) {
  const signature = JSON.stringify([j.req.key, j.req.text, j.req.opts]);
  if (!j.writer) {
    if (exported?.signature === signature && exported.writer.done()) j.writer = exported.writer;
    else {
      if (exported) exported.writer.delete();
      exported = null;
      j.writer = startWriter(j.hw, j.model, j.req.text, paperOpts(j.hw, j.req.opts));
      j.wrote = true;
      exported = { signature, writer: j.writer };
    }
  }
  if (!j.writer.done()) {
    const err = j.writer.step(256);
    if (err) throw new CoreError(err);
    j.writer.events();  // nothing is drawn of it
    if (!j.writer.done()) return true;
  }
  const result = j.writer.exportPage(j.req.format, j.req.pen ?? {});
  postMessage({ type: 'exported', job: j.req.job, result: { ...result, written: !!j.wrote } });
  return false;
}

async function onRenderSvg({ request, lines, style, title }) {
  try {
    const hw = await store.module();
    postMessage({ type: 'rendered', request, result: hw.renderSvg(lines, style ?? {}, String(title ?? '')) });
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
  else if (data.type === 'render-svg') onRenderSvg(data);
  else if (data.type === 'ink') onInk(data);
  else if (data.type === 'generate' || data.type === 'page' || data.type === 'export') {
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
