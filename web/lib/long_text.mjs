// Long text on the page and in the widget: up to 2,000 characters written as a page in one hand by
// the core's page driver (hw.PageWriter in the worker, shared/page_writer.h: the same driver as
// hw sample --text-file), planned for the canvas width: the lines are planned, the first line
// written and the page planned again once when the hand's advance differs, the other lines primed
// with the first (or the chosen hand) and written together, each checked and written again with
// its next seed when it fails, then placed (levelled, one x-height, alignment, spacing). The driver
// streams each line's points in reading order; this file only draws them (PageInkView).
import { prepareText, writePageJob } from './engine.mjs';
import { InkView } from './ink_canvas.mjs';
import { drawViewSegments, wantsCustomInk } from './views.mjs';

export const PX_PER_LINE_HEIGHT = 22;    // writing size on the canvas: CSS px per model line height
export const EDGE = 18;                  // CSS px around the page on the canvas

// The width of the text on a canvas, in the model's writing units.
export function pageWidth(canvas, lineHeight) {
  const css = canvas.clientWidth || 600;
  return Math.max(4, (css - 2 * EDGE) / PX_PER_LINE_HEIGHT) * lineHeight;
}

// Typed text as the core prepares it for a page: {text (prepared), marks, error}; `error` is a
// message for the reader when the text is refused (the core's: unknown characters aside, too long
// or nothing to write).
export async function preparePage(url, text) {
  const prepared = await prepareText(url, text);
  const error = prepared.error || prepared.pageError;
  return { text: prepared.text, marks: prepared.marks, error: error ? `${error[0].toUpperCase()}${error.slice(1)}.` : '' };
}

// Writes a page into `view` (a PageInkView): request {text (prepared), style ({text, strokes}: a
// chosen hand, or null: the first line is the hand), seed, bias, width (writing units), align,
// spacing (a multiple of the standard line spacing), diagnostics}. The view gets the plan, the
// rewrites, the diagnostics and the placement; the callbacks carry the points: onPlan (the lines,
// again when the page is planned again), onLine, onPoints ({line, positions, attention, curves,
// steps, maxSteps}: for the view's addPoints), onLineEnd ({line, finished, attempts, check,
// curves}: the line's last curves), then onDone (the page: {lines, placed, hand}) or onError.
// Returns {cancel()}.
export function writePage(url, request, view, callbacks) {
  const opts = { seed: request.seed >>> 0, bias: request.bias, width: request.width, align: request.align ?? 'left',
    lineSpacing: request.spacing ?? 1, diagnostics: !!request.diagnostics };
  if (request.style) Object.assign(opts, { primeStrokes: request.style.strokes, primeText: request.style.text });
  const page = new PageStream(view, callbacks, request.style?.name ?? null);
  return writePageJob(url, request.text, opts, {
    onEvents: (events) => events.forEach((e) => page.take(e)),
    onDone: () => page.done(),
    onError: (message) => callbacks.onError?.(message),
  });
}

const concat = (parts, Type) => {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};

// The driver's events for a view and the page's callbacks; it keeps each line's points for the
// written page ({lines, placed, hand}) that onDone hands over.
class PageStream {
  constructor(view, cb, hand) {
    Object.assign(this, { view, cb, hand, plan: [], lines: [], placed: null });
  }

  take(e) {
    if (e.kind === 'plan') return this.setPlan(e.lines);
    const l = this.lines[e.line];
    if (e.kind === 'line') {
      Object.assign(l, { text: e.text, maxSteps: e.maxSteps, positions: [], attention: [] });
      this.view.clearLine(e.line);
      this.cb.onLine?.({ line: e.line, text: e.text, maxSteps: e.maxSteps });
    } else if (e.kind === 'restart') {
      Object.assign(l, { positions: [], attention: [] });
      this.view.clearLine(e.line);
    } else if (e.kind === 'points') {
      l.positions.push(e.positions);
      l.attention.push(e.attention);
      if (e.diagnostics) this.view.addDiagnostics?.(e.line, e.diagnostics, e.diagStride, this.offset(e.line), [...l.text].length);
      this.cb.onPoints?.({ line: e.line, positions: e.positions, attention: e.attention, curves: e.curves, steps: e.steps, maxSteps: l.maxSteps });
    } else if (e.kind === 'line-end') {
      l.end = { line: e.line, finished: e.finished, attempts: e.attempts, seed: e.seed, check: { ok: e.ok, problem: e.problem } };
      this.cb.onLineEnd?.({ ...l.end, curves: e.curves });
    } else if (e.kind === 'placed') {
      this.placed = e;
      this.view.place(e);
    }
  }

  // The plan (first, and again once the first line has measured the hand): the view's rows.
  setPlan(plan) {
    const kept = this.plan[0]?.text === plan[0]?.text ? this.lines[0] : null;
    this.plan = plan;
    this.lines = plan.map((p, i) => (i === 0 && kept ? kept : { plan: p, positions: [], attention: [] }));
    this.lines.forEach((l, i) => { l.plan = plan[i]; });
    this.view.setPlan(plan);
    this.cb.onPlan?.(plan);
  }

  // Code points of priming text before line i's own in the generator's text.
  offset(i) {
    const l = this.lines[i];
    return [...l.text].length - [...l.plan.text].length;
  }

  done() {
    const lines = this.lines.map((l, i) => {
      const attention = concat(l.attention, Int32Array), off = this.offset(i);
      return { text: l.plan.text, seed: l.end.seed, attempts: l.end.attempts, check: l.end.check, finished: l.end.finished,
        positions: concat(l.positions, Float32Array), peaks: Array.from(attention, (p) => (p < off ? -1 : p - off)) };
    });
    this.cb.onDone?.({ lines, placed: this.placed, hand: this.hand });
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

  // The page the next lines are written for: width (writing units) and spacing (baseline to
  // baseline, in line heights); the lines come with the plan (setPlan).
  setPage({ width, spacing }) {
    this.page = { width, spacing, paragraphs: [] };
  }

  // The driver's plan: one row per line. Planned again after the first line, the rows after it
  // change (the first line keeps what it has drawn; it is cleared when it is written again).
  setPlan(plan) {
    if (!this.page) return this.reset(plan.length);
    this.page.paragraphs = plan.map((l) => l.paragraph);
    if (!this.lines.length) return this.reset(plan.length);
    const first = this.lines[0], diag = this.diag?.[0];
    this.reset(plan.length);
    this.lines[0] = first;
    if (diag) this.diag[0] = diag;
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

  // Line i is written (again): what was drawn of it goes.
  clearLine(i) {
    const l = this.lines[i];
    if (!l) return;
    l.clear();
    if (this.diag?.[i]) this.diag[i] = { parts: [], stride: 0, offset: 0, u: 0 };
    if (this.cursor.line === i) this.cursor.index = 0;
    this.dirty = true;
    this.schedule();
  }

  // The core's placed page (the driver's 'placed' event): each line's points and curves take
  // their place (the same points, placed).
  place(placed) {
    placed.lines.forEach((pl, i) => {
      const l = this.lines[i];
      if (!l) return;
      const n = pl.points.length / 3;
      if (n !== l.x.length) l.attention.length = 0;  // (never: placement keeps every point)
      l.x.length = l.y.length = l.up.length = l.c.length = 0;
      l.add(pl.points, pl.curves);
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
    // While writing: each line on its row (as the placement puts it: half a pitch more per paragraph).
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
