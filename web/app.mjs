// The page: text in, handwriting out. Generation runs in the shared worker (lib/engine.mjs), the
// drawing in lib/ink_canvas.mjs; this file wires the controls, the URL hash and the messages together.
// The Model menu (lib/models_menu.mjs) picks a shipped network or the visitor's own file; the Style
// menu holds the model's presets and the visitor's own hands (lib/own_styles.mjs, lib/hands_ui.mjs).
// Text is planned into lines for the canvas width and written in one hand (lib/long_text.mjs), with
// the live views (lib/views.mjs) and the page exports (lib/export.mjs).
import { loadModel, generate, loadStyles, findStyle } from './lib/engine.mjs';
import { describeMarks, MAX_LINE_CHARS } from './lib/text.mjs';
import { SHIPPED, DEFAULT_MODEL, LOCAL, shippedModel, fillModelMenu, showLocalModel, describeModel } from './lib/models_menu.mjs';
import { OwnHands, OWN_PREFIX } from './lib/own_styles.mjs';
import { setupHands } from './lib/hands_ui.mjs';
import { PageInkView, planPage, writePage, handFor, pageWidth } from './lib/long_text.mjs';
import { ViewPanel, bindViews } from './lib/views.mjs';
import { bindExports, saveBlob as download } from './lib/export.mjs';

const $ = (id) => document.getElementById(id);
const el = {
  form: $('form'), text: $('text'), marks: $('marks'), write: $('write'), stop: $('stop'), error: $('error'),
  canvas: $('ink'), attention: $('attention'), progress: $('progress'), status: $('status'), svg: $('svg'), png: $('png'), link: $('link'),
  bias: $('bias'), biasOut: $('bias-out'), style: $('style'), speed: $('speed'), width: $('width'),
  widthOut: $('width-out'), color: $('color'), seed: $('seed'), dice: $('dice'), about: $('about'),
  model: $('model'), modelFile: $('model-file'), modelNote: $('model-note'), textNote: $('text-note'),
  record: $('record'), handImport: $('hand-import'), handFile: $('hand-file'), handTools: $('hand-tools'),
  handName: $('hand-name'), handNote: $('hand-note'), handExport: $('hand-export'), handDelete: $('hand-delete'), dialog: $('recorder'),
  prompt: $('rec-prompt'), recText: $('rec-text'), recCanvas: $('rec-canvas'), recUndo: $('rec-undo'),
  recClear: $('rec-clear'), recNext: $('rec-next'), recCancel: $('rec-cancel'), recDone: $('rec-done'),
};

// ?model=URL loads another model of this origin (as before the Model menu); the hash's model=NAME
// picks a shipped one.
const query = new URLSearchParams(location.search);
const QUERY_MODEL = query.get('model');
let model = QUERY_MODEL ? { name: 'link', url: QUERY_MODEL } : { name: DEFAULT_MODEL, url: shippedModel(DEFAULT_MODEL).file };
const stylesUrl = (url) => `${url.replace(/\.hwm$/i, '')}.styles.json`;

const view = new PageInkView(el.canvas, { maxLineChars: MAX_LINE_CHARS });
const hands = new OwnHands();
let info = null;      // the model's info once loaded
let styles = [];      // style presets (may be empty: only "random")
let available = [DEFAULT_MODEL];  // shipped models on this server
let job = null;       // the generation in progress
let lastText = '';    // the text of the current drawing (its accessible label)
let lastHash = '';

function setState(state, message) {
  document.body.dataset.state = state;
  if (message !== undefined) el.status.textContent = message;
}

function showError(message) {
  el.error.hidden = !message;
  el.error.textContent = message || '';
}

