// Crafting .hwm files for the tests of hostile input: the parts of a good file (docs/FORMAT.md:
// prefix, JSON header, 64-aligned blob, CRC-32 of everything before it) and a rebuild around
// another header with a correct CRC, so that only the header is hostile.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

// CRC-32 (IEEE, as zlib); node 18 has no zlib.crc32.
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function hwmParts(file) {
  const length = file.readUInt32LE(8);
  return {
    header: JSON.parse(file.subarray(12, 12 + length).toString('utf8')),
    blob: file.subarray(Math.ceil((12 + length) / 64) * 64, file.length - 4),
  };
}

// The file `good` with its header replaced by `header` (an object, or JSON text).
export function rebuildHwm(good, header, blob = hwmParts(good).blob) {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const at = Math.ceil((12 + json.length) / 64) * 64;
  const out = Buffer.alloc(at + blob.length + 4);
  good.copy(out, 0, 0, 8);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  blob.copy(out, at);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

// The header of `good` with `depth` nested arrays in its meta (valid JSON).
export function deepHeader(good, depth) {
  const { header } = hwmParts(good);
  return JSON.stringify({ ...header, meta: { ...header.meta, x: 'DEEP' } }).replace('"DEEP"', '['.repeat(depth) + ']'.repeat(depth));
}
