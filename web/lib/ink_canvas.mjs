// InkView, the canvas renderer: draws lines of generated ink on a canvas as the pen moves. Points
// arrive as the core computes them: the pen's position in data units (x, y, y down), whether the
// pen lifts after the point, and the curve into it (the core's CurveStream, shared/sheet.h: the
// Catmull-Rom curves and dots of every export), which comes once the point after it is known; a
// per-line frame fits them to the canvas. The pen draws a point once its curve is there.
// Only new segments are drawn each animation frame; the whole drawing is redrawn only when the
// fit changes (ink left its frame, resize, new colour).

const DEFAULT_POINTS_PER_SECOND = 75;  // ~ handwriting at 3 characters a second, 25 points each
const MARGIN = 18;                     // CSS px around the ink

class Line {
  constructor(lineHeight) {
    this.x = [];
    this.y = [];
    this.up = [];
    this.c = [];          // per point, 6 numbers: the curve into it (c1x c1y c2x c2y x y); NaN c1: a move
    this.attention = [];  // per point, when the worker sends it: where the window peaked
    // The frame (data units) this line is fitted by; it grows with slack when ink leaves it.
    this.frame = { x0: 0, x1: 4 * lineHeight, y0: -2 * lineHeight, y1: 1.2 * lineHeight };
  }
  // positions: (x, y, pen lifted after the point) triples; curves: 6 numbers per point, as final
  add(positions, curves = []) {
    for (let i = 0; i + 2 < positions.length; i += 3) {
      this.x.push(positions[i]);
      this.y.push(positions[i + 1]);
      this.up.push(positions[i + 2] > 0.5);
    }
    this.addCurves(curves);
  }
  addCurves(curves) {
    for (const v of curves) this.c.push(v);
  }
  // Points that can be drawn: those whose curve is known.
  ready() {
    return Math.min(this.x.length, this.c.length / 6);
  }
  clear() {
    this.x.length = this.y.length = this.up.length = this.c.length = this.attention.length = 0;
  }
  // Grows the frame to hold points [from, to); returns true when it changed.
  fit(from, to, lh) {
    const f = this.frame;
    let changed = false;
    for (let i = from; i < to; ++i) {
      const x = this.x[i], y = this.y[i];
      if (x < f.x0) { f.x0 = x - 2 * lh; changed = true; }
      if (x > f.x1) { f.x1 = x + 4 * lh; changed = true; }
      if (y < f.y0) { f.y0 = y - 0.5 * lh; changed = true; }
      if (y > f.y1) { f.y1 = y + 0.5 * lh; changed = true; }
    }
    return changed;
  }
}

