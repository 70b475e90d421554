// The page: text in, handwriting out. Generation runs in the shared worker (lib/engine.mjs), the
// drawing in lib/ink_canvas.mjs; this file wires the controls, the URL hash and the messages together.
// The Model menu (lib/models_menu.mjs) picks a shipped network or the visitor's own file; the Style
// menu holds the model's presets and the visitor's own hands (lib/own_styles.mjs, lib/hands_ui.mjs).
// Text is planned into lines for the canvas width and written in one hand (lib/long_text.mjs), with
// the live views (lib/views.mjs) and the page exports (lib/export.mjs).
import { loadModel, generate, loadStyles, findStyle, renderSvg } from './lib/engine.mjs';
import { describeMarks, MAX_LINE_CHARS } from './lib/text.mjs';
import { SHIPPED, DEFAULT_MODEL, LOCAL, shippedModel, fillModelMenu, showLocalModel, describeModel } from './lib/models_menu.mjs';
import { OwnHands, OWN_PREFIX } from './lib/own_styles.mjs';
import { setupHands } from './lib/hands_ui.mjs';
import { PageInkView, preparePage, writePage, pageWidth } from './lib/long_text.mjs';
import { ViewPanel, bindViews } from './lib/views.mjs';
import { bindExports, saveBlob as download, svgToPng } from './lib/export.mjs';

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
  const input = $('line-spacing');  // its range: the core's (applyConstants)
  if (p.has('spacing') && spacing >= Number(input.min) && spacing <= Number(input.max)) input.value = String(spacing);
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
  if (p.has('color') && /^#[0-9a-f]{6}$/i.test(p.get('color'))) {
    el.color.value = p.get('color');
    el.color.dataset.chosen = '1';
  }
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

