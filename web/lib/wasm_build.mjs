// Which build of the core a browser runs: hw (WebAssembly SIMD) where the engine validates SIMD,
// as every current browser does, else hw-scalar (no SIMD: an older browser, or a CPU without
// SSE4.1, on which V8 turns SIMD off). Both give the same bits; the scalar one is slower.

// (module (func (result v128) i32.const 0 i8x16.splat)): valid only where SIMD is.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

// 'hw' or 'hw-scalar' for this engine (`wasm`: the WebAssembly object to ask).
export function wasmBuild(wasm = globalThis.WebAssembly) {
  try {
    return wasm.validate(SIMD_PROBE) ? 'hw' : 'hw-scalar';
  } catch {
    return 'hw-scalar';
  }
}
