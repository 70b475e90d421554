// The integer path of int8 weights (kernels_int8.h): inputs quantised to int16 per
// part with a power-of-two scale, int8 x int16 dot products summed exactly in int32 (reference C++,
// SSE2 and AVX2 pmaddwd, AVX-512 VNNI vpdpbusd on the bytes of the inputs, WebAssembly
// i32x4.dot_i16x8_s), then int8_output. Integer sums do not depend on their order, so every kernel
// set, and a batch against a single input, give the same bits; the float operations are the
// quantisation (exact scalings and one rounding) and int8_output, the same code for all.
#include <algorithm>
#include <climits>

#include "kernel_sets.h"
#include "kernels_int8.h"

#if defined(HW_X86)
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 headers warn about their own _mm512_undefined_* values (GCC bug 105593): quiet
// for the header's lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif
// As in kernels.cpp: AVX2 code only inside these functions, called once the CPU is known to have it.
#define HW_AVX2 __attribute__((target("avx2")))
// AVX-512 code likewise, called once isa_supported(Isa::Avx512Vnni) (CPU and OS) says yes.
#define HW_VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))
// The VNNI step function must become part of its loop, so that its accumulators stay in registers.
#define HW_VNNI_INLINE __attribute__((always_inline, target("avx2,avx512f,avx512bw,avx512vl,avx512vnni"))) inline
#endif

