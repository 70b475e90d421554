// The page's Model menu: the networks shipped beside the page, each with a short name that a link
// (the URL hash, model=NAME) uses, and a model file of the visitor's own, opened from disk or
// dropped on the page. A shipped model that is not on the server is listed disabled with a note.

export const SHIPPED = [
  { name: 'synthesis', label: 'Handwriting (writes your text)', file: 'models/default.hwm' },
  { name: 'scribble', label: 'Scribble (writes without text)', file: 'models/scribble.hwm' },
  { name: 'clockwork', label: 'Clockwork RNN (writes without text)', file: 'models/clockwork.hwm',
    missing: 'Clockwork RNN: not shipped yet (no trained network)' },
];
export const DEFAULT_MODEL = 'synthesis';
export const LOCAL = 'local';  // the menu value of the visitor's own model file

export function shippedModel(name) {
  return SHIPPED.find((m) => m.name === String(name ?? '').toLowerCase()) ?? null;
}

// Whether a shipped model's file is on the page's server (a HEAD request; never another origin).
export async function isOnServer(file, base = document.baseURI) {
  try {
    const r = await fetch(new URL(file, base), { method: 'HEAD', mode: 'same-origin', cache: 'no-cache' });
    return r.ok;
  } catch {
    return false;
  }
}

// Fills a <select> with the shipped models (those not on the server disabled, with their note),
// then the entry that opens a file. Resolves with the names that are available.
export async function fillModelMenu(select, { base = document.baseURI } = {}) {
  const found = await Promise.all(SHIPPED.map((m) => (m.name === DEFAULT_MODEL ? true : isOnServer(m.file, base))));
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
