// A stand-in for a person's handwriting in tests and measurements: lines of text set in a Hershey
// font (Debian's hershey-fonts-data, installed by make setup) with a steady slant and a wobble of
// their own, as ink records of docs/INK.md with time stamps (a pen at a steady pace).
// Usage: node tests/web/hershey_hand.mjs OUT.jsonl [LINES] [FONT] [--lower]
//   LINES lines of web/lib/prompts.mjs (default 36), FONT a .jhf name (default cursive: a family
//   the shipped model never saw: its style presets are held-out lines); --lower writes the text in
//   lowercase without digits, for a model with a small alphabet.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { SENTENCES } from '../../web/lib/prompts.mjs';

const FONT_DIR = '/usr/share/hershey-fonts';

// glyph per ASCII code 32..126: {left, right, strokes: [[[x, y], ...], ...]}
export function readHershey(font) {
  const path = `${FONT_DIR}/${font}.jhf`;
  const text = readFileSync(path, 'latin1').replace(/\r?\n/g, '');
  const glyphs = [];
  let at = 0;
  while (at + 8 <= text.length) {
    const n = Number(text.slice(at + 5, at + 8));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${path}: bad glyph header at ${at}`);
    const data = text.slice(at + 8, at + 8 + 2 * n);
    at += 8 + 2 * n;
    const v = (i) => data.charCodeAt(i) - 82;
    const strokes = [[]];
    for (let i = 2; i + 1 < data.length; i += 2) {
      if (data[i] === ' ' && data[i + 1] === 'R') strokes.push([]);
      else strokes.at(-1).push([v(i), v(i + 1)]);
    }
    glyphs.push({ left: v(0), right: v(1), strokes: strokes.filter((s) => s.length) });
  }
  if (glyphs.length < 95) throw new Error(`${path}: ${glyphs.length} glyphs, expected 95 (ASCII 32-126)`);
  return glyphs;
}

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// One line as ink: glyphs side by side, slanted, each point moved by a smooth wobble; times at a
// pen speed of `speed` units per ms, with a pause between strokes.
export function writeLine(glyphs, text, { seed = 1, slant = 0.25, scale = 1.5, speed = 0.12 } = {}) {
  const r = rng(seed);
  const wob = [r() * 6, r() * 6, 0.6 + 0.3 * r()];
  const strokes = [];
  let x = 0, t = 0;
  for (const ch of text) {
    const g = glyphs[ch.charCodeAt(0) - 32] ?? glyphs[0];
    for (const s of g.strokes) {
      const pts = s.map(([gx, gy]) => {
        const px = x + (gx - g.left) + 0.5 * Math.sin(wob[0] + 0.3 * (x + gx));
        const py = gy + 0.4 * Math.sin(wob[1] + 0.25 * (x + gx)) * wob[2];
        return [scale * (px - slant * py), scale * py];
      });
      const out = [];
      pts.forEach(([px, py], i) => {
        if (i) t += Math.hypot(px - pts[i - 1][0], py - pts[i - 1][1]) / speed;
        out.push([Math.round(px * 100) / 100, Math.round(py * 100) / 100, Math.round(t)]);
      });
      t += 120 + 80 * r();
      strokes.push(out);
    }
    x += g.right - g.left;
  }
  return { text, strokes, writer: 'hershey-stand-in' };
}

export function hand(lines, font = 'cursive', lower = false) {
  const glyphs = readHershey(font);
  return Array.from({ length: lines }, (_, i) => {
    let text = SENTENCES[i % SENTENCES.length];
    if (lower) text = text.toLowerCase().replace(/[^a-z .,'!?]/g, '').replace(/ +/g, ' ').trim();
    return writeLine(glyphs, text, { seed: 17 + i, slant: 0.22 + 0.04 * Math.sin(i) });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).filter((a) => a !== '--lower');
  const [out, lines = '36', font = 'cursive'] = args;
  if (!out) {
    console.error('usage: node tests/web/hershey_hand.mjs OUT.jsonl [LINES] [FONT] [--lower]');
    process.exit(2);
  }
  const recs = hand(Number(lines), font, process.argv.includes('--lower'));
  writeFileSync(`${out}.tmp`, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  renameSync(`${out}.tmp`, out);
}