namespace hw {

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
// Sixteen running maxima, one per column mod 16, so that the vectorised loop keeps several
// independent chains (SSE2 has no unsigned max: one chain of compare-and-select cost a third of
// quantise_part); the bits are below 2^31, so signed comparisons order them too.
uint32_t max_abs_bits(const float* x, int n) {
    int32_t m[16] = {};
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; ++k) {
            int32_t b;
            std::memcpy(&b, x + i + k, 4);
            b &= 0x7fffffff;
            m[k] = b > m[k] ? b : m[k];
        }
    for (; i < n; ++i) {
        int32_t b;
        std::memcpy(&b, x + i, 4);
        b &= 0x7fffffff;
        m[0] = b > m[0] ? b : m[0];
    }
    for (int k = 1; k < 16; ++k) m[0] = m[k] > m[0] ? m[k] : m[0];
    return static_cast<uint32_t>(m[0]);
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

// One input, quantised in the layout of the weight rows (the parts padded with zeros). For the
// AVX-512 VNNI set also q's bytes as vpdpbusd takes them (unsigned): lo = q & 0xff and
// hi = (q >> 8) + 128, so that q = 256 * (hi - 128) + lo.
struct Int8Input {
    const int16_t* q;
    const uint8_t* lo = nullptr;
    const uint8_t* hi = nullptr;
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
// Each kernel set but VNNI (which has its own driver, on tiles) is a struct with R (rows per
// block) and G (inputs per group) and dots<NR, NG>(w, q, n, sums) for NR in {1, R} and NG <= G.

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

// ---- AVX-512 VNNI: vpdpbusd adds four products of unsigned by signed bytes into each int32 lane.
// The weights are its signed bytes as they are, in the tiled copy of prepare_rows (weights.h:
// int8_tile_offset); q is split into two unsigned bytes (Int8Input), so w . q = 256 * (w . hi -
// 128 * sum(w)) + w . lo, with -128 * sum(w) from prepare_rows. The sums wrap in 32 bits
// (vpdpbusd, the vector shifts and adds, and the uint32 bias all work modulo 2^32), and the exact
// sum fits in int32 (int8_act_bits), so the result is exactly it. No widening, no reduction
// across lanes: the row-major form of these kernels, with four rows a block and a reduction of 16
// lanes per row, read L3 at about 60 GB/s; the tiles stream it at about 118 (1600 x 896 bytes:
// 24 against 12 us, measured).

// lo = q & 0xff and hi = (q >> 8) + 128 (in 0..255: q >> 8 is in -128..127) of q[0, n), n a
// multiple of 16: 32 values a step, the last 16 masked.
HW_VNNI void split_bytes(const int16_t* q, int n, uint8_t* lo, uint8_t* hi) {
    const __m512i bias = _mm512_set1_epi16(128);
    for (int c = 0; c < n; c += 32) {
        const __mmask32 m = n - c >= 32 ? ~__mmask32{0} : (__mmask32{1} << (n - c)) - 1;
        const __m512i v = _mm512_maskz_loadu_epi16(m, q + c);
        _mm256_mask_storeu_epi8(lo + c, m, _mm512_cvtepi16_epi8(v));  // vpmovwb keeps the low byte
        _mm256_mask_storeu_epi8(hi + c, m, _mm512_cvtepi16_epi8(_mm512_add_epi16(_mm512_srai_epi16(v, 8), bias)));
    }
    _mm256_zeroupper();  // the caller is SSE code
}

// How far ahead of the weights being read their stream is fetched (the tiles are one stream).
// The hardware's prefetchers alone left the row-major kernels waiting on L3 (24 instead of 32 us
// a matvec with it, measured), the tiles less (12.1 against 14.0 us).
constexpr int kPrefetch = 4096;

// acc += the products of u's unsigned bytes and s's signed bytes, four to each int32 lane, wrapping
// (vpdpbusd). GCC 12 copies each accumulator of _mm512_dpbusd_epi32 to another register and back
// in every step of the loop (measured 10-20 % slower), so it gets the instruction itself.
HW_VNNI_INLINE void dpbusd(__m512i& acc, __m512i u, __m512i s) {
#if defined(__GNUC__) && !defined(__clang__)
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
#else
    acc = _mm512_dpbusd_epi32(acc, u, s);
#endif
}

// Sums of one group of kInt8TileRows rows (WeightMatrix::i8_tiles) with NG inputs, both parts:
// sums[p][j][row]. Per four columns, one 64-byte load of weights per 16 rows and two vpdpbusd
// (the input's low and high bytes, broadcast to every lane), into 16 rows' sums at once, so no
// row needs a reduction across lanes; the high sums start at -128 * the row part's weight sum.
template <int NG>
HW_VNNI void tile_group_sums(const WeightMatrix& W, int g, const Int8Input* in, int32_t (*sums)[2][WeightMatrix::kInt8TileRows]) {
    constexpr int R = WeightMatrix::kInt8TileRows;
    for (int p = 0; p < 2; ++p) {
        const int8_t* t = W.i8_tiles.data() + int8_tile_offset(W, g, p);
        const int32_t* bias = W.i8_tile_bias.data() + (static_cast<size_t>(g) * 2 + p) * R;
        const int offset = W.int8_part_offset(p), n4 = W.int8_part_width(p) / 4;
        __m512i lo[4][NG], hi[4][NG];
#pragma GCC unroll 4
        for (int k = 0; k < 4; ++k)
#pragma GCC unroll 2
            for (int j = 0; j < NG; ++j) lo[k][j] = _mm512_setzero_si512(), hi[k][j] = _mm512_loadu_si512(bias + 16 * k);
        for (int c = 0; c < n4; ++c, t += 4 * 64) {
            _mm_prefetch(reinterpret_cast<const char*>(t + kPrefetch), _MM_HINT_T0);
            __m512i bl[NG], bh[NG];
#pragma GCC unroll 2
            for (int j = 0; j < NG; ++j) {
                int32_t l, h;
                std::memcpy(&l, in[j].lo + offset + 4 * c, 4);
                std::memcpy(&h, in[j].hi + offset + 4 * c, 4);
                bl[j] = _mm512_set1_epi32(l), bh[j] = _mm512_set1_epi32(h);
            }
#pragma GCC unroll 4
            for (int k = 0; k < 4; ++k) {
                const __m512i w = _mm512_loadu_si512(t + 64 * k);
#pragma GCC unroll 2
                for (int j = 0; j < NG; ++j) dpbusd(lo[k][j], bl[j], w), dpbusd(hi[k][j], bh[j], w);
            }
        }
#pragma GCC unroll 4
        for (int k = 0; k < 4; ++k)
#pragma GCC unroll 2
            for (int j = 0; j < NG; ++j) _mm512_storeu_si512(sums[p][j] + 16 * k, _mm512_add_epi32(_mm512_slli_epi32(hi[k][j], 8), lo[k][j]));
    }
    _mm256_zeroupper();  // the caller is SSE code
}

// The outputs of group g's rows for one input from its sums: int8_output's float operations in
// its order, sixteen rows a vector, so the same bits.
HW_VNNI void tile_group_output(const WeightMatrix& W, int g, const int32_t* s0, const int32_t* s1, const Int8Input& x,
                               const float* b, float* out) {
    constexpr int R = WeightMatrix::kInt8TileRows;
    const int r0 = g * R, nr = std::min(R, W.nrows - r0);
    const float* w0 = W.i8_tile_scales.data() + static_cast<size_t>(g) * 2 * R;
    const float* w1 = w0 + R;
    const bool finite = x.part[0].finite && x.part[1].finite;
    const __m512 x0 = _mm512_set1_ps(x.part[0].scale), x1 = _mm512_set1_ps(x.part[1].scale), nan = _mm512_set1_ps(int8_nan());
    for (int k = 0; 16 * k < nr; ++k) {
        const __mmask16 m = nr - 16 * k >= 16 ? __mmask16(0xffff) : __mmask16((1u << (nr - 16 * k)) - 1);
        const __m512 a = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(s0 + 16 * k)), _mm512_loadu_ps(w0 + 16 * k)), x0);
        const __m512 c = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(s1 + 16 * k)), _mm512_loadu_ps(w1 + 16 * k)), x1);
        const __m512 y = _mm512_add_ps(_mm512_add_ps(a, c), _mm512_maskz_loadu_ps(m, b + r0 + 16 * k));
        _mm512_mask_storeu_ps(out + r0 + 16 * k, m, finite ? y : nan);
    }
    _mm256_zeroupper();
}