// The priming ink for a Style menu value ({name?, text, strokes}, or null): an own hand as chosen;
// a preset by its name; "random": none, so the text's first line is the hand of the others (the
// core's page driver, as hw sample without --prime-ink).
function styleOf(value) {
  if (value.startsWith(OWN_PREFIX)) {
    const h = hands.get(value.slice(OWN_PREFIX.length));
    return h ? { text: h.text, strokes: h.strokes } : null;
  }
  return styles.find((st) => st.name === value) ?? null;
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
    return startWriting(s, { text: '', width: pageWidth(el.canvas, info.lineHeight) });
  }
  let plan;
  try {
    plan = await planLong(s.text);
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

// Starts the worker on the prepared text (plan: {text, width}); the pen follows as points arrive.
function startWriting(s, plan) {
  lastText = writesText() ? plan.text.replace(/\s+/g, ' ').trim() : 'handwriting-like scribble';
  el.canvas.setAttribute('aria-label', `Handwritten: ${lastText}`);
  view.setPage({ width: plan.width, spacing: pageSpacing() });
  view.reset(writesText() ? 0 : 1);  // a page's rows come with its plan
  el.svg.disabled = el.png.disabled = true;
  el.stop.disabled = false;
  const style = styleOf(s.style);
  setState('writing', 'Writing…');
  el.attention.textContent = '';
  const progress = follow(writesText() ? 0 : 1);
  const current = writesText() ? writeLong(s, plan, style, progress)
    : generate(model.url, { lines: [{ text: '', seed: s.seed >>> 0 }], bias: s.bias, style, attention: false }, progress);
  job = current;
  view.onDrawn = () => {
    if (job && job !== current) return;
    el.stop.disabled = true;
    el.svg.disabled = el.png.disabled = false;
    const n = view.total(), lines = view.lines.length;
    setState('done', `Done: ${lines} line${lines > 1 ? 's' : ''}, ${n} points.`);
  };
}

// The callbacks of one generation: the pen, the status line, the attention strip and the bar,
// which follows the pen (the generated share times the share of it already drawn). `count`: the
// lines, when known before the plan (a page's come with onPlan).
function follow(count) {
  let lines = [];        // the plan's lines (a page)
  let linesDone = 0;
  let generated = 0;  // share of the generation done, 0..1
  const lineTexts = [];  // per line: [the text the model saw, code points of priming text before it]
  view.onFrame = ({ drawn, total, at }) => {
    el.progress.value = total ? generated * (drawn / total) : 0;
    showAttention(at && lineTexts[at.line], at);
  };
  return {
    onPlan: (plan) => {
      lines = plan;
      count = plan.length;
    },
    onLine: (d) => {
      lineTexts[d.line] = [[...d.text], [...d.text].length - [...(lines[d.line]?.text ?? '')].length];
      if (count > 1) el.status.textContent = `Writing line ${d.line + 1} of ${count}…`;
    },
    onPoints: (d) => {
      view.addPoints(d.line, d.positions, d.attention, d.curves);
      generated = (linesDone + Math.min(1, d.steps / Math.max(1, d.maxSteps))) / Math.max(1, count);
    },
    onLineEnd: (d) => {
      if (d.curves) view.addCurves(d.line, d.curves);
      ++linesDone;
      generated = linesDone / Math.max(1, count);
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
  applyConstants();
  view.scale = { x: info.scaleX, y: info.scaleY };
  styles = await stylesPromise;
  fillStyles();
  selectWantedStyle();
  el.about.textContent = describeModel(info);
  showTextState();
  el.write.disabled = false;
  return true;
}

// The core's limits on the inputs, and its ink colour unless a link or the visitor chose one.
function applyConstants() {
  exportsUi.limits();
  [$('line-spacing').min, $('line-spacing').max] = info.constants.limits.lineSpacing.map(String);
  if (!el.color.dataset.chosen) {
    el.color.value = info.constants.ink;
    syncOutputs();
  }
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
el.color.addEventListener('input', () => { el.color.dataset.chosen = '1'; });
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
// The drawing as the canvas shows it, by the core's renderer (the curves and dots of every export).
const drawingSvg = () => renderSvg(view.pixelLines(), { strokeWidth: view.width, colour: view.color }, lastText);
el.svg.addEventListener('click', async () => download(new Blob([await drawingSvg()], { type: 'image/svg+xml' }), 'handwriting.svg'));
el.png.addEventListener('click', async () => {
  const svg = await drawingSvg();
  const [w, h] = ['width', 'height'].map((a) => Number(svg.match(new RegExp(`<svg[^>]* ${a}="([0-9.]+)"`))[1]));
  download(await svgToPng(svg, 2 * w, 2 * h), 'handwriting.png');
});
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
let lastRequest = null;  // what wrote it: the page exports write the same text, settings and seed for paper
const spacingSetting = () => (Number($('line-spacing').value) > 0 ? Number($('line-spacing').value) : 1);
const pageSpacing = () => info.constants.lineSpacing * spacingSetting();  // baseline to baseline, line heights

function refreshPanel() {
  const i = Math.min(view.cursor.line, view.lines.length - 1);
  panel.draw(i >= 0 ? view.diagnostics(i) : null, view.cursor.index, view.lineTexts?.[i] ?? '');
}
view.onPanel = refreshPanel;

// Typed text as the core prepares it, with the canvas's width: {text, marks, error, width}.
async function planLong(text) {
  return { ...(await preparePage(model.url, text)), width: pageWidth(el.canvas, info.lineHeight) };
}

function writeLong(s, plan, style, callbacks) {
  lastPage = el.canvas.longText = null;
  const request = { text: plan.text, style, seed: s.seed, bias: s.bias, width: plan.width, spacing: spacingSetting(),
    align: $('align').value, diagnostics: views.wanted() };
  drawnWithDiagnostics = request.diagnostics;
  return writePage(model.url, request, view, { ...callbacks,
    onPlan: (lines) => {
      view.lineTexts = lines.map((l) => l.text);
      callbacks.onPlan(lines);
    },
    onDone: (page) => {
      lastPage = el.canvas.longText = page;
      lastRequest = request;
      callbacks.onDone();
    } });
}

for (const input of [$('align'), $('line-spacing')]) input.addEventListener('change', () => info && write());
for (const box of viewBoxes()) box.addEventListener('change', () => info && updateHash());
// The page exports write what the canvas wrote (text, seed, bias, hand, alignment, spacing) for the
// paper, as hw sample does.
const exportsUi = bindExports($('page-export'), () => lastPage && lastRequest && {
  url: model.url, text: lastRequest.text, spacing: lastRequest.spacing, align: lastRequest.align, colour: el.color.value,
  opts: { seed: lastRequest.seed >>> 0, bias: lastRequest.bias,
    ...(lastRequest.style ? { primeStrokes: lastRequest.style.strokes, primeText: lastRequest.style.text } : {}) },
}, (message) => { $('export-status').textContent = message; }, () => info);

start();
