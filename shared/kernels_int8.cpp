// The integer path of int8 weights (kernels.h, "the integer path"): inputs quantised to int16 per
// part with a power-of-two scale, int8 x int16 dot products summed exactly in int32 (reference C++,
// SSE2 and AVX2 pmaddwd, WebAssembly i32x4.dot_i16x8_s), then int8_output. Integer sums do not
// depend on their order, so every kernel set, and a batch against a single input, give the same
// bits; the float operations are the quantisation (exact scalings and one rounding) and
// int8_output, the same code for all.
#include <algorithm>
#include <climits>

#include "kernels.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__)
#include <immintrin.h>
#define HW_X86 1
// As in kernels.cpp: AVX2 code only inside these functions, called once the CPU is known to have it.
#define HW_AVX2 __attribute__((target("avx2")))
#endif

namespace hw {

void make_int8(WeightMatrix& w, int rows, int split, int rest) {
    w = WeightMatrix{};
    w.type = WeightType::I8;
    w.nrows = rows;
    w.ncols = split + rest;
    w.split = split;
    w.i8.assign(static_cast<size_t>(rows) * w.int8_stride(), 0);
    w.scales.assign(2 * static_cast<size_t>(rows), 0.0f);
    w.act_bits[0] = int8_act_bits(split);
    w.act_bits[1] = int8_act_bits(rest);
}

int int8_act_bits(int n) {
    int bits = 15;
    while (bits > 2 && static_cast<int64_t>(n) * 128 * ((1 << bits) - 1) > INT32_MAX) --bits;
    return bits;
}

namespace {

// 2^k as a float, k in [-126, 127] (a normal number: built from its bits).
float pow2(int k) {
    const uint32_t bits = static_cast<uint32_t>(127 + k) << 23;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// The bits of max |x|: positive floats order as their bits; >= 0x7f800000 when some x is inf or NaN.
uint32_t max_abs_bits(const float* x, int n) {
    uint32_t m = 0;
    for (int i = 0; i < n; ++i) {
        uint32_t b;
        std::memcpy(&b, x + i, 4);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
    }
    return m;
}

// e with 2^(e-1) <= m < 2^e, from the bits of a positive finite float m (frexp's exponent).
int frexp_exponent(uint32_t m) {
    const int biased = static_cast<int>(m >> 23);
    return biased ? biased - 126 : (32 - __builtin_clz(m)) - 149;
}

}  // namespace

Int8Scale quantise_part(const float* x, int n, int bits, int16_t* q) {
    const uint32_t m = max_abs_bits(x, n);
    if (m == 0 || m >= 0x7f800000u) {
        std::fill(q, q + n, static_cast<int16_t>(0));
        return {1.0f, m == 0};
    }
    // e <= 128 and bits >= 2, so k >= -126; below 2^(bits - 126) the part gets fewer bits.
    const int k = std::min(bits - frexp_exponent(m), 126);
    const float up = pow2(k), limit = static_cast<float>((1 << bits) - 1), round = 12582912.0f;  // 1.5 * 2^23
    for (int i = 0; i < n; ++i) {
        // x * 2^k is exact (or below 2^-126, which rounds to 0 either way) and under 2^bits <= 2^15:
        // adding and taking away 1.5 * 2^23 rounds it to an integer, ties to even.
        float v = (x[i] * up + round) - round;
        v = v > limit ? limit : (v < -limit ? -limit : v);
        q[i] = static_cast<int16_t>(v);
    }
    return {pow2(-k), true};
}

namespace {

// One input, quantised in the layout of the weight rows (the parts padded with zeros).
struct Int8Input {
    const int16_t* q;
    Int8Scale part[2];
};

void quantise_input(const WeightMatrix& W, const float* x, int16_t* q, Int8Input& out) {
    out.q = q;
    const int width[2] = {W.split, W.ncols - W.split};
    for (int p = 0; p < 2; ++p) {
        int16_t* qp = q + W.int8_part_offset(p);
        out.part[p] = quantise_part(x + (p ? W.split : 0), width[p], W.act_bits[p], qp);
        std::fill(qp + width[p], qp + W.int8_part_width(p), static_cast<int16_t>(0));
    }
}

// ---- dot products: sums[i][j] = sum_c w[i][c] * q[j][c] over n columns (n a multiple of 16) ----
// Each kernel set is a struct with R (rows per block), G (inputs per group) and
// dots<NR, NG>(w, q, n, sums) for NR in {1, R} and NG <= G.

// Columns in the outer loop, each q[j][c] loaded once for the NR rows (as the SIMD sets do).
struct DotsReference {
    static constexpr int R = 4, G = 2;
    template <int NR, int NG>
    static void dots(const int8_t* const* w, const int16_t* const* q, int n, int32_t (*sums)[G]) {
        int32_t acc[NR][NG] = {};
        for (int c = 0; c < n; ++c)
            for (int j = 0; j < NG; ++j) {
                const int32_t x = q[j][c];
                for (int i = 0; i < NR; ++i) acc[i][j] += w[i][c] * x;
            }
        for (int i = 0; i < NR; ++i)
            for (int j = 0; j < NG; ++j) sums[i][j] = acc[i][j];
    }
};

#if defined(HW_X86)
int32_t sum_lanes_sse2(__m128i v) {
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(v);
}

// Sixteen columns per step: the weights widened to int16 with their sign bytes (no pmovsxbw in
// SSE2), pmaddwd multiplies and adds pairs.
struct DotsSse2 {
    static constexpr int R = 4, G = 2;
    template <int NR, int NG>
    static void dots(const int8_t* const* w, const int16_t* const* q, int n, int32_t (*sums)[G]) {
        __m128i acc[NR][NG];
        for (int i = 0; i < NR; ++i)
            for (int j = 0; j < NG; ++j) acc[i][j] = _mm_setzero_si128();
        const __m128i zero = _mm_setzero_si128();
        for (int c = 0; c < n; c += 16) {
            __m128i lo[NG], hi[NG];
            for (int j = 0; j < NG; ++j) {
                lo[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q[j] + c));
                hi[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q[j] + c + 8));
            }
            for (int i = 0; i < NR; ++i) {
                const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[i] + c));
                const __m128i sign = _mm_cmpgt_epi8(zero, b);
                const __m128i wl = _mm_unpacklo_epi8(b, sign), wh = _mm_unpackhi_epi8(b, sign);
                for (int j = 0; j < NG; ++j)
                    acc[i][j] = _mm_add_epi32(acc[i][j], _mm_add_epi32(_mm_madd_epi16(wl, lo[j]), _mm_madd_epi16(wh, hi[j])));
            }
        }
        for (int i = 0; i < NR; ++i)
            for (int j = 0; j < NG; ++j) sums[i][j] = sum_lanes_sse2(acc[i][j]);
    }
};

