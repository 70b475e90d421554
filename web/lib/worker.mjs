// The generation worker, shared by the page and every widget on a page. It owns the WASM module
// and the loaded models (by key) and runs generation jobs in small chunks, yielding between
// chunks so that a cancel or a newer request is seen at once.
//
// Requests (main -> worker):
//   {type: 'load', key, url, sameOrigin}     fetch + load a model (progress reported; sameOrigin:
//                                            fetch in mode same-origin, redirects included)
//   {type: 'generate', job, key, lines: [{text, seed}] (prepared text: an unknown character is
//    an error), bias, style: {text, strokes} (a preset, strokes as in its file) | null,
//    greedy, maxSteps, chunk, attention}
//   {type: 'cancel', job}
//   {type: 'prepare', request, key, text}   typed text through the core's Model.prepareText
// Replies (worker -> main):
//   {type: 'load-progress', key, loaded, total}  {type: 'loaded', key, info}  {type: 'load-error', key, message}
//   {type: 'line', job, line, text, maxSteps}   a line starts (text: with the priming text)
//   {type: 'points', job, line, positions (Float32Array of x, y, pen lifted: the pen's position in
//    data units from the start of the line, computed by the core), steps, maxSteps,
//    attention (Int32Array: text index the window peaked at per point; when asked for)}
//   {type: 'line-end', job, line, finished, steps}   {type: 'done', job}   {type: 'error', job, message}
//   {type: 'prepared', request, result: {text, marks, error}}   {type: 'error', request, message}
//   {type: 'unloaded', key}   the model's module failed (a WASM abort): load it again to use it
import createHwModule from '../dist/hw.mjs';
import { ModelStore, CoreError } from './model_store.mjs';

const FIRST_CHUNK = 12;  // small first chunk: ink appears at once
const CHUNK = 48;

const store = new ModelStore(() => createHwModule());  // the WASM module; a fresh one after a failure
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
  const parts = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    postMessage({ type: 'load-progress', key, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let k = 0;
  for (const p of parts) {
    bytes.set(p, k);
    k += p.length;
  }
  return bytes;
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
    kind: m.kind(), alphabet: m.alphabet(), lineHeight: m.lineHeight(),
    maxStepsPerChar: m.maxStepsPerChar(), maxTextChars: m.maxTextChars(),
    pointsPerSecond: Number(header.meta?.points_per_second) || 0, header,
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
  jobs.set(req.job, { req, hw, model, gen: null, line: -1, sent: 0 });
  pump();
}

// Starts the next line of a job; returns false when the job has no more lines.
function nextLine(j) {
  if (j.gen) j.gen.delete();
  j.gen = null;
  if (++j.line >= j.req.lines.length) return false;
  const { text, seed } = j.req.lines[j.line];
  const g = new j.hw.Generator(j.model);
  const opts = { bias: j.req.bias, seed, greedy: !!j.req.greedy, attention: !!j.req.attention };
  if (j.req.maxSteps) opts.maxSteps = j.req.maxSteps;
  if (j.req.style) Object.assign(opts, { primeStrokes: j.req.style.strokes, primeText: j.req.style.text });
  const err = g.start(text, opts);
  if (err) {
    g.delete();
    throw new CoreError(err);
  }
  j.gen = g;
  j.sent = 0;
  postMessage({ type: 'line', job: j.req.job, line: j.line, text: g.text(), maxSteps: g.maxSteps() });
  return true;
}

// One chunk of one job; returns false when the job is over.
function runChunk(j) {
  if (!j.gen && !nextLine(j)) return false;
  const n = j.gen.run(j.sent === 0 ? FIRST_CHUNK : j.req.chunk || CHUNK);
  j.sent += n;
  const positions = j.gen.positions().slice();  // copy out of WASM memory before anything else runs
  const msg = { type: 'points', job: j.req.job, line: j.line, positions, steps: j.gen.steps(), maxSteps: j.gen.maxSteps() };
  if (j.req.attention) msg.attention = j.gen.attention().slice();
  postMessage(msg, msg.attention ? [positions.buffer, msg.attention.buffer] : [positions.buffer]);
  if (j.gen.done()) {
    postMessage({ type: 'line-end', job: j.req.job, line: j.line, finished: j.gen.finished(), steps: j.gen.steps() });
    return nextLine(j);
  }
  return true;
}

function endJob(id) {
  const j = jobs.get(id);
  if (j?.gen) j.gen.delete();
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

const pending = new Map();  // generate requests waiting for their model, by job id

self.onmessage = ({ data }) => {
  if (data.type === 'load') onLoad(data);
  else if (data.type === 'prepare') onPrepare(data);
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
