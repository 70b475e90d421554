// The collect page (collect.html): guides a person through prompted lines that cover every
// character of the model's alphabet several times (lib/prompts.mjs), records each with the
// recorder, keeps everything in localStorage after each line (a reload loses nothing), and
// downloads the lines as an ink file (docs/INK.md) that `hw-train data --ink` reads as it is.
// URL options: ?lines=N (how many prompts, default 40), ?model=URL (whose alphabet to cover;
// this origin only, default models/default.hwm).
import { loadModel } from './engine.mjs';
import { InkRecorder } from './recorder.mjs';
import { planPrompts } from './prompts.mjs';
import { toInkJsonl, checkRecord } from './ink_jsonl.mjs';
import { downloadText } from './hands_ui.mjs';

export const COLLECT_KEY = 'handwriting-synth.collect.v1';

const $ = (id) => document.getElementById(id);
const el = {
  writer: $('writer'), progress: $('progress'), count: $('count'), number: $('number'), prompt: $('prompt'),
  pad: $('pad'), undo: $('undo'), clear: $('clear'), prev: $('prev'), next: $('next'), save: $('save'),
  error: $('error'), download: $('download'), reset: $('reset'), lines: $('lines'),
};
const query = new URLSearchParams(location.search);
const WANT_LINES = Math.min(200, Math.max(1, Math.floor(Number(query.get('lines'))) || 40));
const MODEL_URL = query.get('model') || 'models/default.hwm';

const recorder = new InkRecorder(el.pad);
let session = null;  // {model, prompts, writer, lines: [strokes | null]}
let at = 0;          // the line on the pad

function showError(message) {
  el.error.hidden = !message;
  el.error.textContent = message || '';
}

// The stored session, if it is one for the same model and number of lines.
function readSession() {
  try {
    const s = JSON.parse(localStorage.getItem(COLLECT_KEY) || 'null');
    if (!s || !Array.isArray(s.prompts) || !Array.isArray(s.lines) || s.lines.length !== s.prompts.length) return null;
    s.lines = s.lines.map((l) => (Array.isArray(l) && l.length ? l : null));  // each was checked when it was saved
    return s;
  } catch {
    return null;
  }
}

function persist() {
  try {
    localStorage.setItem(COLLECT_KEY, JSON.stringify(session));
    return true;
  } catch (e) {
    showError(`This browser would not keep the lines (${e.name === 'QuotaExceededError' ? 'its storage is full' : e.message}): download the file now.`);
    return false;
  }
}

const written = () => session.lines.filter(Boolean).length;

function render() {
  const n = session.prompts.length;
  el.count.textContent = `${written()} of ${n} lines written`;
  el.progress.value = written() / n;
  el.number.textContent = `${at + 1} of ${n}`;
  el.prompt.textContent = session.prompts[at];
  el.download.disabled = written() === 0;
  el.prev.disabled = at === 0;
  el.next.textContent = session.lines[at] ? 'Next' : 'Skip';
  el.next.disabled = at === n - 1;
  el.lines.replaceChildren(...session.prompts.map((p, i) => {
    const li = document.createElement('li');
    li.textContent = p;
    li.tabIndex = 0;
    li.className = [session.lines[i] ? 'done' : '', i === at ? 'current' : ''].filter(Boolean).join(' ');
    li.addEventListener('click', () => go(i));
    li.addEventListener('keydown', (e) => e.key === 'Enter' && go(i));
    return li;
  }));
  el.save.disabled = recorder.isEmpty();
  el.save.textContent = session.lines[at] ? 'Save again' : 'Save line';
}

// Shows line i on the pad (its saved ink, when it has some, to look at or redo).
function go(i) {
  at = Math.max(0, Math.min(session.prompts.length - 1, i));
  recorder.load(session.lines[at] || []);
  render();
}

// Keeps the line on the pad once the core's ink reader accepts it (the file must be one that
// `hw-train data --ink` reads).
async function save() {
  if (recorder.isEmpty()) return;
  const line = at, strokes = recorder.ink();
  const why = await checkRecord({ text: session.prompts[line], strokes }).catch((e) => e.message);
  if (why) return showError(`This line could not be kept: ${why}`);
  session.lines[line] = strokes;
  if (!persist()) return;
  showError('');
  const next = session.lines.findIndex((l, i) => !l && i > at);
  const first = session.lines.findIndex((l) => !l);
  go(next >= 0 ? next : first >= 0 ? first : at);
}

function download() {
  const writer = session.writer.trim() || 'me';
  const records = session.prompts.flatMap((text, i) => (session.lines[i] ? [{ text, strokes: session.lines[i], writer }] : []));
  downloadText(toInkJsonl(records), `handwriting-${writer.replace(/[^\p{L}\p{N}_-]+/gu, '-')}.jsonl`);
}

async function start() {
  session = readSession();
  if (!session || session.model !== MODEL_URL || (query.has('lines') && session.prompts.length < WANT_LINES)) {
    let alphabet = '';
    try {
      alphabet = (await loadModel(MODEL_URL)).alphabet;
    } catch (e) {
      showError(`The model's alphabet could not be read (${e.message}): the prompts cover letters, digits and punctuation.`);
    }
    const prompts = planPrompts(alphabet, { n: WANT_LINES });
    const old = readSession();
    session = { model: MODEL_URL, prompts, writer: old?.writer || '', lines: prompts.map(() => null) };
    if (old && old.model === MODEL_URL) old.prompts.forEach((p, i) => {  // lines already written carry over
      const j = prompts.indexOf(p);
      if (j >= 0 && old.lines[i]) session.lines[j] = old.lines[i];
    });
    persist();
  }
  el.writer.value = session.writer;
  const first = session.lines.findIndex((l) => !l);
  go(first >= 0 ? first : 0);
}

recorder.onChange = () => (el.save.disabled = recorder.isEmpty());
el.undo.addEventListener('click', () => recorder.undo());
el.clear.addEventListener('click', () => recorder.clear());
el.save.addEventListener('click', save);
el.prev.addEventListener('click', () => go(at - 1));
el.next.addEventListener('click', () => go(at + 1));
el.download.addEventListener('click', download);
el.writer.addEventListener('change', () => {
  session.writer = el.writer.value.trim();
  persist();
});
el.reset.addEventListener('click', () => {
  if (!confirm('Delete every line written here and start over?')) return;
  session.lines = session.prompts.map(() => null);
  persist();
  go(0);
});

start();
