// Downloads of the written page (issue #13): SVG with smoothed strokes (optionally a pen-pressure
// width from the pen's speed), a single-line hairline SVG for plotters, G-code and PNG at a chosen
// resolution. The page is the core's placement (hw.placeLines, lib/long_text.mjs) in writing
// units, put on paper in millimetres; the rules and defaults are those of `hw sample`'s page
// exports (native/render/sheet.cpp, native/hw_main.cpp).

export const PAPER = { a3: [297, 420], a4: [210, 297], a5: [148, 210], letter: [215.9, 279.4], legal: [215.9, 355.6] };
export const DEFAULTS = {
  page: 'a4', margin: 15, xHeight: 2.5, penWidth: 0.5, colour: '#1b2a4a', pressure: false, dpi: 150,
  feed: 3000, travelFeed: 6000, pen: 'servo', zUp: 5, zDown: 0,
};
const LINE_HEIGHT_PER_X_HEIGHT = 1.3;  // shared/ink.h kLineHeightPerXHeight

// The pen commands of a preset: 'servo' (GRBL-style pen plotters) or 'z' (heights in mm).
export function penCommands(kind, zUp = DEFAULTS.zUp, zDown = DEFAULTS.zDown) {
  if (kind === 'z') return { up: `G0 Z${zUp.toFixed(2)}`, down: `G1 Z${zDown.toFixed(2)} F1000` };
  return { up: 'M5', down: 'M3 S90' };
}

// The placed page on paper: {width, height (mm), xHeight (mm, as used), strokes: [[x, y, ...] mm]}.
// The writing is at `xHeight` mm, smaller when the text would not fit inside the margins; a stray
// mark that leaves the paper is cut at its edge, so no move ever leaves the page.
export function sheetOf(placed, lineHeight, opts = {}) {
  const o = { ...DEFAULTS, ...opts };
  const [W, H] = PAPER[o.page] ?? PAPER.a4;
  const unit = lineHeight / LINE_HEIGHT_PER_X_HEIGHT;  // the model's x-height in writing units
  const room = (size) => Math.max(1, size - 2 * o.margin);
  const k = Math.min(o.xHeight / unit, room(W) / Math.max(1e-6, placed.width), room(H) / Math.max(1e-6, placed.height));
  const inside = (x, y) => x >= 0 && x <= W && y >= 0 && y <= H;
  const strokes = [];
  for (const line of placed.lines) {
    for (const s of line.strokes) {
      let cur = [];
      for (let i = 0; i + 1 < s.length; i += 2) {
        const x = o.margin + s[i] * k, y = o.margin + s[i + 1] * k;
        if (inside(x, y)) cur.push(x, y);
        else if (cur.length) strokes.push(cur), (cur = []);
      }
      if (cur.length) strokes.push(cur);
    }
  }
  return { width: W, height: H, xHeight: k * unit, strokes };
}

const f2 = (v) => v.toFixed(2);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function svgHead(sheet, title) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${f2(sheet.width)}mm" ` +
    `height="${f2(sheet.height)}mm" viewBox="0 0 ${f2(sheet.width)} ${f2(sheet.height)}">\n<title>${esc(title)}</title>\n`;
}

// A stroke's Catmull-Rom curve as cubic Béziers: [x1, y1, x2, y2, x, y] per segment.
function bezier(s, i) {
  const n = s.length / 2, a = Math.max(0, i - 1), d = Math.min(n - 1, i + 2);
  const X = (j) => s[2 * j], Y = (j) => s[2 * j + 1];
  return [X(i) + (X(i + 1) - X(a)) / 6, Y(i) + (Y(i + 1) - Y(a)) / 6, X(i + 1) - (X(d) - X(i)) / 6, Y(i + 1) - (Y(d) - Y(i)) / 6, X(i + 1), Y(i + 1)];
}

