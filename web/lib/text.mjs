// Text preparation for the page and the widget: the core's typography mapping (mirrored from
// shared/text.cpp; a node test keeps the two in step), what to do with characters the model cannot
// write (replace with the other case when the model has it, otherwise skip — always reported), and
// word-wrapping into lines short enough for the model.

export const MAX_LINE_CHARS = 40;  // the model attends well over short lines
export const MAX_TEXT_CHARS = 600; // beyond this we refuse: ~15 lines of handwriting

const TYPOGRAPHY = new Map([
  ['\u2019', "'"], ['\u2018', "'"], ['\u201B', "'"], ['\u2032', "'"],
  ['\u201C', '"'], ['\u201D', '"'], ['\u201E', '"'], ['\u2033', '"'],
  ['\u2013', '-'], ['\u2014', '-'], ['\u2012', '-'], ['\u2212', '-'],
  ['\u2026', '...'], ['\u00A0', ' '], ['\t', ' '],
]);

export function normaliseTypography(s) {
  let out = '';
  for (const ch of s) out += TYPOGRAPHY.get(ch) ?? ch;
  return out;
}

// Checks text against the alphabet. Returns
//   { clean, marks: [{index, ch, action: 'replaced' | 'skipped', with}] }
// where index counts code points of the original text (for highlighting) and `clean` is what the
// model will write (newlines kept: they are line breaks, not characters).
export function prepareText(text, alphabet) {
  const known = new Set(alphabet);
  const marks = [];
  let clean = '';
  let index = 0;
  for (const ch of text) {
    const mapped = ch === '\n' ? '\n' : normaliseTypography(ch);
    if (mapped === '\n' || [...mapped].every((c) => known.has(c))) {
      clean += mapped;
    } else {
      const other = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
      if (other !== ch && [...other].length === 1 && known.has(other)) {
        marks.push({ index, ch, action: 'replaced', with: other });
        clean += other;
      } else {
        marks.push({ index, ch, action: 'skipped' });
      }
    }
    ++index;
  }
  return { clean, marks };
}

// Splits text into lines of at most `max` characters at spaces; a word longer than a line is cut.
// Explicit newlines are kept; empty lines are dropped (they would write nothing).
export function wrapLines(text, max = MAX_LINE_CHARS) {
  const lines = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(/ +/).filter(Boolean)) {
      while ([...word].length > max) {
        if (line) lines.push(line);
        line = '';
        const cps = [...word];
        lines.push(cps.slice(0, max).join(''));
        word = cps.slice(max).join('');
      }
      if (!word) continue;
      if (!line) line = word;
      else if ([...line].length + 1 + [...word].length <= max) line += ' ' + word;
      else {
        lines.push(line);
        line = word;
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

// A seed per line, derived from the main seed (line 0 uses the seed itself, so one line of text
// writes exactly what `hw sample --seed N` writes).
export function lineSeed(seed, i) {
  if (i === 0) return seed >>> 0;
  let h = (seed ^ Math.imul(i, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// Everything the page and the widget do with typed text before asking the worker to write it.
// Returns { lines, marks, error } — error is a message for the reader when the text is refused.
export function planText(text, alphabet, maxLine = MAX_LINE_CHARS) {
  const cps = [...text];
  if (cps.length > MAX_TEXT_CHARS)
    return { lines: [], marks: [], error: `The text has ${cps.length} characters; the limit is ${MAX_TEXT_CHARS}. Please shorten it.` };
  const { clean, marks } = prepareText(text, alphabet);
  const lines = wrapLines(clean, maxLine);
  if (!lines.length) return { lines, marks, error: 'Nothing to write: type some text the model knows.' };
  return { lines, marks, error: '' };
}

// A short human sentence about the characters that were changed.
export function describeMarks(marks) {
  if (!marks.length) return '';
  const show = (c) => (c === ' ' ? 'space' : c === '\n' ? 'newline' : `“${c}”`);
  const replaced = [...new Map(marks.filter((m) => m.action === 'replaced').map((m) => [m.ch, m])).values()];
  const skipped = [...new Set(marks.filter((m) => m.action === 'skipped').map((m) => m.ch))];
  const parts = [];
  if (replaced.length) parts.push(`replaced ${replaced.map((m) => `${show(m.ch)} with ${show(m.with)}`).join(', ')}`);
  if (skipped.length) parts.push(`skipped ${skipped.map(show).join(', ')}`);
  return `This model cannot write every character: ${parts.join('; ')}.`;
}