// ---- settings <-> URL hash ----
function settings() {
  const s = {
    text: el.text.value, bias: Number(el.bias.value), style: el.style.value, seed: Number(el.seed.value) >>> 0,
    speed: el.speed.value, width: Number(el.width.value), color: el.color.value,
  };
  // A link names a shipped model by its short name; the default and a local file are not named.
  if (shippedModel(model.name) && model.name !== DEFAULT_MODEL) s.model = model.name;
  // The page's layout and views, when not the defaults.
  if ($('align').value !== 'left') s.align = $('align').value;
  if (Number($('line-spacing').value) !== 1) s.spacing = Number($('line-spacing').value);
  const on = viewBoxes().filter((b) => b.checked).map((b) => b.dataset.view);
  if (on.length) s.views = on.join(',');
  return s;
}

const viewBoxes = () => [...document.querySelectorAll('input[data-view]')];

// Alignment, line spacing and the views a link names (unknown values are ignored).
function applyLayout(p) {
  if (p.has('align') && [...$('align').options].some((o) => o.value === p.get('align'))) $('align').value = p.get('align');
  const spacing = Number(p.get('spacing'));
  if (p.has('spacing') && spacing >= 0.5 && spacing <= 5) $('line-spacing').value = String(spacing);
  if (!p.has('views')) return;
  const want = new Set(p.get('views').split(','));
  for (const b of viewBoxes()) {
    if (b.checked === want.has(b.dataset.view)) continue;
    b.checked = !b.checked;
    b.dispatchEvent(new Event('change'));
  }
}

function applySettings(p) {
  if (p.has('text')) el.text.value = p.get('text');
  if (p.has('bias') && Number.isFinite(Number(p.get('bias')))) el.bias.value = p.get('bias');
  if (p.has('seed') && Number.isFinite(Number(p.get('seed')))) el.seed.value = Number(p.get('seed')) >>> 0;
  if (p.has('speed') && [...el.speed.options].some((o) => o.value === p.get('speed'))) el.speed.value = p.get('speed');
  if (p.has('width') && Number.isFinite(Number(p.get('width')))) el.width.value = p.get('width');
  if (p.has('color') && /^#[0-9a-f]{6}$/i.test(p.get('color'))) el.color.value = p.get('color');
  if (p.has('style')) el.style.dataset.wanted = p.get('style');
  applyLayout(p);
  selectWantedStyle();
  syncOutputs();
}

// A link names a preset by its name or by an alias (the names of earlier releases still work), or
// one of this browser's own hands (own:ID).
function selectWantedStyle() {
  const want = el.style.dataset.wanted;
  if (!want) return;
  if (want.toLowerCase() === 'random') el.style.value = 'random';
  if (want.startsWith(OWN_PREFIX) && hands.get(want.slice(OWN_PREFIX.length))) el.style.value = want;
  const { style } = findStyle(styles, want);
  if (style) el.style.value = style.name;
  handsUi.sync();
}

// The Style menu: Random, the model's presets, then the visitor's own hands.
function fillStyles() {
  const keep = el.style.value;
  el.style.replaceChildren(new Option('Random', 'random'));
  for (const st of styles) el.style.append(new Option(st.name, st.name));
  const own = hands.list();
  if (own.length) {
    const group = document.createElement('optgroup');
    group.label = 'Your hands';
    for (const h of own) group.append(new Option(h.name, OWN_PREFIX + h.id));
    el.style.append(group);
  }
  el.style.value = [...el.style.options].some((o) => o.value === keep) ? keep : 'random';
}

// The priming ink for a Style menu value ({text, strokes}, or null): an own hand as chosen; a
// preset by its name; "random": one preset, drawn by the seed, for the whole text (handFor).
function styleOf(value, seed) {
  if (value.startsWith(OWN_PREFIX)) {
    const h = hands.get(value.slice(OWN_PREFIX.length));
    return h ? { text: h.text, strokes: h.strokes } : null;
  }
  return handFor(styles, value, seed);
}

function hashOf(s) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) p.set(k, String(v));
  return `#${p.toString()}`;
}

function updateHash() {
  lastHash = hashOf(settings());
  if (location.hash !== lastHash) history.replaceState(null, '', lastHash);
}