// Width factor per segment for the pressure look: points come at a fixed rate, so a segment's
// length is the pen's speed; slower is thicker (smoothed over two neighbours each side, 8 levels).
function widthLevels(s) {
  const m = s.length / 2 - 1, len = [];
  for (let i = 0; i < m; ++i) len.push(Math.hypot(s[2 * i + 2] - s[2 * i], s[2 * i + 3] - s[2 * i + 1]));
  const med = Math.max(1e-6, [...len].sort((p, q) => p - q)[m >> 1]);
  return len.map((_, i) => {
    let sum = 0, k = 0;
    for (let j = Math.max(0, i - 2); j <= Math.min(m - 1, i + 2); ++j, ++k) sum += len[j] / med;
    const f = Math.min(1.4, Math.max(0.45, 1.45 - (0.5 * sum) / k));
    return 0.45 + (0.95 * Math.round(((f - 0.45) / 0.95) * 7)) / 7;
  });
}

// SVG with smoothed strokes; with `pressure`, the width follows the pen's speed.
export function smoothSVG(sheet, opts = {}) {
  const o = { ...DEFAULTS, ...opts };
  const paths = [];
  for (const s of sheet.strokes) {
    if (s.length < 4) {
      paths.push(`<path stroke-width="${o.penWidth.toFixed(3)}" d="M${f2(s[0])} ${f2(s[1])} l0.01 0"/>`);
      continue;
    }
    const widths = o.pressure ? widthLevels(s) : null;
    let d = '', w = -1;
    for (let i = 0; i + 1 < s.length / 2; ++i) {
      const wi = widths ? widths[i] : 1;
      if (wi !== w) {
        if (d) paths.push(`<path stroke-width="${(o.penWidth * w).toFixed(3)}" d="${d}"/>`);
        d = `M${f2(s[2 * i])} ${f2(s[2 * i + 1])}`;
        w = wi;
      }
      d += ` C${bezier(s, i).map(f2).join(' ')}`;
    }
    paths.push(`<path stroke-width="${(o.penWidth * w).toFixed(3)}" d="${d}"/>`);
  }
  return `${svgHead(sheet, o.title ?? '')}<rect width="100%" height="100%" fill="white"/>\n` +
    `<g fill="none" stroke="${esc(o.colour)}" stroke-linecap="round" stroke-linejoin="round">\n${paths.join('\n')}\n</g>\n</svg>\n`;
}

// Single-line hairline SVG for plotters: one path of straight segments per stroke, no fill.
export function plotterSVG(sheet, title = '') {
  const paths = sheet.strokes.map((s) => {
    let d = '';
    for (let i = 0; i + 1 < s.length; i += 2) d += `${i ? ' L' : 'M'}${f2(s[i])} ${f2(s[i + 1])}`;
    return `<path d="${d}${s.length === 2 ? ' l0.01 0' : ''}"/>`;
  });
  return `${svgHead(sheet, title)}<g fill="none" stroke="black" stroke-width="0.1" vector-effect="non-scaling-stroke">\n${paths.join('\n')}\n</g>\n</svg>\n`;
}

// G-code: millimetres, absolute, origin bottom left; the pen lifted between strokes; G0 travel,
// G1 drawing at `feed` mm/min; penUp/penDown one G-code line each.
export function gcode(sheet, opts = {}) {
  const o = { ...DEFAULTS, ...penDefaults(opts), ...opts };
  for (const cmd of [o.penUp, o.penDown]) {
    if (!cmd || /[\r\n]/.test(cmd)) throw new Error('the pen up and pen down commands take one G-code line each');
  }
  if (!(o.feed > 0)) throw new Error('the feed rate must be a positive number of mm/min');
  const H = sheet.height, n = (v) => v.toFixed(3);
  const out = [`; handwriting: ${sheet.strokes.length} strokes`, `; page ${sheet.width.toFixed(1)} x ${H.toFixed(1)} mm, origin bottom left`, 'G21', 'G90', o.penUp];
  sheet.strokes.forEach((s, k) => {
    out.push(`G0 X${n(s[0])} Y${n(H - s[1])}${k === 0 ? ` F${Math.round(o.travelFeed)}` : ''}`, o.penDown);
    for (let i = 2; i + 1 < s.length; i += 2) out.push(`G1 X${n(s[i])} Y${n(H - s[i + 1])}${i === 2 ? ` F${Math.round(o.feed)}` : ''}`);
    out.push(o.penUp);
  });
  out.push('G0 X0 Y0');
  return `${out.join('\n')}\n`;
}