// Every group of rows, the inputs two at a time (each group's weights read once per two inputs).
void int8_tiles(const WeightMatrix& W, const Int8Input* in, int count, const float* b, float* const* out) {
    alignas(64) int32_t sums[2][2][WeightMatrix::kInt8TileRows];
    for (int g = 0; g * WeightMatrix::kInt8TileRows < W.nrows; ++g)
        for (int s = 0; s < count; s += 2) {
            const int ng = std::min(2, count - s);
            if (ng == 2) tile_group_sums<2>(W, g, in + s, sums);
            else tile_group_sums<1>(W, g, in + s, sums);
            for (int j = 0; j < ng; ++j) tile_group_output(W, g, sums[0][j], sums[1][j], in[s + j], b, out[s + j]);
        }
}
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
        for (int i = 0; i < nr; ++i) w[i] = int8_row_part(W, r + i, p);
        if (nr == K::R) dots_part<K, K::R>(w, q, ng, n, sums[p]);
        else
            for (int i = 0; i < nr; ++i) dots_part<K, 1>(w + i, q, ng, n, sums[p] + i);
    }
}

#if defined(HW_X86)
// int8_output of four rows at once (rows r.. r + 3, input j of a block whose sums have G inputs a
// row): the same float operations in the same order, lane by lane, so the same bits. The scalar
// calls cost about as much as the VNNI dot products of a block (measured).
template <int G>
void output4_sse2(const WeightMatrix& W, int r, const int32_t (*sums)[4][G], int j, const Int8Input& x, const float* b4,
                  float* out) {
    static_assert(G == 2, "the sums of one input are every other int32");
    if (!x.part[0].finite || !x.part[1].finite) {
        for (int i = 0; i < 4; ++i) out[i] = int8_nan();
        return;
    }
    __m128 acc[2];
    for (int p = 0; p < 2; ++p) {
        const __m128 lo = _mm_loadu_ps(reinterpret_cast<const float*>(sums[p][0])), hi = _mm_loadu_ps(reinterpret_cast<const float*>(sums[p][2]));
        acc[p] = _mm_cvtepi32_ps(_mm_castps_si128(j ? _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1)) : _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0))));
    }
    const __m128 s01 = _mm_loadu_ps(&W.scales[2 * static_cast<size_t>(r)]), s23 = _mm_loadu_ps(&W.scales[2 * static_cast<size_t>(r) + 4]);
    const __m128 w0 = _mm_shuffle_ps(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)), w1 = _mm_shuffle_ps(s01, s23, _MM_SHUFFLE(3, 1, 3, 1));
    const __m128 a = _mm_mul_ps(_mm_mul_ps(acc[0], w0), _mm_set1_ps(x.part[0].scale));
    const __m128 c = _mm_mul_ps(_mm_mul_ps(acc[1], w1), _mm_set1_ps(x.part[1].scale));
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(a, c), _mm_loadu_ps(b4)));
}
#endif