HW_AVX2 int32_t sum_lanes_avx2(__m256i v) {
    return sum_lanes_sse2(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}

// Sixteen columns per step: vpmovsxbw widens the weights, vpmaddwd multiplies and adds pairs.
template <int NR, int NG, int G>
HW_AVX2 void dots_avx2(const int8_t* const* w, const int16_t* const* q, int n, int32_t (*sums)[G]) {
    __m256i acc[NR][NG];
    for (int i = 0; i < NR; ++i)
        for (int j = 0; j < NG; ++j) acc[i][j] = _mm256_setzero_si256();
    for (int c = 0; c < n; c += 16) {
        __m256i x[NG];
        for (int j = 0; j < NG; ++j) x[j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q[j] + c));
        for (int i = 0; i < NR; ++i) {
            const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[i] + c)));
            for (int j = 0; j < NG; ++j) acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(wv, x[j]));
        }
    }
    for (int i = 0; i < NR; ++i)
        for (int j = 0; j < NG; ++j) sums[i][j] = sum_lanes_avx2(acc[i][j]);
    _mm256_zeroupper();  // the caller is SSE code (kernels.cpp: matvec_avx2)
}

struct DotsAvx2 {
    static constexpr int R = 4, G = 2;
    template <int NR, int NG>
    static void dots(const int8_t* const* w, const int16_t* const* q, int n, int32_t (*sums)[G]) {
        dots_avx2<NR, NG, G>(w, q, n, sums);
    }
};
#endif  // HW_X86

#if defined(__wasm_simd128__)
int32_t sum_lanes_wasm(v128_t v) {
    return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) + wasm_i32x4_extract_lane(v, 2) +
           wasm_i32x4_extract_lane(v, 3);
}