const penDefaults = (opts) => {
  const p = penCommands(opts.pen ?? DEFAULTS.pen, opts.zUp, opts.zDown);
  return { penUp: p.up, penDown: p.down };
};

// The page as a PNG blob at `dpi` dots per inch (white paper, round pen).
export function png(sheet, opts = {}) {
  const o = { ...DEFAULTS, ...opts };
  const px = o.dpi / 25.4;
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [Math.round(sheet.width * px), Math.round(sheet.height * px)];
  const c = canvas.getContext('2d');
  c.fillStyle = '#ffffff';
  c.fillRect(0, 0, canvas.width, canvas.height);
  c.setTransform(px, 0, 0, px, 0, 0);
  Object.assign(c, { lineCap: 'round', lineJoin: 'round', strokeStyle: o.colour, lineWidth: o.penWidth });
  c.beginPath();
  for (const s of sheet.strokes) {
    c.moveTo(s[0], s[1]);
    if (s.length === 2) c.lineTo(s[0] + 0.01, s[1]);
    for (let i = 2; i + 1 < s.length; i += 2) c.lineTo(s[i], s[i + 1]);
  }
  c.stroke();
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
}

export function saveBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// The export settings in `root` (inputs with data-export="page" ...), as options.
function readOptions(root) {
  const v = (name) => root.querySelector(`[data-export="${name}"]`);
  const num = (name, lo, hi) => {
    const x = Number(v(name).value);
    if (!(x >= lo && x <= hi)) throw new Error(`${v(name).dataset.label || name} must be between ${lo} and ${hi}`);
    return x;
  };
  return {
    page: v('page').value, margin: num('margin', 0, 60), xHeight: num('x-height', 0.5, 100), feed: num('feed', 1, 100000),
    pen: v('pen').value, penUp: v('pen-up').value.trim(), penDown: v('pen-down').value.trim(), dpi: num('dpi', 10, 1200),
    pressure: v('pressure').checked,
  };
}

// Wires the export buttons in `root` (data-download="svg|plot|gcode|png"); page() gives the
// written page ({placed, lineHeight, title, colour}) or null; report(message) shows problems.
export function bindExports(root, page, report) {
  const pen = root.querySelector('[data-export="pen"]');
  pen.addEventListener('change', () => {
    const p = penCommands(pen.value);
    root.querySelector('[data-export="pen-up"]').value = p.up;
    root.querySelector('[data-export="pen-down"]').value = p.down;
  });
  root.querySelectorAll('[data-download]').forEach((b) => b.addEventListener('click', async () => {
    const p = page();
    if (!p) return report('Write something first.');
    try {
      const o = readOptions(root);
      const sheet = sheetOf(p.placed, p.lineHeight, o);
      const kind = b.dataset.download;
      if (kind === 'svg') saveBlob(new Blob([smoothSVG(sheet, { ...o, colour: p.colour, title: p.title })], { type: 'image/svg+xml' }), 'handwriting-page.svg');
      else if (kind === 'plot') saveBlob(new Blob([plotterSVG(sheet, p.title)], { type: 'image/svg+xml' }), 'handwriting-plot.svg');
      else if (kind === 'gcode') saveBlob(new Blob([gcode(sheet, o)], { type: 'text/plain' }), 'handwriting.gcode');
      else saveBlob(await png(sheet, { ...o, colour: p.colour }), 'handwriting-page.png');
      report(sheet.xHeight < o.xHeight - 1e-3 ? `Written smaller (x-height ${sheet.xHeight.toFixed(2)} mm) to fit the page.` : '');
    } catch (e) {
      report(`Export failed: ${e.message}`);
    }
  }));
}
