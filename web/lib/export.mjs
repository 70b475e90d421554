// Downloads of the written page on paper (issue #13): SVG with smoothed strokes (optionally a
// pen-pressure width), a hairline SVG for plotters and G-code are the core's exports, the page
// written for the paper by the same driver as `hw sample --text-file` (in the worker: engine.mjs
// exportPage), so the same text, settings and seed give the same files; PNG is that SVG drawn at
// a resolution. This file reads the settings and saves the files; the rules, limits and pen
// presets are the core's (hw.constants, hw.penCommands).
import { exportPage } from './engine.mjs';

export function saveBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// An SVG drawn on white paper as a PNG blob of width x height pixels.
export async function svgToPng(svg, width, height) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [width, height];
    const c = canvas.getContext('2d');
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, width, height);
    c.drawImage(img, 0, 0, width, height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The export settings in `root` (inputs with data-export="page" ...), within the core's limits.
function readOptions(root, limits) {
  const v = (name) => root.querySelector(`[data-export="${name}"]`);
  const num = (name, [lo, hi]) => {
    const x = Number(v(name).value);
    if (!(x >= lo && x <= hi)) throw new Error(`${v(name).dataset.label || name} must be between ${lo} and ${hi}`);
    return x;
  };
  return {
    page: v('page').value, margin: num('margin', limits.margin), xHeight: num('x-height', limits.xHeight),
    feed: num('feed', limits.feed), pen: v('pen').value, penUp: v('pen-up').value.trim(), penDown: v('pen-down').value.trim(),
    dpi: num('dpi', limits.dpi), pressure: v('pressure').checked,
  };
}

// The inputs' ranges from the core's limits.
function applyLimits(root, limits) {
  for (const [name, key] of [['margin', 'margin'], ['x-height', 'xHeight'], ['feed', 'feed'], ['dpi', 'dpi']]) {
    const input = root.querySelector(`[data-export="${name}"]`);
    [input.min, input.max] = limits[key].map(String);
  }
}

const FILES = { svg: ['svg', 'handwriting-page.svg', 'image/svg+xml'], plot: ['plot-svg', 'handwriting-plot.svg', 'image/svg+xml'],
  gcode: ['gcode', 'handwriting.gcode', 'text/plain'], png: ['svg', 'handwriting-page.png', 'image/png'] };

// One download: the page written for the paper (once for every format of it), then the file.
async function download(kind, p, o) {
  const [format, name, type] = FILES[kind];
  const opts = { ...p.opts, paper: { name: o.page, margin: o.margin, xHeight: o.xHeight, lineSpacing: p.spacing, align: p.align } };
  const pen = { pressure: o.pressure, colour: p.colour, feed: o.feed, pen: o.pen, penUp: o.penUp, penDown: o.penDown };
  const r = await exportPage(p.url, p.text, opts, format, pen);
  if (r.error) throw new Error(r.error);
  const px = (mm) => Math.round((mm / 25.4) * o.dpi);
  saveBlob(kind === 'png' ? await svgToPng(r.text, px(r.width), px(r.height)) : new Blob([r.text], { type }), name);
  return r.note;
}

// Wires the export buttons in `root` (data-download="svg|plot|gcode|png"); page() gives what the
// page wrote ({url, text (prepared), opts (seed, bias, the hand), spacing, align, colour}) or
// null; info is the model's ({constants, penPresets}); report(message) shows problems and notes.
export function bindExports(root, page, report, info) {
  const pen = root.querySelector('[data-export="pen"]');
  pen.addEventListener('change', () => {
    const p = info().penPresets[pen.value];
    root.querySelector('[data-export="pen-up"]').value = p.up;
    root.querySelector('[data-export="pen-down"]').value = p.down;
  });
  root.querySelectorAll('[data-download]').forEach((b) => b.addEventListener('click', async () => {
    const p = page();
    if (!p) return report('Write something first.');
    try {
      const note = await download(b.dataset.download, p, readOptions(root, info().constants.limits));
      report(note ? `${note[0].toUpperCase()}${note.slice(1)}.` : '');
    } catch (e) {
      report(`Export failed: ${e.message}`);
    }
  }));
  return { limits: () => applyLimits(root, info().constants.limits) };
}
