// The kernels of each number type in each kernel set, as the type table (type_traits.cpp) lists
// them: f32 and f16 in kernels.cpp, int8 in kernels_int8.cpp. Each is a MatvecFn (kernels.h); a set
// exists only where its instructions compile (HW_X86, __wasm_simd128__). Internal to the core.
#pragma once
#include "kernels.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__)
#define HW_X86 1
#endif

namespace hw::kernel_sets {

// f32 and f16: the eight partial sums of matvec_add's order (kernels.cpp). WebAssembly has no f16
// set: the loader expands f16 to f32 there (model.cpp).
void f32_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void f16_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#if defined(HW_X86)
void f32_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void f16_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void f32_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void f16_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#endif
#if defined(__wasm_simd128__)
void f32_wasm(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#endif

// int8: the integer path (kernels_int8.cpp). The quantised inputs live in a buffer of the calling
// thread, grown when a wider input than before comes (so allocation happens only then). The VNNI
// set takes the AVX2 one for a matrix without its tiles (no prepare_rows).
void int8_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#if defined(HW_X86)
void int8_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void int8_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
void int8_avx512vnni(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#endif
#if defined(__wasm_simd128__)
void int8_wasm(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count);
#endif

}  // namespace hw::kernel_sets
