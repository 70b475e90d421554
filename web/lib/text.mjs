// What the page and the widget do with typed text around the core's preparation of it: the core
// (Model.prepareText, through the worker) maps typography and applies the one policy for
// characters the model cannot write; here the result is wrapped into lines short enough for the
// model, each line gets its seed, and the changes are put into words for the reader.

export const MAX_LINE_CHARS = 40;  // the model attends well over short lines
export const MAX_TEXT_CHARS = 600; // beyond this we refuse: ~15 lines of handwriting

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
// `prepare(text)` resolves with the core's {text, marks, error} (engine.prepareText for a model).
// Resolves with {lines, marks, error}: error is a message for the reader when the text is refused;
// marks index code points of the text as typed.
export async function planText(text, prepare, maxLine = MAX_LINE_CHARS) {
  const count = [...text].length;
  if (count > MAX_TEXT_CHARS)
    return { lines: [], marks: [], error: `The text has ${count} characters; the limit is ${MAX_TEXT_CHARS}. Please shorten it.` };
  const prepared = await prepare(text);
  if (prepared.error) return { lines: [], marks: [], error: prepared.error };
  const lines = wrapLines(prepared.text, maxLine);
  if (!lines.length) return { lines, marks: prepared.marks, error: 'Nothing to write: type some text the model knows.' };
  return { lines, marks: prepared.marks, error: '' };
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
