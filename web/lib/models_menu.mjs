// The page's Model menu: the networks shipped beside the page, each with a short name that a link
// (the URL hash, model=NAME) uses, and a model file of the visitor's own, opened from disk or
// dropped on the page. models/index.json lists the files that are shipped; a network of the menu
// that it does not list is shown disabled with a note (nothing is fetched that is not there).

export const SHIPPED = [
  { name: 'synthesis', label: 'Handwriting', file: 'models/default.hwm', styles: true },
  { name: 'scribble', label: 'Scribble (no text)', file: 'models/scribble.hwm' },
  { name: 'clockwork', label: 'Clockwork RNN (no text)', file: 'models/clockwork.hwm',
    missing: 'Clockwork RNN: not shipped yet' },
];
const MANIFEST = 'models/index.json';
export const DEFAULT_MODEL = 'synthesis';
export const LOCAL = 'local';  // the menu value of the visitor's own model file

export function shippedModel(name) {
  return SHIPPED.find((m) => m.name === String(name ?? '').toLowerCase()) ?? null;
}

// The model files models/index.json lists ({"models": ["default.hwm", ...]}); without a readable
// manifest, only the default.
export async function shippedFiles(base = document.baseURI) {
  try {
    const r = await fetch(new URL(MANIFEST, base), { mode: 'same-origin', cache: 'no-cache' });
    const j = r.ok ? await r.json() : null;
    return new Set(Array.isArray(j?.models) ? j.models.filter((f) => typeof f === 'string').map((f) => `models/${f}`) : []);
  } catch {
    return new Set();
  }
}

// Fills a <select> with the shipped models (those not shipped disabled, with their note), then
// the entry that opens a file. Resolves with the names that are available.
export async function fillModelMenu(select, { base = document.baseURI } = {}) {
  const files = await shippedFiles(base);
  const found = SHIPPED.map((m) => m.name === DEFAULT_MODEL || files.has(m.file));
  select.replaceChildren();
  const available = [];
  SHIPPED.forEach((m, i) => {
    const o = new Option(found[i] ? m.label : m.missing || `${m.label} (not on this server)`, m.name);
    o.disabled = !found[i];
    if (found[i]) available.push(m.name);
    select.append(o);
  });
  select.append(new Option('Open a model file…', 'open'));
  return available;
}

// Shows a model that is not a shipped one (the visitor's own file, or a ?model= link) in the
// menu, one at a time, and selects it.
export function showLocalModel(select, label) {
  let o = [...select.options].find((x) => x.value === LOCAL);
  if (!o) {
    o = new Option('', LOCAL);
    select.insertBefore(o, [...select.options].find((x) => x.value === 'open') ?? null);
  }
  o.textContent = label;
  select.value = LOCAL;
}

// A short description of a loaded model for the page's footnote.
export function describeModel(i) {
  const hp = i.header.hparams || {};
  const net = `${hp.layers}×${hp.hidden} LSTM, ${hp.mixtures} mixtures`;
  if (i.kind === 'synthesis') return `Model: ${net}, window ${hp.window}; writes ${[...i.alphabet].length} characters: ${i.alphabet.trim()}`;
  const kind = i.kind === 'clockwork' ? `clockwork RNN (${hp.groups} groups)` : 'unconditional network';
  return `Model: ${kind}, ${net}; it writes without text, in the style of its training ink.`;
}