export class InkView {
  // canvas: the element to draw on. opts: {lineHeight, pointsPerSecond, maxLineChars}
  constructor(canvas, opts = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.color = '#1b2a4a';
    this.width = 2;
    this.speed = 1;  // multiple of real time; Infinity draws at once
    this.minHeight = 160;
    this.onFrame = null;  // called after each animation frame with {drawn, total}
    this.setModel(opts);
    this.reset(0);
    // A new width (window, column, container) refits the drawing; the height we set ourselves
    // changes only when the fit does, so this cannot loop.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => {
        this.dirty = true;
        this.schedule();
      }).observe(canvas);
    }
  }

  setModel({ lineHeight = 1, pointsPerSecond = 0, maxLineChars = 40 } = {}) {
    this.lh = lineHeight > 0 ? lineHeight : 1;
    this.pps = pointsPerSecond > 0 ? pointsPerSecond : DEFAULT_POINTS_PER_SECOND;
    this.maxLineChars = maxLineChars;
  }

  // Starts a new drawing of `count` lines.
  reset(count) {
    this.lines = Array.from({ length: count }, () => new Line(this.lh));
    this.cursor = { line: 0, index: 0 };  // next point to draw
    this.budget = 0;
    this.last = 0;
    this.complete = false;  // no more points will arrive
    this.announced = false;
    this.dirty = true;
    this.schedule();
  }

  // positions: (x, y, pen lifted) triples of line `line`, as the worker sends them, with the
  // curves that became final (the core's CurveStream).
  addPoints(line, positions, attention = null, curves = []) {
    if (attention) this.lines[line]?.attention.push(...attention);
    this.lines[line]?.add(positions, curves);
    this.schedule();
  }

  // The last curves of a line (its end).
  addCurves(line, curves) {
    this.lines[line]?.addCurves(curves);
    this.schedule();
  }

  // No more points: the animation may finish; `onDrawn` fires when the pen has caught up.
  end() {
    this.complete = true;
    this.schedule();
  }

  // Stops the pen where it is: points not yet drawn are dropped.
  halt() {
    this.lines.forEach((l, i) => {
      const keep = i < this.cursor.line ? l.x.length : i === this.cursor.line ? this.cursor.index : 0;
      l.x.length = l.y.length = l.up.length = keep;
      l.c.length = Math.min(l.c.length, 6 * keep);
    });
    this.announced = true;  // a halted drawing is not "drawn"
    this.complete = true;
  }

  setStyle({ color, width } = {}) {
    if (color) this.color = color;
    if (width) this.width = width;
    this.dirty = true;
    this.schedule();
  }

  setSpeed(speed) {
    this.speed = speed;
    this.schedule();
  }

  get drawnAll() {
    return this.complete && this.pending() === 0;
  }

  total() {
    return this.lines.reduce((n, l) => n + l.x.length, 0);
  }

  // Points not drawn yet (those waiting for their curve included).
  pending() {
    let n = 0;
    for (let i = this.cursor.line; i < this.lines.length; ++i)
      n += this.lines[i].x.length - (i === this.cursor.line ? this.cursor.index : 0);
    return n;
  }

  schedule() {
    if (this.raf || typeof requestAnimationFrame !== 'function') return;
    this.raf = requestAnimationFrame((t) => this.frame(t));
  }

  frame(t) {
    this.raf = 0;
    const dt = this.last ? Math.min(0.25, (t - this.last) / 1000) : 1 / 60;  // no jump after a hidden tab
    this.last = t;
    if (this.resizeIfNeeded()) this.dirty = true;
    const start = { ...this.cursor };
    this.advance(dt);
    if (this.refit(start)) this.dirty = true;
    if (this.dirty) this.redraw();
    else this.drawSegments(start, this.cursor);
    this.onFrame?.({ drawn: this.total() - this.pending(), total: this.total(), complete: this.drawnAll, at: this.attentionAt() });
    if (this.pending() > 0) this.schedule();
    else {
      this.last = 0;
      this.budget = 0;
      if (this.complete && !this.announced) {
        this.announced = true;
        // One last full redraw: the pixels of the finished drawing must not depend on how the
        // points were split into chunks and frames, so the same link gives the same image.
        this.redraw();
        this.onDrawn?.();
      }
    }
  }

  // Moves the pen cursor by the points due in dt at the chosen speed (all of them when instant).
  advance(dt) {
    let n = this.speed === Infinity ? Infinity : (this.budget += dt * this.pps * this.speed);
    if (n !== Infinity) this.budget -= Math.floor(n);
    n = Math.floor(n);
    while (n > 0 && this.cursor.line < this.lines.length) {
      const l = this.lines[this.cursor.line];
      const take = Math.min(n, l.ready() - this.cursor.index);
      this.cursor.index += take;
      n -= take;
      if (this.cursor.index < l.x.length) break;
      if (this.cursor.line + 1 < this.lines.length && (this.lines[this.cursor.line + 1].x.length || this.lineDone(this.cursor.line))) {
        this.cursor = { line: this.cursor.line + 1, index: 0 };
      } else break;
    }
    if (this.speed !== Infinity && this.pending() === 0) this.budget = 0;
  }

  // {line, index}: the character the window peaked at for the last point drawn, or null.
  attentionAt() {
    const l = this.lines[this.cursor.line];
    const i = this.cursor.index - 1;
    return l && i >= 0 && i < l.attention.length ? { line: this.cursor.line, index: l.attention[i] } : null;
  }

  lineDone(i) {
    return this.complete || i < this.lines.length - 1 && this.lines[i + 1].x.length > 0;
  }

  refit(start) {
    let changed = false;
    for (let i = start.line; i <= Math.min(this.cursor.line, this.lines.length - 1); ++i) {
      const from = i === start.line ? start.index : 0;
      const to = i === this.cursor.line ? this.cursor.index : this.lines[i].x.length;
      if (this.lines[i].fit(from, to, this.lh)) changed = true;
    }
    return changed;
  }

  // The fit: one zoom for all lines (px per data unit), each line in its own band.
  layout(cssWidth) {
    const inner = Math.max(40, cssWidth - 2 * MARGIN);
    let k = Math.min(30 / this.lh, inner / (this.maxLineChars * 1.3 * this.lh));
    for (const l of this.lines) k = Math.min(k, inner / Math.max(1e-6, l.frame.x1 - l.frame.x0));
    let top = MARGIN;
    const bands = this.lines.map((l) => {
      const b = { ox: MARGIN - l.frame.x0 * k, oy: top - l.frame.y0 * k };
      top += (l.frame.y1 - l.frame.y0) * k + 0.4 * this.lh * k;
      return b;
    });
    return { k, bands, height: Math.max(this.minHeight, top + MARGIN) };
  }

  resizeIfNeeded() {
    const cssW = this.canvas.clientWidth || 600;
    const lay = this.layout(cssW);
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.round(cssW * dpr), h = Math.round(lay.height * dpr);
    // (An unset height parses as NaN: set it then too, or a stylesheet's height squashes the ink.)
    if (!(Math.abs(parseFloat(this.canvas.style.height) - lay.height) <= 0.5)) this.canvas.style.height = `${lay.height}px`;
    if (this.canvas.width === w && this.canvas.height === h && this.dpr === dpr) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    this.dpr = dpr;
    return true;
  }

  prepareContext() {
    const c = this.ctx;
    c.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.strokeStyle = this.color;
    c.lineWidth = this.width;
  }

  redraw() {
    this.dirty = false;
    this.resizeIfNeeded();
    this.lay = this.layout(this.canvas.clientWidth || 600);
    this.prepareContext();
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawSegments({ line: 0, index: 0 }, this.cursor);
  }

  // Strokes the curves that end at points [from, to) (cursor positions): each point's curve from
  // the point before (a stroke's first point: a move, or its dot).
  drawSegments(from, to) {
    if (!this.lay) this.lay = this.layout(this.canvas.clientWidth || 600);
    this.prepareContext();
    const c = this.ctx;
    const { k, bands } = this.lay;
    c.beginPath();
    for (let i = from.line; i <= Math.min(to.line, this.lines.length - 1); ++i) {
      const l = this.lines[i], b = bands[i];
      const a = i === from.line ? from.index : 0;
      const e = Math.min(i === to.line ? to.index : l.x.length, l.ready());
      for (let j = a; j < e; ++j) this.curve(c, l, j, b, k);
    }
    c.stroke();
  }

  // Adds point j's curve of line l to the path (band b, k px per unit).
  curve(c, l, j, b, k) {
    const X = (v) => b.ox + v * k, Y = (v) => b.oy + v * k, s = 6 * j;
    const start = j === 0 || l.up[j - 1];
    c.moveTo(start ? X(l.x[j]) : X(l.x[j - 1]), start ? Y(l.y[j]) : Y(l.y[j - 1]));
    if (Number.isNaN(l.c[s])) return;  // a stroke starts here
    c.bezierCurveTo(X(l.c[s]), Y(l.c[s + 1]), X(l.c[s + 2]), Y(l.c[s + 3]), X(l.c[s + 4]), Y(l.c[s + 5]));
  }

  // The drawing as it stands on the canvas: per line, (x, y, pen lifted) in CSS px, for the
  // core's renderer (engine.mjs renderSvg).
  pixelLines() {
    const lay = this.layout(this.canvas.clientWidth || 600);
    return this.lines.map((l, i) => {
      const b = lay.bands[i], out = new Float32Array(3 * l.x.length);
      for (let j = 0; j < l.x.length; ++j) out.set([b.ox + l.x[j] * lay.k, b.oy + l.y[j] * lay.k, l.up[j] ? 1 : 0], 3 * j);
      return out;
    });
  }
}