function syncOutputs() {
  el.biasOut.textContent = Number(el.bias.value).toFixed(2);
  el.widthOut.textContent = `${Number(el.width.value)} px`;
  view.setStyle({ color: el.color.value, width: Number(el.width.value) });
  view.setSpeed(el.speed.value === 'instant' || matchMedia('(prefers-reduced-motion: reduce)').matches ? Infinity : Number(el.speed.value));
}

// ---- characters the model cannot write ----
function showMarks(text, marks, extra = '') {
  el.marks.replaceChildren();
  if (!marks.length && !extra) {
    el.marks.hidden = true;
    return;
  }
  el.marks.hidden = false;
  if (marks.length) {
    el.marks.append(describeMarks(marks));
    const preview = document.createElement('span');
    preview.className = 'preview';
    const at = new Map(marks.map((m) => [m.index, m]));
    [...text].forEach((ch, i) => {
      const m = at.get(i);
      if (!m) return preview.append(ch);
      const mark = document.createElement('mark');
      mark.className = m.action;
      mark.textContent = ch;
      mark.title = m.action === 'replaced' ? `written as “${m.with}”` : 'skipped: the model cannot write it';
      preview.append(mark);
    });
    el.marks.append(preview);
  }
  if (extra) el.marks.append(document.createTextNode(` ${extra}`));
}

// ---- writing ----
let writing = 0;  // counts requests: a text preparation that answers after a newer request is dropped
const writesText = () => info?.kind === 'synthesis';

function cancel() {
  ++writing;
  if (job) job.cancel();
  job = null;
  el.stop.disabled = true;
}

// Has the core prepare the typed text (in the worker), shows what it changed, then writes it.
async function write() {
  if (!info) return;
  cancel();
  const asked = writing;
  showError('');
  const s = settings();
  updateHash();
  if (!writesText()) {
    showMarks('', []);
    // An unconditional network: one line of ink, no text.
    const lines = [{ text: '', seed: s.seed >>> 0 }];
    return startWriting(s, { lines, width: pageWidth(el.canvas, info.lineHeight) });
  }
  let plan;
  try {
    plan = await planLong(s.text, s.seed);
  } catch (e) {
    if (asked === writing) failed(e.message);
    return;
  }
  if (asked !== writing) return;  // a newer request, or Stop, came first
  showMarks(s.text, plan.marks, plan.error);
  if (plan.error) return setState('refused', plan.error);
  startWriting(s, plan);
}

function failed(message) {
  job = null;
  el.stop.disabled = true;
  view.end();
  showError(`Writing failed: ${message}`);
  setState('error', 'Writing failed.');
}

// Starts the worker on the planned lines; the pen follows as points arrive.
function startWriting(s, plan) {
  const lines = plan.lines;
  lastText = writesText() ? lines.map((l) => l.text).join(' ') : 'handwriting-like scribble';
  el.canvas.setAttribute('aria-label', `Handwritten: ${lastText}`);
  view.setPage({ width: plan.width, spacing: pageSpacing(), lines });
  view.reset(lines.length);
  el.svg.disabled = el.png.disabled = true;
  el.stop.disabled = false;
  const style = styleOf(s.style, s.seed);
  setState('writing', lines.length > 1 ? `Writing line 1 of ${lines.length}…` : 'Writing…');
  el.attention.textContent = '';
  const current = writesText() ? writeLong(s, plan, style, follow(lines))
    : generate(model.url, { lines, bias: s.bias, style, attention: false }, follow(lines));
  job = current;
  view.onDrawn = () => {
    if (job && job !== current) return;
    el.stop.disabled = true;
    el.svg.disabled = el.png.disabled = false;
    const n = view.total();
    setState('done', `Done: ${lines.length} line${lines.length > 1 ? 's' : ''}, ${n} points.`);
  };
}

