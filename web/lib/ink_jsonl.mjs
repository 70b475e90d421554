// Ink files (docs/INK.md) on the page: JSON Lines, one handwritten line per record,
// {"text", "strokes": [[[x, y] or [x, y, t], ...], ...], "writer"}. The page's own hands are
// exported and imported in it, the collect page downloads it, and `hw-train data --ink` and
// `hw score --ink` read it. Every record is checked by the core's reader (shared/ink_jsonl.cpp),
// through the worker (engine.mjs: readInk) or a module given for tests: no rule of the format is
// written here, so a file the page accepts is one the trainer reads.
import { readInk } from './engine.mjs';

// The fields a record keeps on the page.
const fields = (rec) => ({ text: rec.text, strokes: rec.strokes, ...(rec.writer !== undefined ? { writer: rec.writer } : {}) });

// A JSONL file's text -> {records: [{text, strokes, writer?}], errors: ['NAME:LINE: message']}: the
// bad records reported and left out, the good ones kept as their JSON holds them. `read` is the
// core's reader (text, name) -> {records: [JSON text], errors}.
export async function parseInkJsonl(text, name = 'ink', read = readInk) {
  const got = await read(text, name);
  return { records: got.records.map((json) => fields(JSON.parse(json))), errors: got.errors };
}

// One record {text, strokes, writer?}: '' when the core's reader accepts it, else what is wrong.
export async function checkRecord(rec, read = readInk) {
  const { errors } = await read(JSON.stringify(fields(rec ?? {})), 'ink');
  return errors.length ? errors[0].replace(/^ink:1: /, '') : '';
}

// Records -> the text of a JSONL file (one record a line, a newline at the end).
export function toInkJsonl(records) {
  return records.map((r) => JSON.stringify({ text: r.text, strokes: r.strokes, ...(r.writer ? { writer: r.writer } : {}) })).join('\n') + '\n';
}