// The outputs of rows r.. r + nr - 1 for input j of the block (in: that input).
template <class K>
void block_output(const WeightMatrix& W, int r, int nr, const int32_t (*sums)[K::R][K::G], int j, const Int8Input& in,
                  const float* b, float* out) {
#if defined(HW_X86)
    if constexpr (K::R == 4) {
        if (nr == 4) return output4_sse2<K::G>(W, r, sums, j, in, b + r, out + r);
    }
#endif
    for (int i = 0; i < nr; ++i)
        out[r + i] = int8_output(sums[0][i][j], sums[1][i][j], W.scales[2 * (r + i)], W.scales[2 * (r + i) + 1], in.part[0],
                                 in.part[1], b[r + i]);
}

// A block: rows r.. r + nr - 1 times inputs s.. s + ng - 1.
struct Block {
    int r = 0, nr = 0, s = 0, ng = 0;
};

// Each block's outputs are written once the next block's sums are under way: the sums come at the
// end of long chains (loads, products, reduction), and the outputs waiting on them held back the
// next block's loads and products (measured: 5-7 % more steps/s with VNNI).
template <class K>
void int8_rows(const WeightMatrix& W, const Int8Input* in, int count, const float* b, float* const* out) {
    int32_t sums[2][2][K::R][K::G];  // this block's and the one before's
    Block last;                      // ng = 0: none yet
    int k = 0;
    for (int r = 0; r < W.nrows; r += K::R)
        for (int s = 0; s < count; s += K::G) {
            const Block now{r, std::min(K::R, W.nrows - r), s, std::min(K::G, count - s)};
            block_sums<K>(W, now.r, now.nr, in + now.s, now.ng, sums[k]);
            for (int j = 0; j < last.ng; ++j)
                block_output<K>(W, last.r, last.nr, sums[k ^ 1], j, in[last.s + j], b, out[last.s + j]);
            last = now;
            k ^= 1;
        }
    for (int j = 0; j < last.ng; ++j) block_output<K>(W, last.r, last.nr, sums[k ^ 1], j, in[last.s + j], b, out[last.s + j]);
}

constexpr int kInt8Inputs = 16;  // inputs quantised per pass over the weights

#if defined(HW_X86)
// For the VNNI set: the bytes of each quantised input (Int8Input), in `bytes` (2 x stride each).
void split_inputs(Int8Input* in, int n, size_t stride, std::vector<uint8_t>& bytes) {
    if (bytes.size() < 2 * n * stride) bytes.resize(2 * n * stride);
    for (int s = 0; s < n; ++s) {
        uint8_t* lo = bytes.data() + 2 * s * stride;
        split_bytes(in[s].q, static_cast<int>(stride), lo, lo + stride);
        in[s].lo = lo;
        in[s].hi = lo + stride;
    }
}
#endif

// The integer matvec of count inputs with dot-product set K (or the VNNI tiles): the inputs
// quantised kInt8Inputs at a time into this thread's buffers, then K's blocks or the tiles.
template <class K, bool kTiles = false>
void int8_matvec(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    thread_local std::vector<int16_t> scratch;
    const size_t stride = static_cast<size_t>(W.int8_stride());
    Int8Input in[kInt8Inputs];
    for (int first = 0; first < count; first += kInt8Inputs) {
        const int n = std::min(kInt8Inputs, count - first);
        if (scratch.size() < n * stride) scratch.resize(n * stride);
        for (int s = 0; s < n; ++s) quantise_input(W, x[first + s], scratch.data() + s * stride, in[s]);
#if defined(HW_X86)
        if constexpr (kTiles) {
            thread_local std::vector<uint8_t> bytes;
            split_inputs(in, n, stride, bytes);
            int8_tiles(W, in, n, b, out + first);
            continue;
        }
#endif
        int8_rows<K>(W, in, n, b, out + first);
    }
}

}  // namespace

namespace kernel_sets {

void int8_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    int8_matvec<DotsReference>(W, x, b, out, count);
}
#if defined(HW_X86)
void int8_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    int8_matvec<DotsSse2>(W, x, b, out, count);
}
void int8_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    int8_matvec<DotsAvx2>(W, x, b, out, count);
}
void int8_avx512vnni(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (W.i8_tiles.empty()) return int8_matvec<DotsAvx2>(W, x, b, out, count);  // no prepare_rows: no tiles
    int8_matvec<DotsAvx2, true>(W, x, b, out, count);
}
#endif
#if defined(__wasm_simd128__)
void int8_wasm(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    int8_matvec<DotsWasm>(W, x, b, out, count);
}
#endif

}  // namespace kernel_sets

}  // namespace hw