// The callbacks of one generation: the pen, the status line, the attention strip and the bar,
// which follows the pen (the generated share times the share of it already drawn).
function follow(lines) {
  let linesDone = 0;
  let generated = 0;  // share of the generation done, 0..1
  const lineTexts = [];  // per line: [the text the model saw, code points of priming text before it]
  view.onFrame = ({ drawn, total, at }) => {
    el.progress.value = total ? generated * (drawn / total) : 0;
    showAttention(at && lineTexts[at.line], at);
  };
  return {
    onLine: (d) => {
      lineTexts[d.line] = [[...d.text], [...d.text].length - [...lines[d.line].text].length];
      if (lines.length > 1) el.status.textContent = `Writing line ${d.line + 1} of ${lines.length}…`;
    },
    onPoints: (d) => {
      view.addPoints(d.line, d.positions, d.attention);
      generated = (linesDone + Math.min(1, d.steps / Math.max(1, d.maxSteps))) / lines.length;
    },
    onLineEnd: () => {
      ++linesDone;
      generated = linesDone / lines.length;
    },
    onDone: () => {
      job = null;
      view.end();  // Stop stays available until the pen has caught up
    },
    onError: failed,
  };
}

// The line being written with the character under the attention window's peak marked: a live
// view of what the network is "reading" as it writes (the priming text is not shown).
let shownAttention = '';
function showAttention(line, at) {
  if (!line) return;
  const [chars, offset] = line;
  const u = at.index - offset;
  const key = `${at.line}:${u}`;
  if (key === shownAttention) return;
  shownAttention = key;
  const own = chars.slice(offset);
  const b = document.createElement('b');
  b.textContent = u >= 0 && u < own.length ? own[u] : ' ';
  el.attention.replaceChildren(own.slice(0, Math.max(0, u)).join(''), b, own.slice(Math.max(0, u + 1)).join(''));
}

function stop() {
  cancel();
  view.halt();
  setState('done', 'Stopped.');
  el.svg.disabled = el.png.disabled = false;
}

// ---- downloads ----

async function copyLink() {
  updateHash();
  try {
    await navigator.clipboard.writeText(location.href);
    el.status.textContent = 'Link copied: it reproduces this drawing.';
  } catch {
    el.status.textContent = `Link: ${location.href}`;
  }
}

// ---- models ----
let localUrl = null;  // the object URL of the visitor's own model file, while it is in use

// Loads a model {name, url, label?} and makes it the page's; resolves true when it is in use.
// A model that cannot be loaded leaves the previous one in place (when there is one).
async function useModel(next, { styleFile = true } = {}) {
  cancel();
  el.write.disabled = true;
  setState('loading', 'Loading the model…');
  el.progress.removeAttribute('value');
  const stylesPromise = styleFile ? loadStyles(stylesUrl(next.url)) : Promise.resolve([]);
  let nextInfo;
  try {
    nextInfo = await loadModel(next.url, (loaded, total) => {
      if (total) el.progress.value = loaded / total;
      el.status.textContent = total ? `Loading the model… ${Math.round((100 * loaded) / total)}%` : `Loading the model… ${Math.round(loaded / 1024)} KB`;
    });
  } catch (e) {
    el.progress.value = 0;
    showError(`${next.label ? `“${next.label}” is not a model this page can use` : 'The model could not be loaded'}: ${e.message}`);
    el.model.value = info ? (shippedModel(model.name) ? model.name : LOCAL) : el.model.value;
    if (info) el.write.disabled = false;
    setState('error', info ? 'The model was not changed.' : 'No model.');
    return false;
  }
  if (localUrl && next.url !== localUrl && model.url === localUrl) {
    URL.revokeObjectURL(localUrl);  // the previous own file is no longer in use
    localUrl = null;
  }
  model = next;
  info = nextInfo;
  showError('');
  view.setModel({ lineHeight: info.lineHeight, pointsPerSecond: info.pointsPerSecond, maxLineChars: MAX_LINE_CHARS });
  view.scale = { x: info.scaleX, y: info.scaleY };
  styles = await stylesPromise;
  fillStyles();
  selectWantedStyle();
  el.about.textContent = describeModel(info);
  showTextState();
  el.write.disabled = false;
  return true;
}

