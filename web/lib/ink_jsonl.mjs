// The ink format of docs/INK.md in the browser: JSON Lines, one handwritten line per record,
// {"text", "strokes": [[[x, y] or [x, y, t], ...], ...], "writer"}. The page's own hands are
// exported and imported in it, the collect page downloads it, and `hw-train data --ink` and
// `hw score --ink` read it (native/sources/ink_jsonl.cpp is the reference reader; this one checks
// the same fields so that a file the page writes or accepts is one the trainer reads).

const MAX_STROKES = 10000;       // shared/ink.h kMaxInkStrokes
const MAX_POINTS = 400000;       // shared/ink.h kMaxInkPoints
const MAX_COORDINATE = 1e7;      // shared/ink.h kMaxInkCoordinate
const MAX_TEXT_CHARS = 200;      // shared/text.h kMaxTextChars

// Checks one record's fields; returns '' or what is wrong (naming the field, stroke and point).
export function checkRecord(rec) {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return 'a record must be a JSON object';
  if (typeof rec.text !== 'string') return 'field "text" is missing or not a string';
  const chars = [...rec.text].length;
  if (chars > MAX_TEXT_CHARS) return `field "text" has ${chars} characters; the limit is ${MAX_TEXT_CHARS}`;
  if (rec.writer !== undefined && typeof rec.writer !== 'string') return 'field "writer" is not a string';
  const strokes = rec.strokes;
  if (!Array.isArray(strokes) || !strokes.length) return 'field "strokes" must be a non-empty array of strokes';
  if (strokes.length > MAX_STROKES) return `field "strokes" has ${strokes.length} strokes (at most ${MAX_STROKES})`;
  let points = 0;
  for (let i = 0; i < strokes.length; ++i) {
    const s = strokes[i];
    if (!Array.isArray(s) || !s.length) return `strokes[${i}] must be a non-empty array of points`;
    points += s.length;
    if (points > MAX_POINTS) return `more than ${MAX_POINTS} points`;
    const timed = Array.isArray(s[0]) && s[0].length === 3;
    for (let k = 0; k < s.length; ++k) {
      const p = s[k];
      if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) return `strokes[${i}][${k}] must be [x, y] or [x, y, t]`;
      if ((p.length === 3) !== timed) return `strokes[${i}] has time stamps on some points only`;
      if (!p.every((v) => typeof v === 'number' && Number.isFinite(v))) return `strokes[${i}][${k}] holds a value that is not a finite number`;
      if (Math.abs(p[0]) > MAX_COORDINATE || Math.abs(p[1]) > MAX_COORDINATE) return `strokes[${i}][${k}] is out of range (|x|, |y| ≤ ${MAX_COORDINATE})`;
    }
  }
  return '';
}

// Parses a JSONL file's text: {records, errors: ['NAME:LINE: message']}. Blank lines are skipped;
// a bad record is reported and left out, the others kept.
export function parseInkJsonl(text, name = 'ink') {
  const records = [];
  const errors = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      errors.push(`${name}:${i + 1}: not JSON (${e.message})`);
      return;
    }
    const why = checkRecord(rec);
    if (why) errors.push(`${name}:${i + 1}: ${why}`);
    else records.push({ text: rec.text, strokes: rec.strokes, ...(rec.writer !== undefined ? { writer: rec.writer } : {}) });
  });
  return { records, errors };
}

// Records -> the text of a JSONL file (one record a line, a newline at the end).
export function toInkJsonl(records) {
  return records.map((r) => JSON.stringify({ text: r.text, strokes: r.strokes, ...(r.writer ? { writer: r.writer } : {}) })).join('\n') + '\n';
}
