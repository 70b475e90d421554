// Long text on the page and in the widget (issue #13): up to 2,000 characters word-wrapped to the
// canvas width by the core's line planning (hw.planLines, in the worker: lib/engine.mjs layout),
// written in ONE hand (a chosen style, or for "random" one preset drawn by the seed, primes every
// line), all lines at once (the worker's batched `together` step), each line checked with the
// window peaks (hw.checkLine) and rewritten with its next seed when it fails (hw.lineSeed, so a
// link reproduces), then placed by the core (hw.placeLines: levelled, one x-height and left
// margin, alignment, line spacing). Lines reach the drawing in order, each once it is final.
import { generate, layout, prepareText } from './engine.mjs';
import { InkView } from './ink_canvas.mjs';
import { drawViewSegments, wantsCustomInk } from './views.mjs';

export const MAX_PAGE_CHARS = 2000;      // the core's kMaxPageChars (hw.MAX_PAGE_CHARS)
export const ATTEMPTS = 4;               // a line is written at most this often (hw sample --attempts)
export const PX_PER_LINE_HEIGHT = 22;    // writing size on the canvas: CSS px per model line height
export const EDGE = 18;                  // CSS px around the page on the canvas
export const DEFAULT_SPACING = 2.2;      // baseline to baseline, in line heights (LayoutOptions)
const LINE_HEIGHT_PER_X_HEIGHT = 1.3;    // shared/ink.h: the first guess of a character's advance

// The hand of a whole text: the style chosen by name, or for "random" (any other name) one preset
// drawn by the seed among the human hands (presets traced from a person's handwriting, source
// "fonts:hand-…"), or among all presets when the model has none; null when it has no presets.
export function handFor(styles, name, seed) {
  const chosen = styles.find((s) => s.name === name);
  if (chosen || !styles.length) return chosen ?? null;
  const human = styles.filter((s) => /^fonts:hand-/.test(s.source ?? ''));
  const pool = human.length ? human : styles;
  let h = Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return pool[((h ^ (h >>> 16)) >>> 0) % pool.length];
}

// The width of the text on a canvas, in the model's writing units.
export function pageWidth(canvas, lineHeight) {
  const css = canvas.clientWidth || 600;
  return Math.max(4, (css - 2 * EDGE) / PX_PER_LINE_HEIGHT) * lineHeight;
}

// Typed text -> {lines: [{text, paragraph, paragraphEnd, start, seeds}], marks, error}: the core
// prepares it (unknown characters) and plans its lines for `width` writing units; `error` is a
// message for the reader when the text is refused.
export async function planPage(url, text, { width, lineHeight, seed }) {
  const count = [...text].length;
  const refuse = (error, marks = []) => ({ lines: [], marks, error });
  if (count > MAX_PAGE_CHARS) return refuse(`The text has ${count} characters; the limit is ${MAX_PAGE_CHARS}. Please shorten it.`);
  const prepared = await prepareText(url, text);
  if (prepared.error) return refuse(prepared.error);
  if (!prepared.text.trim()) return refuse('Nothing to write: type some text the model knows.', prepared.marks);
  const advance = lineHeight / LINE_HEIGHT_PER_X_HEIGHT;
  const plan = await layout(url, 'plan', { text: prepared.text, width, advance, seed: seed >>> 0, attempts: ATTEMPTS });
  if (plan.error) return refuse(plan.error, prepared.marks);
  return { lines: plan.lines, marks: prepared.marks, error: '' };
}

// Writes planned lines into `view` (a PageInkView): request {lines (planPage's), style, bias,
// width, align, spacing, diagnostics}. Callbacks as engine.generate's, per line in order and once
// a line is final: onLine, onPoints, onLineEnd ({line, finished, attempts, check}), then onDone
// (the page: {lines, placed, hand}) or onError. Returns {cancel()}.
export function writePage(url, request, view, callbacks) {
  const job = new PageJob(url, request, view, callbacks);
  job.run(request.lines.map((_, i) => i));
  return { cancel: () => job.cancel() };
}

const concat = (parts, Type) => {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};

class PageJob {
  constructor(url, request, view, callbacks) {
    Object.assign(this, { url, req: request, view, cb: callbacks, head: 0, jobs: new Set(), over: false });
    this.lines = request.lines.map((plan) => ({ plan, attempt: 0, chunks: [], start: null, end: null, final: false }));
  }