// An unconditional network writes without text: the text box says so and is not used.
function showTextState() {
  const own = writesText();
  el.text.disabled = !own;
  el.textNote.hidden = own;
  el.textNote.textContent = own ? '' : 'This network writes without text: it scribbles handwriting-like ink in the style it learnt (or in the chosen style). Pick “Handwriting” in the Model menu to write your text.';
  if (!own) el.marks.hidden = true;
}

async function pickShipped(name) {
  const m = shippedModel(name);
  if (!m || !available.includes(m.name)) return false;
  el.model.value = m.name;
  if (model.name === m.name && info) return true;
  return useModel({ name: m.name, url: m.file }, { styleFile: !!m.styles });
}

// A model file of the visitor's own (opened or dropped): loaded through an object URL of this
// page, checked by the core's reader like any other.
async function openModelFile(file) {
  const url = URL.createObjectURL(file);
  const ok = await useModel({ name: LOCAL, url, label: file.name }, { styleFile: false });
  if (!ok) {
    URL.revokeObjectURL(url);
    return;
  }
  localUrl = url;
  showLocalModel(el.model, `Your file: ${file.name}`);
  updateHash();
  write();
}

// ---- start-up ----
async function start() {
  applySettings(new URLSearchParams(location.hash.slice(1)));
  available = await fillModelMenu(el.model);
  for (const m of SHIPPED) if (m.missing && !available.includes(m.name)) el.modelNote.append(` ${m.missing} (no trained network).`);
  if (QUERY_MODEL) showLocalModel(el.model, `From the link: ${QUERY_MODEL}`);
  const wanted = new URLSearchParams(location.hash.slice(1)).get('model');
  let unknown = '';
  if (!QUERY_MODEL && wanted && shippedModel(wanted) && available.includes(shippedModel(wanted).name)) {
    model = { name: shippedModel(wanted).name, url: shippedModel(wanted).file };
  } else if (!QUERY_MODEL && wanted) {
    unknown = `The link names the model “${wanted}”, which this page does not have (it has ${available.join(', ')}): writing with the default.`;
  }
  if (!QUERY_MODEL) el.model.value = model.name;
  if (!(await useModel(model, { styleFile: model.name === 'link' || !!shippedModel(model.name)?.styles }))) return;
  write();
  if (unknown) showError(unknown);
}

el.form.addEventListener('submit', (e) => {
  e.preventDefault();
  write();
});
el.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    write();
  }
});
let previewing = 0;  // the latest preview of the marks wins
el.text.addEventListener('input', async () => {
  if (!info) return;
  const asked = ++previewing;
  const text = el.text.value;
  const plan = await planLong(text, 0).catch(() => null);
  if (plan && asked === previewing) showMarks(text, plan.marks, plan.error);
});
el.stop.addEventListener('click', stop);
for (const input of [el.bias, el.seed]) input.addEventListener('change', () => info && write());
el.style.addEventListener('change', () => {
  el.style.dataset.wanted = '';
  handsUi.sync();
  if (info) write();
});
el.model.addEventListener('change', async () => {
  if (el.model.value === 'open') {
    el.model.value = shippedModel(model.name) ? model.name : LOCAL;
    el.modelFile.click();
    return;
  }
  if (el.model.value === LOCAL) return;
  if (await pickShipped(el.model.value)) write();
});
el.modelFile.addEventListener('change', () => {
  const file = el.modelFile.files[0];
  el.modelFile.value = '';
  if (file) openModelFile(file);
});

