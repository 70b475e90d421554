// The LSTM cell update (the gates' nonlinearities, then c and h) several units at a time: eight
// lanes with AVX2, four with WebAssembly SIMD. Each lane does the float operations of fexp,
// fsigmoid and ftanh (fmath.h) in their order, branches taken as selects, so every kernel set
// gives the scalar loop's bits (tests/test_kernels.cpp; natively against WebAssembly through the
// points of tests/web/wasm.test.mjs). A tail of fewer units than lanes goes the scalar way.
#include "gates.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__)
#include <immintrin.h>
#define HW_GATES_AVX2 __attribute__((target("avx2")))
#endif

namespace hw {

namespace {

// Units [from, to) the scalar way.
void update_units(const float* gates, float* c, float* h, int hidden, int from, int to) {
    for (int j = from; j < to; ++j) {
        const float i = fsigmoid(gates[j]);
        const float f = fsigmoid(gates[hidden + j]);
        const float g = ftanh(gates[2 * hidden + j]);
        const float o = fsigmoid(gates[3 * hidden + j]);
        c[j] = f * c[j] + i * g;
        h[j] = o * ftanh(c[j]);
    }
}

#if defined(HW_GATES_AVX2)
// Lane-wise fexp: clamp above, underflow below -87 to 0, n rounded half away from zero, the shared
// polynomial (fmath.h: exp_poly), 2^n.
HW_GATES_AVX2 __m256 exp8(const __m256 in) {
    const __m256 nan = _mm256_cmp_ps(in, in, _CMP_UNORD_Q);
    const __m256 under = _mm256_cmp_ps(in, _mm256_set1_ps(ExpPoly::kUnder), _CMP_LT_OQ);
    const __m256 x = _mm256_min_ps(in, _mm256_set1_ps(ExpPoly::kMax));
    const __m256 half = _mm256_blendv_ps(_mm256_set1_ps(-0.5f), _mm256_set1_ps(0.5f), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
    const __m256i n = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(ExpPoly::kLog2e)), half));
    const __m256 fn = _mm256_cvtepi32_ps(n);
    __m256 p;
    exp_poly(x, fn, p);
    const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
    const __m256 out = _mm256_blendv_ps(_mm256_mul_ps(p, scale), _mm256_setzero_ps(), under);
    return _mm256_blendv_ps(out, in, nan);  // fexp returns a NaN as it came
}

HW_GATES_AVX2 __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
    const __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, e));
    return _mm256_blendv_ps(s, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(ExpPoly::kUnder), _CMP_LT_OQ));
}

HW_GATES_AVX2 __m256 tanh8(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    const __m256 negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
    const __m256 ax = _mm256_blendv_ps(x, _mm256_xor_ps(x, sign), negative);  // as x < 0 ? -x : x (-0 stays -0)
    const __m256 x2 = _mm256_mul_ps(ax, ax);
    __m256 q = _mm256_add_ps(_mm256_set1_ps(2.0f / 15.0f), _mm256_mul_ps(x2, _mm256_set1_ps(-17.0f / 315.0f)));
    q = _mm256_add_ps(_mm256_set1_ps(-1.0f / 3.0f), _mm256_mul_ps(x2, q));
    const __m256 small = _mm256_mul_ps(ax, _mm256_add_ps(one, _mm256_mul_ps(x2, q)));
    const __m256 t = exp8(_mm256_mul_ps(_mm256_set1_ps(-2.0f), ax));
    __m256 r = _mm256_div_ps(_mm256_sub_ps(one, t), _mm256_add_ps(one, t));
    r = _mm256_blendv_ps(r, one, _mm256_cmp_ps(ax, _mm256_set1_ps(kTanhOneAbove), _CMP_GT_OQ));
    r = _mm256_blendv_ps(r, small, _mm256_cmp_ps(ax, _mm256_set1_ps(kTanhSeriesBelow), _CMP_LT_OQ));
    return _mm256_blendv_ps(r, _mm256_xor_ps(r, sign), negative);
}

HW_GATES_AVX2 void update_avx2(const float* gates, float* c, float* h, int hidden) {
    int j = 0;
    for (; j + 8 <= hidden; j += 8) {
        const __m256 i = sigmoid8(_mm256_loadu_ps(gates + j));
        const __m256 f = sigmoid8(_mm256_loadu_ps(gates + hidden + j));
        const __m256 g = tanh8(_mm256_loadu_ps(gates + 2 * hidden + j));
        const __m256 o = sigmoid8(_mm256_loadu_ps(gates + 3 * hidden + j));
        const __m256 cj = _mm256_add_ps(_mm256_mul_ps(f, _mm256_loadu_ps(c + j)), _mm256_mul_ps(i, g));
        _mm256_storeu_ps(c + j, cj);
        _mm256_storeu_ps(h + j, _mm256_mul_ps(o, tanh8(cj)));
    }
    update_units(gates, c, h, hidden, j, hidden);
}
#endif


