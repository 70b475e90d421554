// Live views of the network as it writes (Graves 2013, figs. 12-14), from the diagnostics the
// worker sends per point ({diagnostics: true}: the mixture the point was drawn from and the window
// weights). In the ink (PageInkView.drawSegments): strokes coloured by the character attended, the
// stroke-end probability as line weight, the next-point density as the pen moves. In a panel
// beside the text: the window weights phi over time as a heatmap, the mixture weights pi over time.
// Each view is switched on and off while the page writes.

export const VIEWS = {
  heatmap: 'Attention φ over time',
  colour: 'Strokes coloured by the character attended',
  density: 'Next-point density',
  weight: 'Stroke-end probability as line weight',
  pi: 'Mixture weights π over time',
};

// Views drawn into the ink itself (the others go to the panel).
const INK_VIEWS = ['colour', 'density', 'weight'];
export const wantsCustomInk = (views) => INK_VIEWS.some((v) => views.has(v));

// A colour per character of the line: hues a golden angle apart, so neighbours differ.
export const charColour = (u) => (u < 0 ? '#9aa1ad' : `hsl(${Math.round((u * 137.5) % 360)} 70% 38%)`);

// Draws the segments ending at points [from, to) of the view's lines with the ink views on.
export function drawViewSegments(view, from, to) {
  const c = view.ctx;
  const { k, bands } = view.lay;
  for (let i = from.line; i <= Math.min(to.line, view.lines.length - 1); ++i) {
    const l = view.lines[i], b = bands[i], d = view.diagnostics(i);
    const a = i === from.line ? from.index : 0;
    const e = i === to.line ? to.index : l.x.length;
    for (let j = a; j < Math.min(e, l.ready()); ++j) {
      if (j > 0 && view.views.has('density') && d && j < d.data.length / d.stride) drawDensity(c, view, d, j, b, k, l);
      const own = j < l.attention.length && d ? l.attention[j] - d.offset : -1;
      c.strokeStyle = view.views.has('colour') && d ? charColour(own) : view.color;
      const eos = d && j < d.data.length / d.stride ? d.data[j * d.stride] : 0;
      c.lineWidth = view.views.has('weight') ? view.width * Math.min(3, 0.5 + 2.5 * eos) : view.width;
      c.beginPath();
      view.curve(c, l, j, b, k);  // the core's curve into point j (or its dot)
      c.stroke();
    }
  }
}

// The mixture point j was drawn from, as one ellipse (1 sigma) per component around the previous
// point, its opacity the component's weight (a component wider than a line height, the jump to
// the next stroke, is left out: it would cover the writing).
function drawDensity(c, view, d, j, b, k, l) {
  const s = j * d.stride, m = d.m, sx = view.scale?.x ?? 1, sy = view.scale?.y ?? 1;
  c.save();
  c.fillStyle = '#d2452c';
  for (let q = 0; q < m; ++q) {
    const pi = d.data[s + 1 + q];
    if (pi < 0.02) continue;
    const mu1 = d.data[s + 1 + m + q] * sx, mu2 = d.data[s + 1 + 2 * m + q] * sy;
    const s1 = d.data[s + 1 + 3 * m + q] * sx, s2 = d.data[s + 1 + 4 * m + q] * sy, rho = d.data[s + 1 + 5 * m + q];
    // The covariance's axes: eigenvalues and the angle of the first eigenvector.
    const a = s1 * s1, cc = s2 * s2, bb = rho * s1 * s2;
    const mid = (a + cc) / 2, r = Math.hypot((a - cc) / 2, bb);
    const angle = 0.5 * Math.atan2(2 * bb, a - cc);
    if (Math.sqrt(mid + r) > view.lh) continue;
    c.globalAlpha = Math.min(0.5, 0.6 * pi);
    c.beginPath();
    c.ellipse(b.ox + (l.x[j - 1] + mu1) * k, b.oy + (l.y[j - 1] + mu2) * k,
      Math.max(0.5, Math.sqrt(mid + r) * k), Math.max(0.5, Math.sqrt(Math.max(0, mid - r)) * k), angle, 0, 2 * Math.PI);
    c.fill();
  }
  c.restore();
}

