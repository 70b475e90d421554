// The matrix-vector kernels of the step, and the kernel sets that run them: one fixed summation
// order (the reference below), so that the same inputs give the same bits natively (built with
// -ffp-contract=off) and in WebAssembly. Which kernel runs for a weight type and a set is one
// entry of the type table (type_traits.h); the integer path of int8 weights is kernels_int8.h.
#pragma once
#include <cstdint>
#include <vector>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "fmath.h"
#include "weights.h"

namespace hw {

// ---- plain f32 rows (the clockwork network's row pieces) -------------------------------------

// out[r] = b[r] + sum_c W[r, c] * x[c], W row-major [rows, cols]. Fixed order: eight partial sums
// over c mod 8, combined pairwise, then the tail in order, then the bias.
inline float matvec_finish(const float* acc, const float* w, const float* x, int body, int cols, float bias) {
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (int c = body; c < cols; ++c) s += w[c] * x[c];
    return s + bias;
}

#if defined(__wasm_simd128__)
// WebAssembly SIMD: the eight partial sums of a row live in two f32x4 registers. Each lane does the
// same multiply, then add (WASM has no fused multiply-add), in the same order as the scalar loop,
// so the bits are the same. Two rows at a time share the loads of x and keep two add chains in
// flight. (LLVM alone vectorised the scalar loop poorly: lane-by-lane gathers, ~6x slower.)
inline void matvec_add(const float* W, const float* x, const float* b, float* out, int rows, int cols) {
    const int body = cols - cols % 8;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
        const float* w0 = W + static_cast<int64_t>(r) * cols;
        const float* w1 = w0 + cols;
        v128_t lo0 = wasm_f32x4_splat(0.0f), hi0 = lo0, lo1 = lo0, hi1 = lo0;
        for (int c = 0; c < body; c += 8) {
            const v128_t xl = wasm_v128_load(x + c), xh = wasm_v128_load(x + c + 4);
            lo0 = wasm_f32x4_add(lo0, wasm_f32x4_mul(wasm_v128_load(w0 + c), xl));
            hi0 = wasm_f32x4_add(hi0, wasm_f32x4_mul(wasm_v128_load(w0 + c + 4), xh));
            lo1 = wasm_f32x4_add(lo1, wasm_f32x4_mul(wasm_v128_load(w1 + c), xl));
            hi1 = wasm_f32x4_add(hi1, wasm_f32x4_mul(wasm_v128_load(w1 + c + 4), xh));
        }
        float a0[8], a1[8];
        wasm_v128_store(a0, lo0);
        wasm_v128_store(a0 + 4, hi0);
        wasm_v128_store(a1, lo1);
        wasm_v128_store(a1 + 4, hi1);
        out[r] = matvec_finish(a0, w0, x, body, cols, b[r]);
        out[r + 1] = matvec_finish(a1, w1, x, body, cols, b[r + 1]);
    }
    for (; r < rows; ++r) {
        const float* w = W + static_cast<int64_t>(r) * cols;
        v128_t lo = wasm_f32x4_splat(0.0f), hi = lo;
        for (int c = 0; c < body; c += 8) {
            lo = wasm_f32x4_add(lo, wasm_f32x4_mul(wasm_v128_load(w + c), wasm_v128_load(x + c)));
            hi = wasm_f32x4_add(hi, wasm_f32x4_mul(wasm_v128_load(w + c + 4), wasm_v128_load(x + c + 4)));
        }
        float acc[8];
        wasm_v128_store(acc, lo);
        wasm_v128_store(acc + 4, hi);
        out[r] = matvec_finish(acc, w, x, body, cols, b[r]);
    }
}
#else
inline void matvec_add(const float* W, const float* x, const float* b, float* out, int rows, int cols) {
    const int body = cols - cols % 8;
    for (int r = 0; r < rows; ++r) {
        const float* w = W + static_cast<int64_t>(r) * cols;
        float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int c = 0; c < body; c += 8)
            for (int k = 0; k < 8; ++k) acc[k] += w[c + k] * x[c + k];
        out[r] = matvec_finish(acc, w, x, body, cols, b[r]);
    }
}
#endif

// ---- kernel sets over a WeightMatrix ----------------------------------------------------------

// Kernel sets. For f32 and f16 weights every set gives the same bits: same weight values, same
// eight-partial-sum order, multiply then add (never fused). int8 weights take the integer path
// (kernels_int8.h), whose sums are exact, so every set gives the same bits there too. Reference is
// portable C++; the others are chosen at run time. Avx512Vnni is Avx2 but for the int8 dot
// products (vpdpbusd on 512-bit registers); it exists on x86 only, where the CPU and the OS enable
// it. A new set is a name here, a row of the set table (kernels.cpp) and a column of type_traits.
enum class Isa { Reference, Sse2, Avx2, Avx512Vnni, WasmSimd };
constexpr int kIsaCount = 5;
const char* isa_name(Isa isa);
bool isa_supported(Isa isa);
Isa best_isa();

// out[s][r] = b[r] + sum_c W[r, c] * x[s][c] for the count inputs s: what a type's kernel in one
// set does (type_traits.h). count 1 is the step of one line; more read each weight once per group
// of inputs (a batch of lines stepped together), each out[s] with the bits of its own count-1 call.
using MatvecFn = void (*)(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);

// out[r] = b[r] + sum_c W[r, c] * x[c] with W's type's kernel in `isa` (f32 and f16: in the order of
// matvec_add above; int8: the integer product). An unsupported isa, or one without a kernel for
// the type, falls back to Reference. Allocates nothing (int8: only the first time a thread meets a
// wider input, see int8_matvec).
void matvec_add(const WeightMatrix& W, const float* x, const float* b, float* out, Isa isa);

// Several inputs through one pass over the weights (a batch of samples stepped together):
// out[s][r] = b[r] + sum_c W[r, c] * x[s][c] for s < count, each out[s] with exactly the bits that
// matvec_add(W, x[s], b, out[s], isa) gives (the same partial sums in the same order). Each weight
// is read and converted once per group of samples instead of once per sample. Allocates nothing
// (int8: as matvec_add).
void matvec_add_batch(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Isa isa);

}  // namespace hw
