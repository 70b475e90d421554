// wasm_build.mjs: the SIMD build where WebAssembly validates SIMD, the scalar one otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmBuild } from '../../web/lib/wasm_build.mjs';

test('the SIMD build where SIMD validates, the scalar one where it does not or validate throws', () => {
  assert.equal(wasmBuild(), 'hw');  // node (V8) has SIMD
  assert.equal(wasmBuild({ validate: () => false }), 'hw-scalar');
  assert.equal(wasmBuild({ validate: () => { throw new Error('no'); } }), 'hw-scalar');
});
