// What the page and the widget say about typed text after the core prepared it: the core
// (Model.prepareText, planLines) maps typography, applies the one policy for characters the model
// cannot write and plans the lines (lib/long_text.mjs); here the changes are put into words.

export const MAX_LINE_CHARS = 40;  // the model attends well over short lines

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