#if defined(__wasm_simd128__)
v128_t select4(v128_t if_false, v128_t if_true, v128_t mask) { return wasm_v128_bitselect(if_true, if_false, mask); }

// The float lanes of a v128 as a vector type whose + - * exp_poly uses (same bits: f32x4.add, .mul).
typedef float F32x4 __attribute__((vector_size(16)));

// As exp8, four lanes.
v128_t exp4(const v128_t in) {
    const v128_t nan = wasm_f32x4_ne(in, in);
    const v128_t under = wasm_f32x4_lt(in, wasm_f32x4_splat(ExpPoly::kUnder));
    const v128_t x = select4(in, wasm_f32x4_splat(ExpPoly::kMax), wasm_f32x4_gt(in, wasm_f32x4_splat(ExpPoly::kMax)));
    const v128_t half = select4(wasm_f32x4_splat(-0.5f), wasm_f32x4_splat(0.5f), wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f)));
    const v128_t n = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(ExpPoly::kLog2e)), half));
    const v128_t fn = wasm_f32x4_convert_i32x4(n);
    F32x4 p;
    exp_poly((F32x4)x, (F32x4)fn, p);  // vector casts keep the bits
    const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23);
    const v128_t out = select4(wasm_f32x4_mul((v128_t)p, scale), wasm_f32x4_splat(0.0f), under);
    return select4(out, in, nan);
}

v128_t sigmoid4(v128_t x) {
    const v128_t one = wasm_f32x4_splat(1.0f);
    const v128_t s = wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_sub(wasm_f32x4_splat(0.0f), x))));
    return select4(s, wasm_f32x4_splat(0.0f), wasm_f32x4_lt(x, wasm_f32x4_splat(ExpPoly::kUnder)));
}

v128_t tanh4(v128_t x) {
    const v128_t one = wasm_f32x4_splat(1.0f);
    const v128_t negative = wasm_f32x4_lt(x, wasm_f32x4_splat(0.0f));
    const v128_t ax = select4(x, wasm_f32x4_neg(x), negative);  // as x < 0 ? -x : x (-0 stays -0)
    const v128_t x2 = wasm_f32x4_mul(ax, ax);
    v128_t q = wasm_f32x4_add(wasm_f32x4_splat(2.0f / 15.0f), wasm_f32x4_mul(x2, wasm_f32x4_splat(-17.0f / 315.0f)));
    q = wasm_f32x4_add(wasm_f32x4_splat(-1.0f / 3.0f), wasm_f32x4_mul(x2, q));
    const v128_t small = wasm_f32x4_mul(ax, wasm_f32x4_add(one, wasm_f32x4_mul(x2, q)));
    const v128_t t = exp4(wasm_f32x4_mul(wasm_f32x4_splat(-2.0f), ax));
    v128_t r = wasm_f32x4_div(wasm_f32x4_sub(one, t), wasm_f32x4_add(one, t));
    r = select4(r, one, wasm_f32x4_gt(ax, wasm_f32x4_splat(kTanhOneAbove)));
    r = select4(r, small, wasm_f32x4_lt(ax, wasm_f32x4_splat(kTanhSeriesBelow)));
    return select4(r, wasm_f32x4_neg(r), negative);
}

void update_wasm(const float* gates, float* c, float* h, int hidden) {
    int j = 0;
    for (; j + 4 <= hidden; j += 4) {
        const v128_t i = sigmoid4(wasm_v128_load(gates + j));
        const v128_t f = sigmoid4(wasm_v128_load(gates + hidden + j));
        const v128_t g = tanh4(wasm_v128_load(gates + 2 * hidden + j));
        const v128_t o = sigmoid4(wasm_v128_load(gates + 3 * hidden + j));
        const v128_t cj = wasm_f32x4_add(wasm_f32x4_mul(f, wasm_v128_load(c + j)), wasm_f32x4_mul(i, g));
        wasm_v128_store(c + j, cj);
        wasm_v128_store(h + j, wasm_f32x4_mul(o, tanh4(cj)));
    }
    update_units(gates, c, h, hidden, j, hidden);
}
#endif

}  // namespace

void lstm_update_units(const float* gates, float* c, float* h, int hidden, Isa isa) {
#if defined(HW_GATES_AVX2)
    // The AVX-512 VNNI set differs from AVX2 in the int8 dot products only.
    if ((isa == Isa::Avx2 || isa == Isa::Avx512Vnni) && isa_supported(isa)) return update_avx2(gates, c, h, hidden);
#endif
#if defined(__wasm_simd128__)
    if (isa == Isa::WasmSimd) return update_wasm(gates, c, h, hidden);
#endif
    (void)isa;
    update_units(gates, c, h, hidden, 0, hidden);
}

}  // namespace hw
