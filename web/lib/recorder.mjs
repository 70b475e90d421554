// InkRecorder: a canvas the visitor writes on with a pen, a finger or the mouse. Pointer events
// (with the browser's coalesced events where it has them, so a fast pen keeps every sample) become
// strokes of [x, y, t]: CSS pixels from the canvas's top left, y down, t in ms since the first
// point of the recording, the ink format of docs/INK.md. Undo and clear; onChange after each edit.

export class InkRecorder {
  constructor(canvas, { color = '#1b2a4a', width = 2.5 } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.color = color;
    this.width = width;
    this.strokes = [];
    this.current = null;   // the stroke being written
    this.pointer = null;   // its pointer id
    this.t0 = null;        // event time stamp that t counts from
    this.offset = 0;       // t of that moment (after loaded ink: a little after its last point)
    this.onChange = null;
    canvas.style.touchAction = 'none';  // a finger writes instead of scrolling the page
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel']) canvas.addEventListener(type, (e) => this.up(e));
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.redraw()).observe(canvas);
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    this.t0 ??= e.timeStamp;
    const round = (v) => Math.round(v * 100) / 100;
    return [round(e.clientX - r.left), round(e.clientY - r.top), round(this.offset + Math.max(0, e.timeStamp - this.t0))];
  }

  down(e) {
    if (this.current || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.pointer = e.pointerId;
    this.current = [this.point(e)];
    this.strokes.push(this.current);
    this.redraw();
  }

  move(e) {
    if (!this.current || e.pointerId !== this.pointer) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.point(ev);
      const last = this.current.at(-1);
      if (p[0] === last[0] && p[1] === last[1]) continue;  // no movement: no point
      p[2] = Math.max(p[2], last[2]);  // times never go back (coalesced events may share one)
      this.current.push(p);
    }
    this.redraw();
  }

  up(e) {
    if (!this.current || e.pointerId !== this.pointer) return;
    this.current = null;
    this.pointer = null;
    this.onChange?.();
  }

  undo() {
    this.current = null;
    this.strokes.pop();
    if (!this.strokes.length) [this.t0, this.offset] = [null, 0];
    this.redraw();
    this.onChange?.();
  }

  clear() {
    this.current = null;
    this.strokes = [];
    [this.t0, this.offset] = [null, 0];
    this.redraw();
    this.onChange?.();
  }

  // Replaces the ink (e.g. a saved line shown again for a redo).
  load(strokes) {
    this.current = null;
    this.strokes = (strokes || []).map((s) => s.map((p) => p.slice()));
    this.t0 = null;
    const times = this.strokes.flat().map((p) => p[2] ?? 0);
    this.offset = times.length ? Math.max(...times) + 300 : 0;  // more writing continues the clock
    this.redraw();
  }

  isEmpty() {
    return !this.strokes.some((s) => s.length > 0);
  }

  // The recording as ink strokes (copies), times starting at 0.
  ink() {
    const t0 = Math.min(...this.strokes.map((s) => s[0][2] ?? 0));
    return this.strokes.map((s) => s.map(([x, y, t = 0]) => [x, y, Math.round((t - t0) * 100) / 100]));
  }

  redraw() {
    const c = this.canvas;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.round((c.clientWidth || 600) * dpr), h = Math.round((c.clientHeight || 160) * dpr);
    if (c.width !== w || c.height !== h) [c.width, c.height] = [w, h];
    const x = this.ctx;
    x.setTransform(dpr, 0, 0, dpr, 0, 0);
    x.clearRect(0, 0, c.width, c.height);
    // A ruled baseline at two thirds of the height, as on lined paper.
    x.strokeStyle = '#c9d3e3';
    x.lineWidth = 1;
    x.beginPath();
    const base = Math.round((c.clientHeight || 160) * 0.68) + 0.5;
    x.moveTo(8, base);
    x.lineTo((c.clientWidth || 600) - 8, base);
    x.stroke();
    Object.assign(x, { strokeStyle: this.color, lineWidth: this.width, lineCap: 'round', lineJoin: 'round' });
    x.beginPath();
    for (const s of this.strokes) {
      x.moveTo(s[0][0], s[0][1]);
      if (s.length === 1) x.lineTo(s[0][0] + 0.1, s[0][1]);  // a dot
      for (let i = 1; i < s.length; ++i) x.lineTo(s[i][0], s[i][1]);
    }
    x.stroke();
  }
}