// Eight columns per step: i16x8.load8x8_s widens the weights, i32x4.dot_i16x8_s multiplies and adds pairs.
struct DotsWasm {
    static constexpr int R = 4, G = 2;
    template <int NR, int NG>
    static void dots(const int8_t* const* w, const int16_t* const* q, int n, int32_t (*sums)[G]) {
        v128_t acc[NR][NG];
        for (int i = 0; i < NR; ++i)
            for (int j = 0; j < NG; ++j) acc[i][j] = wasm_i32x4_splat(0);
        for (int c = 0; c < n; c += 8) {
            v128_t x[NG];
            for (int j = 0; j < NG; ++j) x[j] = wasm_v128_load(q[j] + c);
            for (int i = 0; i < NR; ++i) {
                const v128_t wv = wasm_i16x8_load8x8(w[i] + c);
                for (int j = 0; j < NG; ++j) acc[i][j] = wasm_i32x4_add(acc[i][j], wasm_i32x4_dot_i16x8(wv, x[j]));
            }
        }
        for (int i = 0; i < NR; ++i)
            for (int j = 0; j < NG; ++j) sums[i][j] = sum_lanes_wasm(acc[i][j]);
    }
};
#endif  // __wasm_simd128__

// ---- the driver: blocks of R rows times groups of G inputs, each part, then int8_output ------

// Dots of nr rows (R, or 1) with ng inputs (1..G) over one part.
template <class K, int NR>
void dots_part(const int8_t* const* w, const int16_t* const* q, int ng, int n, int32_t (*sums)[K::G]) {
    static_assert(K::G == 2, "dots_part dispatches groups of one and two inputs");
    if (ng == 2) K::template dots<NR, 2>(w, q, n, sums);
    else K::template dots<NR, 1>(w, q, n, sums);
}

// sums[p][i][j] for rows r.. r + nr - 1 and inputs in[0, ng), parts p = 0, 1.
template <class K>
void block_sums(const WeightMatrix& W, int r, int nr, const Int8Input* in, int ng, int32_t (*sums)[K::R][K::G]) {
    for (int p = 0; p < 2; ++p) {
        const int n = W.int8_part_width(p), offset = W.int8_part_offset(p);  // n = 0: sums of 0
        const int16_t* q[K::G];
        for (int j = 0; j < ng; ++j) q[j] = in[j].q + offset;
        const int8_t* w[K::R];
        for (int i = 0; i < nr; ++i) w[i] = W.i8.data() + static_cast<size_t>(r + i) * W.int8_stride() + offset;
        if (nr == K::R) dots_part<K, K::R>(w, q, ng, n, sums[p]);
        else
            for (int i = 0; i < nr; ++i) dots_part<K, 1>(w + i, q, ng, n, sums[p] + i);
    }
}

template <class K>
void int8_rows(const WeightMatrix& W, const Int8Input* in, int count, const float* b, float* const* out) {
    int32_t sums[2][K::R][K::G];
    for (int r = 0; r < W.nrows; r += K::R) {
        const int nr = std::min(K::R, W.nrows - r);
        for (int s = 0; s < count; s += K::G) {
            const int ng = std::min(K::G, count - s);
            block_sums<K>(W, r, nr, in + s, ng, sums);
            for (int i = 0; i < nr; ++i)
                for (int j = 0; j < ng; ++j) {
                    const Int8Input& x = in[s + j];
                    out[s + j][r + i] = int8_output(sums[0][i][j], sums[1][i][j], W.scales[2 * (r + i)],
                                                    W.scales[2 * (r + i) + 1], x.part[0], x.part[1], b[r + i]);
                }
        }
    }
}

void int8_rows_isa(const WeightMatrix& W, const Int8Input* in, int count, const float* b, float* const* out, Isa isa) {
    switch (isa) {
#if defined(HW_X86)
        case Isa::Sse2: return int8_rows<DotsSse2>(W, in, count, b, out);
        case Isa::Avx2: return int8_rows<DotsAvx2>(W, in, count, b, out);
#endif
#if defined(__wasm_simd128__)
        case Isa::WasmSimd: return int8_rows<DotsWasm>(W, in, count, b, out);
#endif
        default: return int8_rows<DotsReference>(W, in, count, b, out);
    }
}

constexpr int kInt8Inputs = 16;  // inputs quantised per pass over the weights

}  // namespace

void int8_matvec(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Isa isa) {
    if (!isa_supported(isa)) isa = Isa::Reference;
    thread_local std::vector<int16_t> scratch;
    const size_t stride = static_cast<size_t>(W.int8_stride());
    Int8Input in[kInt8Inputs];
    for (int first = 0; first < count; first += kInt8Inputs) {
        const int n = std::min(kInt8Inputs, count - first);
        if (scratch.size() < n * stride) scratch.resize(n * stride);
        for (int s = 0; s < n; ++s) quantise_input(W, x[first + s], scratch.data() + s * stride, in[s]);
        int8_rows_isa(W, in, n, b, out + first, isa);
    }
}

}  // namespace hw