  // One generation of lines `which`, each with its current attempt's seed (several: together).
  run(which) {
    const lines = which.map((i) => ({ text: this.lines[i].plan.text, seed: this.lines[i].plan.seeds[this.lines[i].attempt] }));
    const request = { lines, bias: this.req.bias, style: this.req.style, attention: true, together: lines.length > 1,
      diagnostics: !!this.req.diagnostics };
    const job = generate(this.url, request, {
      onLine: (d) => this.onLine(which[d.line], d),
      onPoints: (d) => this.onPoints(which[d.line], d),
      onLineEnd: (d) => this.onLineEnd(which[d.line], d),
      onDone: () => this.jobs.delete(job),
      onError: (message) => this.fail(message),
    });
    this.jobs.add(job);
  }

  onLine(i, d) {
    const l = this.lines[i];
    l.start = { ...d, line: i };
    l.offset = [...d.text].length - [...l.plan.text].length;  // priming text before the line's own
    if (i === this.head) this.cb.onLine?.(l.start);
  }

  onPoints(i, d) {
    const chunk = { ...d, line: i };
    this.lines[i].chunks.push(chunk);
    if (i === this.head) this.forward(i, chunk);
  }

  forward(i, chunk) {
    const l = this.lines[i];
    if (chunk.diagnostics) this.view.addDiagnostics?.(i, chunk.diagnostics, chunk.diagStride, l.offset, [...l.start.text].length);
    this.cb.onPoints?.(chunk);
  }

  onLineEnd(i, d) {
    this.lines[i].end = { ...d, line: i };
    this.check(i);
  }

  // The core's check of a written line; a failed line is written again with its next seed.
  async check(i) {
    const l = this.lines[i];
    let result;
    try {
      const peaks = concat(l.chunks.map((c) => c.attention), Int32Array);
      result = await layout(this.url, 'check', { text: l.plan.text, offset: l.offset, peaks, finished: l.end.finished });
    } catch (e) {
      return this.fail(e.message);
    }
    if (this.over) return;
    l.check = result;
    if (result.ok || l.attempt + 1 >= l.plan.seeds.length) {
      l.final = true;
      if (i === this.head) this.advance();
      return;
    }
    ++l.attempt;
    Object.assign(l, { chunks: [], start: null, end: null });
    if (i === this.head) this.view.clearLine?.(i);
    this.run([i]);
  }

  // Final lines at the head end; the next line's buffered messages reach the drawing.
  advance() {
    while (this.head < this.lines.length && this.lines[this.head].final) {
      const l = this.lines[this.head];
      this.cb.onLineEnd?.({ ...l.end, attempts: l.attempt + 1, check: l.check });
      if (++this.head === this.lines.length) return this.place();
      const next = this.lines[this.head];
      if (next.start) this.cb.onLine?.(next.start);
      next.chunks.forEach((c) => this.forward(this.head, c));
    }
  }

  // Every line is final: the core places them; the view shows the placed page.
  async place() {
    const lines = this.lines.map((l) => ({
      text: l.plan.text, paragraph: l.plan.paragraph, paragraphEnd: l.plan.paragraphEnd,
      positions: concat(l.chunks.map((c) => c.positions), Float32Array),
      attention: Array.from(concat(l.chunks.map((c) => c.attention), Int32Array), (p) => (p < l.offset ? -1 : p - l.offset)),
    }));
    const opts = { width: this.req.width, lineSpacing: this.req.spacing ?? DEFAULT_SPACING, align: this.req.align ?? 'left' };
    let placed;
    try {
      placed = await layout(this.url, 'place', { lines, opts });
    } catch (e) {
      return this.fail(e.message);
    }
    if (this.over) return;
    if (placed.error) return this.fail(placed.error);
    this.over = true;
    const page = {
      hand: this.req.style?.name ?? null, placed,
      lines: this.lines.map((l, i) => ({ text: l.plan.text, seed: l.plan.seeds[l.attempt], attempts: l.attempt + 1,
        check: l.check, finished: l.end.finished, positions: lines[i].positions, peaks: lines[i].attention })),
    };
    this.view.place?.(placed);
    this.cb.onDone?.(page);
  }

