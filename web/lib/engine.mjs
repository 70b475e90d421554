// The main-thread side of the generation worker. One worker and one copy of each model per page:
// the page and every <handwriting-synth> on it share them through this module's cache (module
// scope, not window globals).
let worker = null;
const models = new Map();    // absolute model URL -> {promise, listeners}
const jobs = new Map();      // job id -> callbacks
let nextJob = 1;
const requests = new Map();  // request id -> {resolve, reject}: one-off questions to the worker
let nextRequest = 1;

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module', name: 'handwriting-synth' });
  worker.onmessage = ({ data }) => {
    if (data.job !== undefined) onJobMessage(data);
    else if (data.request !== undefined) onRequestMessage(data);
    else onModelMessage(data);
  };
  worker.onerror = (e) => {
    // A worker that cannot start (module error, blocked by CSP) fails every request with the reason.
    const message = `the handwriting engine could not start${e.message ? `: ${e.message}` : ''}`;
    for (const m of models.values()) m.reject?.(new Error(message));
    for (const [id, j] of jobs) {
      jobs.delete(id);
      j.onError?.(message);
    }
    for (const [id, r] of requests) {
      requests.delete(id);
      r.reject(new Error(message));
    }
    e.preventDefault?.();
  };
  return worker;
}

function onModelMessage(d) {
  const m = models.get(d.key);
  if (!m) return;
  if (d.type === 'load-progress') m.listeners.forEach((f) => f(d.loaded, d.total));
  else if (d.type === 'loaded') m.resolve(d.info);
  else if (d.type === 'unloaded') models.delete(d.key);  // its module failed: the next call reloads it
  else if (d.type === 'load-error') {
    models.delete(d.key);  // let a later call retry
    m.reject(new Error(d.message));
  }
}

function onJobMessage(d) {
  const j = jobs.get(d.job);
  if (!j) return;  // cancelled: late messages are dropped here
  if (d.type === 'line') j.onLine?.(d);
  else if (d.type === 'points') j.onPoints?.(d);
  else if (d.type === 'line-end') j.onLineEnd?.(d);
  else if (d.type === 'page-events') j.onEvents?.(d.events);
  else if (d.type === 'exported') j.onExported?.(d.result);
  else if (d.type === 'done') {
    jobs.delete(d.job);
    j.onDone?.();
  } else if (d.type === 'error') {
    jobs.delete(d.job);
    j.onError?.(d.message);
  }
}

function onRequestMessage(d) {
  const r = requests.get(d.request);
  if (!r) return;
  requests.delete(d.request);
  if (d.type === 'error') r.reject(new Error(d.message));
  else r.resolve(d.result);
}

// The absolute URL of a model or style file, or an error when it is on another origin than the
// page: a link (the page's ?model=) or a copied embed must not make a visitor's browser fetch a
// file from anywhere. Only an embedding page may opt in (the widget's allow-cross-origin).
export function modelUrl(url, { allowCrossOrigin = false } = {}) {
  const abs = new URL(url, document.baseURI);
  if (allowCrossOrigin || abs.origin === location.origin) return abs.href;
  throw new Error(`${abs.href} is on another origin than this page (${location.origin}); models load only ` +
    'from the page\'s own origin, unless a <handwriting-synth> element has the allow-cross-origin attribute');
}

// Loads (once per URL) a model in the worker; resolves with its info, rejects with the reader's
// message. A URL on another origin is refused before any fetch unless options.allowCrossOrigin.
export function loadModel(url, onProgress, options) {
  let key;
  try {
    key = modelUrl(url, options);
  } catch (e) {
    return Promise.reject(e);
  }
  let m = models.get(key);
  if (!m) {
    m = { listeners: new Set() };
    m.promise = new Promise((resolve, reject) => Object.assign(m, { resolve, reject }));
    models.set(key, m);
    // sameOrigin: the worker fetches in mode same-origin, so no redirect leads elsewhere either.
    getWorker().postMessage({ type: 'load', key, url: key, sameOrigin: !options?.allowCrossOrigin });
  }
  if (onProgress) m.listeners.add(onProgress);
  return m.promise.finally(() => onProgress && m.listeners.delete(onProgress));
}

// Starts writing lines [{text, seed}] with a loaded model, in the hand of `style` (a preset as its
// file holds it, {text, strokes}: the core reads the strokes) or none. Callbacks: onLine,
// onPoints ({line, positions, attention, steps, maxSteps}), onLineEnd, onDone, onError. Returns
// {cancel()}; after cancel no callback fires.
export function generate(url, request, callbacks) {
  return startJob({ type: 'generate', key: new URL(url, document.baseURI).href, ...request }, callbacks);
}