// The panel beside the text: phi (characters x time) and pi (components x time) of the line the
// pen is on, up to the pen.
export class ViewPanel {
  constructor(canvas) {
    this.canvas = canvas;
    this.views = new Set();
  }

  // d: the line's diagnostics (PageInkView.diagnostics), upto: points drawn, text: the line.
  draw(d, upto, text = '') {
    const c = this.canvas, css = c.clientWidth || 600, rows = ['heatmap', 'pi'].filter((v) => this.views.has(v));
    const h = rows.length ? 24 + rows.length * 110 : 0;
    c.style.height = `${h}px`;
    c.hidden = !rows.length;
    const dpr = globalThis.devicePixelRatio || 1;
    if (c.width !== Math.round(css * dpr) || c.height !== Math.round(h * dpr)) [c.width, c.height] = [Math.round(css * dpr), Math.round(h * dpr)];
    const x = c.getContext('2d');
    x.setTransform(dpr, 0, 0, dpr, 0, 0);
    x.clearRect(0, 0, css, h);
    if (!rows.length) return;
    const t = d ? Math.min(upto, d.data.length / d.stride) : 0;
    rows.forEach((v, r) => {
      const top = 20 + r * 110;
      x.fillStyle = '#6b7280';
      x.font = '12px system-ui, sans-serif';
      x.fillText(VIEWS[v], 8, top - 4);
      if (!d || t < 1) return;
      if (v === 'heatmap') heat(x, { left: 8, top, width: css - 16, height: 100 }, t, d.u - d.offset, (p, u) => d.data[p * d.stride + 1 + 6 * d.m + d.offset + u], text);
      else heat(x, { left: 8, top, width: css - 16, height: 100 }, t, d.m, (p, q) => d.data[p * d.stride + 1 + q]);
    });
  }
}

// A heatmap of value(point, row) over `t` points (x) and `n` rows (y, first at the top), with the
// row labels when they fit.
function heat(x, box, t, n, value, labels = '') {
  if (n < 1) return;
  const img = new ImageData(t, n);
  for (let p = 0; p < t; ++p) {
    for (let r = 0; r < n; ++r) {
      const v = Math.max(0, Math.min(1, value(p, r)));
      const o = 4 * (r * t + p);
      img.data.set([255 - 220 * v, 255 - 190 * v, 255 - 80 * v, 255], o);
    }
  }
  const tmp = document.createElement('canvas');
  [tmp.width, tmp.height] = [t, n];
  tmp.getContext('2d').putImageData(img, 0, 0);
  x.imageSmoothingEnabled = false;
  const label = labels && box.height / n >= 7 ? 12 : 0;
  x.drawImage(tmp, box.left + label, box.top, box.width - label, box.height);
  x.strokeStyle = '#e3ded3';
  x.strokeRect(box.left + label, box.top, box.width - label, box.height);
  if (!label) return;
  x.fillStyle = '#23272f';
  x.font = `${Math.min(11, box.height / n)}px ui-monospace, monospace`;
  [...labels].forEach((ch, r) => x.fillText(ch, box.left, box.top + (r + 0.85) * (box.height / n)));
}

// Wires the view switches (inputs named after VIEWS inside `root`) to the ink and the panel;
// `refresh()` redraws the panel. Returns {wanted(): any view on}.
// `needData` is called when a view is switched on: a drawing written without the per-point
// diagnostics has nothing to show, and the page writes it again with them (the same seeds give
// the same strokes).
export function bindViews(root, view, panel, refresh, needData = () => {}) {
  const boxes = [...root.querySelectorAll('input[data-view]')];
  const sync = (e) => {
    if (e?.target?.checked) needData();
    view.views = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.view));
    panel.views = view.views;
    view.dirty = true;
    view.schedule();
    refresh();
  };
  boxes.forEach((b) => b.addEventListener('change', sync));
  sync();
  return { wanted: () => boxes.some((b) => b.checked) };
}