  fail(message) {
    if (this.over) return;
    this.cancel();
    this.cb.onError?.(message);
  }

  cancel() {
    this.over = true;
    this.jobs.forEach((j) => j.cancel());
    this.jobs.clear();
  }
}

// The page's drawing: InkView with one zoom for the page (the canvas width holds the planned
// width), the lines on their rows while they are written, the core's placement once all are, and
// the live views drawn into the ink (lib/views.mjs).
export class PageInkView extends InkView {
  constructor(canvas, opts) {
    super(canvas, opts);
    this.views = new Set();  // names of the views switched on (views.mjs VIEWS)
  }

  // The page the next lines are written for: width (writing units), spacing, the plan.
  setPage({ width, spacing = DEFAULT_SPACING, lines = [] }) {
    this.page = { width, spacing, paragraphs: lines.map((l) => l.paragraph) };
  }

  reset(count) {
    this.placed = null;
    this.diag = Array.from({ length: count }, () => ({ parts: [], stride: 0, offset: 0, u: 0 }));
    super.reset(count);
  }

  // Per point [eos, pi, mu1, mu2, sigma1, sigma2, rho (M each), phi (U)] of line i.
  addDiagnostics(i, data, stride, offset, u) {
    const d = this.diag?.[i];
    if (!d || !stride) return;
    Object.assign(d, { stride, offset, u, m: (stride - 1 - u) / 6 });
    d.parts.push(data);
    d.data = null;  // flattened again when read
  }

  // Line i's diagnostics as one array ({data, stride, m, offset, u}), or null.
  diagnostics(i) {
    const d = this.diag?.[i];
    if (!d || !d.parts.length) return null;
    d.data ??= concatFloat(d.parts);
    return d;
  }

  // Line i is written again: what was drawn of it goes.
  clearLine(i) {
    const l = this.lines[i];
    if (!l) return;
    l.x.length = l.y.length = l.up.length = l.attention.length = 0;
    if (this.diag?.[i]) this.diag[i] = { parts: [], stride: 0, offset: 0, u: 0 };
    if (this.cursor.line === i) this.cursor.index = 0;
    this.dirty = true;
    this.schedule();
  }

  // The core's placed page (placeLines): each line's points take their place (same count).
  place(placed) {
    placed.lines.forEach((pl, i) => {
      const l = this.lines[i];
      if (!l) return;
      const x = [], y = [], up = [];
      for (const s of pl.strokes) {
        for (let k = 0; k + 1 < s.length; k += 2) x.push(s[k]), y.push(s[k + 1]), up.push(false);
        if (up.length) up[up.length - 1] = true;
      }
      if (x.length !== l.x.length) l.attention.length = 0;  // (never: placement keeps every point)
      Object.assign(l, { x, y, up });
    });
    this.placed = placed;
    this.dirty = true;
    this.schedule();
  }

  layout(cssWidth) {
    if (!this.page?.width) return super.layout(cssWidth);
    const k = Math.max(1e-6, (cssWidth - 2 * EDGE) / this.page.width);
    if (this.placed) {
      const bands = this.lines.map(() => ({ ox: EDGE, oy: EDGE }));
      return { k, bands, height: Math.max(this.minHeight, this.placed.height * k + 2 * EDGE) };
    }
    // While writing: each line on its row (as placeLines puts it: half a pitch more per paragraph).
    const pitch = this.page.spacing * this.lh;
    let y = 0.5 * pitch;
    const bands = this.lines.map((_, i) => {
      if (i > 0 && this.page.paragraphs[i] !== this.page.paragraphs[i - 1]) y += 0.5 * pitch;
      const band = { ox: EDGE, oy: EDGE + y * k };
      y += pitch;
      return band;
    });
    return { k, bands, height: Math.max(this.minHeight, (y + 0.5 * pitch) * k + 2 * EDGE) };
  }

  frame(t) {
    super.frame(t);
    this.onPanel?.();  // the views panel follows the pen
  }

  drawSegments(from, to) {
    if (!wantsCustomInk(this.views)) return super.drawSegments(from, to);
    if (!this.lay) this.lay = this.layout(this.canvas.clientWidth || 600);
    this.prepareContext();
    drawViewSegments(this, from, to);
  }
}

function concatFloat(parts) {
  return concat(parts, Float32Array);
}