// Typed text as the core prepares it for a loaded model (its typography table and its policy for
// characters the model cannot write; the page keeps no copy of either): resolves with
// {text, marks: [{index, ch, action: 'replaced' | 'skipped', with}], error}.
export function prepareText(url, text) {
  const key = new URL(url, document.baseURI).href;
  const request = nextRequest++;
  return new Promise((resolve, reject) => {
    requests.set(request, { resolve, reject });
    getWorker().postMessage({ type: 'prepare', request, key, text });
  });
}

// A page written by the core's page driver in the worker (worker.mjs 'page'): text prepared
// (prepareText), opts as hw.PageWriter.start takes them. Callbacks: onEvents (PageWriter.events(),
// in reading order), onDone, onError. Returns {cancel()}; after cancel no callback fires.
export function writePageJob(url, text, opts, callbacks) {
  return startJob({ type: 'page', key: new URL(url, document.baseURI).href, text, opts }, callbacks);
}

// The page written for paper and exported by the core as hw sample exports it (worker.mjs
// 'export'): resolves with {text, error, note, title}. The worker keeps the last page written, so
// another format of the same page is not written again.
export function exportPage(url, text, opts, format, pen) {
  return new Promise((resolve, reject) => {
    startJob({ type: 'export', key: new URL(url, document.baseURI).href, text, opts, format, pen },
      { onExported: resolve, onError: (m) => reject(new Error(m)) });
  });
}

function startJob(message, callbacks) {
  const job = nextJob++;
  jobs.set(job, callbacks);
  getWorker().postMessage({ ...message, job });
  return {
    job,
    cancel() {
      if (!jobs.delete(job)) return;
      worker.postMessage({ type: 'cancel', job });
    },
  };
}

// A drawing as SVG by the core's renderer (hw.renderSvg): lines of (x, y, pen lifted) in pixels.
export function renderSvg(lines, style, title) {
  const request = nextRequest++;
  return new Promise((resolve, reject) => {
    requests.set(request, { resolve, reject });
    getWorker().postMessage({ type: 'render-svg', request, lines, style, title });
  });
}

// An ink file's text (JSONL, docs/INK.md) read by the core's reader in the worker: resolves with
// {records: [JSON text of each good record], errors: ['NAME:LINE: what']}.
export function readInk(text, name) {
  const request = nextRequest++;
  return new Promise((resolve, reject) => {
    requests.set(request, { resolve, reject });
    getWorker().postMessage({ type: 'ink', request, text, name });
  });
}

// Loads a style file ({styles: [{name, text, strokes}]}); a missing or broken file gives [], and
// so does one on another origin (not fetched) unless options.allowCrossOrigin.
const styleFiles = new Map();
export function loadStyles(url, options) {
  let key;
  try {
    key = modelUrl(url, options);
  } catch {
    return Promise.resolve([]);
  }
  if (!styleFiles.has(key)) {
    styleFiles.set(key, fetch(key, { mode: options?.allowCrossOrigin ? 'cors' : 'same-origin' })
      .then((r) => (r.ok ? r.json() : { styles: [] }))
      .then((j) => (Array.isArray(j.styles) ? j.styles.filter(validStyle) : []))
      .catch(() => []));
  }
  return styleFiles.get(key);
}

function validStyle(s) {
  return s && typeof s.name === 'string' && typeof s.text === 'string' && Array.isArray(s.strokes) && s.strokes.length > 0;
}

// The preset a `hand` attribute or a link names: its name ("Neat cursive") or one of its aliases
// (the font-and-slant name of earlier releases, "cursive, slant 0.18", or the font, "cursive"), in
// any case; "random" or nothing picks none. For style files without aliases, the font is the part
// of the name before a comma. An unknown name gives {style: null, error} naming the hands there are.
export function findStyle(styles, hand) {
  const want = String(hand ?? '').trim().toLowerCase();
  if (want === '' || want === 'random') return { style: null, error: '' };
  const names = (s) => [s.name, ...(Array.isArray(s.aliases) ? s.aliases : []), s.name.split(',')[0].trim()];
  const style = styles.find((s) => names(s).some((n) => String(n).toLowerCase() === want));
  if (style) return { style, error: '' };
  const known = styles.length ? `${styles.map((s) => s.name).join(', ')} or random` : 'only random (it has no style presets)';
  return { style: null, error: `Unknown hand “${hand}”: this model has ${known}; writing in a random hand.` };
}