// Drop a .hwm to write with it, or an ink file (.jsonl) to import hands.
addEventListener('dragover', (e) => {
  if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
  e.preventDefault();
  document.body.classList.add('dropping');
});
addEventListener('dragleave', (e) => e.relatedTarget === null && document.body.classList.remove('dropping'));
addEventListener('drop', (e) => {
  const file = e.dataTransfer?.files?.[0];
  document.body.classList.remove('dropping');
  if (!file) return;
  e.preventDefault();
  if (/\.(jsonl|json|txt)$/i.test(file.name)) handsUi.importFile(file);
  else openModelFile(file);
});
el.bias.addEventListener('input', syncOutputs);
for (const input of [el.speed, el.width, el.color]) {
  input.addEventListener('input', () => {
    syncOutputs();
    updateHash();
  });
}
el.dice.addEventListener('click', () => {
  el.seed.value = crypto.getRandomValues(new Uint32Array(1))[0];
  write();
});
el.svg.addEventListener('click', () => download(new Blob([view.toSVG(lastText)], { type: 'image/svg+xml' }), 'handwriting.svg'));
el.png.addEventListener('click', async () => download(await view.toPNG(2), 'handwriting.png'));
el.link.addEventListener('click', copyLink);
addEventListener('hashchange', async () => {
  if (location.hash === lastHash) return;
  const p = new URLSearchParams(location.hash.slice(1));
  applySettings(p);
  if (!QUERY_MODEL && (p.get('model') || DEFAULT_MODEL) !== model.name && model.name !== LOCAL) await pickShipped(p.get('model') || DEFAULT_MODEL);
  write();
});

const handsUi = setupHands(el, {
  hands,
  selected: () => el.style.value,
  onChange: (value) => {
    fillStyles();
    el.style.value = [...el.style.options].some((o) => o.value === value) ? value : 'random';
    handsUi.sync();
    if (info) write();
  },
  message: (text, isError) => {
    el.handNote.textContent = isError ? '' : text;
    if (isError) showError(text);
  },
  alphabet: () => (info?.kind === 'synthesis' ? info.alphabet : ''),
});

// ---- long text, live views and page exports (issue #13: lib/long_text.mjs, views.mjs, export.mjs) ----
const panel = new ViewPanel($('views-panel'));
let drawnWithDiagnostics = false;  // the drawing on the canvas carries what the views show
const views = bindViews($('views'), view, panel, () => refreshPanel(), () => info && !drawnWithDiagnostics && write());
let lastPage = null;  // the last written page ({lines, placed, hand}); also el.canvas.longText for tests
const pageSpacing = () => 2.2 * (Number($('line-spacing').value) > 0 ? Number($('line-spacing').value) : 1);

function refreshPanel() {
  const i = Math.min(view.cursor.line, view.lines.length - 1);
  panel.draw(i >= 0 ? view.diagnostics(i) : null, view.cursor.index, view.lineTexts?.[i] ?? '');
}
view.onPanel = refreshPanel;

async function planLong(text, seed) {
  const width = pageWidth(el.canvas, info.lineHeight);
  return { ...(await planPage(model.url, text, { width, lineHeight: info.lineHeight, seed })), width };
}

function writeLong(s, plan, style, callbacks) {
  lastPage = el.canvas.longText = null;
  view.lineTexts = plan.lines.map((l) => l.text);
  const request = { lines: plan.lines, style, bias: s.bias, width: plan.width, spacing: pageSpacing(),
    align: $('align').value, diagnostics: views.wanted() };
  drawnWithDiagnostics = request.diagnostics;
  return writePage(model.url, request, view, { ...callbacks, onDone: (page) => {
    lastPage = el.canvas.longText = page;
    callbacks.onDone();
  } });
}

for (const input of [$('align'), $('line-spacing')]) input.addEventListener('change', () => info && write());
for (const box of viewBoxes()) box.addEventListener('change', () => info && updateHash());
bindExports($('page-export'), () => lastPage && { placed: lastPage.placed, lineHeight: info.lineHeight, title: lastText, colour: el.color.value },
  (message) => { $('export-status').textContent = message; });

start();
