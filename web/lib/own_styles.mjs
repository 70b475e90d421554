// The visitor's own hands: ink written on the page (the recorder) or imported from a JSONL file
// (docs/INK.md), kept in localStorage and offered in the Style menu beside the model's presets.
// A hand is {id, name, text, strokes} with strokes as the ink format holds them (times in ms
// when recorded); the core prepares them for each model (prepare_ink), so a hand primes every
// network on the page.
import { checkRecord, parseInkJsonl, toInkJsonl } from './ink_jsonl.mjs';

export const STORAGE_KEY = 'handwriting-synth.own-hands.v1';
export const OWN_PREFIX = 'own:';  // a Style menu value naming an own hand: own:ID

export class OwnHands {
  // storage: localStorage or a stand-in; read: the core's ink reader (ink_jsonl.mjs; the worker's
  // by default), which checks every hand before it is kept.
  constructor(storage = globalThis.localStorage, read = undefined) {
    this.storage = storage;
    this.readInk = read;
    this.hands = this.read();
  }

  // Reads the stored list (only this page writes it, after the reader's check): entries of another
  // shape are dropped.
  read() {
    try {
      const list = JSON.parse(this.storage?.getItem(STORAGE_KEY) || '[]');
      const shaped = (h) => h && typeof h.id === 'string' && typeof h.name === 'string' && typeof h.text === 'string' && Array.isArray(h.strokes);
      return Array.isArray(list) ? list.filter(shaped) : [];
    } catch {
      return [];
    }
  }

  // Writes the list; throws a readable error when the browser refuses (storage full or off).
  write() {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(this.hands));
    } catch (e) {
      throw new Error(`this browser would not keep the hand (${e.name === 'QuotaExceededError' ? 'its storage is full' : e.message}); export it to keep it`);
    }
  }

  list() {
    return this.hands.slice();
  }

  get(id) {
    return this.hands.find((h) => h.id === id) ?? null;
  }

  // A name not yet used: "My hand", "My hand 2", ...
  freshName(base = 'My hand') {
    const names = new Set(this.hands.map((h) => h.name));
    if (!names.has(base)) return base;
    for (let i = 2; ; ++i) if (!names.has(`${base} ${i}`)) return `${base} ${i}`;
  }

  // Adds ink {text, strokes, name?}; resolves with the stored hand. Rejects ink the core's reader
  // refuses, and a storage that refuses it.
  async add({ text, strokes, name }) {
    const why = await checkRecord({ text, strokes }, this.readInk);
    if (why) throw new Error(`the ink is not usable: ${why}`);
    return this.keep({ text, strokes, name });
  }

  // Stores ink the reader has accepted; returns the hand.
  keep({ text, strokes, name }) {
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const hand = { id, name: (name || '').trim() || this.freshName(), text, strokes };
    this.hands.push(hand);
    try {
      this.write();
    } catch (e) {
      this.hands.pop();
      throw e;
    }
    return hand;
  }

  rename(id, name) {
    const h = this.get(id);
    const n = String(name ?? '').trim();
    if (!h || !n) return false;
    h.name = n;
    this.write();
    return true;
  }

  remove(id) {
    const before = this.hands.length;
    this.hands = this.hands.filter((h) => h.id !== id);
    this.write();
    return this.hands.length < before;
  }

  // The hands as an ink JSONL file (the name travels as "writer").
  exportJsonl(ids = null) {
    const hands = ids ? this.hands.filter((h) => ids.includes(h.id)) : this.hands;
    return toInkJsonl(hands.map((h) => ({ text: h.text, strokes: h.strokes, writer: h.name })));
  }

  // Imports every good record of a JSONL file as a hand: resolves with {added: [hands], errors:
  // ['NAME:LINE: ...']}.
  async importJsonl(text, fileName = 'ink') {
    const { records, errors } = await parseInkJsonl(text, fileName, this.readInk);
    const added = [];
    for (const r of records) added.push(this.keep({ text: r.text, strokes: r.strokes, name: this.freshName(r.writer || 'Imported hand') }));
    if (!records.length && !errors.length) errors.push(`${fileName}: no ink record in the file`);
    return { added, errors };
  }
}
