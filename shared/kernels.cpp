// Matrix-vector kernels over f32 and f16 weights kept in their file's precision (weights.h:
// WeightMatrix), one per kernel set (kernel_sets.h; the type table picks them). Each converts a weight to the f32 value the reader's dequantisation gave,
// multiplies it by x and adds it into partial sum c mod 8, then finishes in matvec_add's order:
// every kernel set gives the bits of dequantise-then-reference, natively and in WebAssembly
// (tests/test_kernels.cpp). int8 weights take the integer path of kernels_int8.cpp.
#include "kernels.h"

#include "kernel_sets.h"
#include "type_traits.h"

#if defined(HW_X86)
#include <cpuid.h>
#include <immintrin.h>
// AVX2 code is compiled for AVX2 + F16C only inside these functions and called only after
// __builtin_cpu_supports says the CPU has both; the rest of the core stays baseline x86-64.
#define HW_AVX2 __attribute__((target("avx2,f16c")))
#endif

namespace hw {

namespace {

size_t row_start(const WeightMatrix& W, int r) { return static_cast<size_t>(r) * W.ncols; }

// Scalar views of one row: at(c) is weight c as the reader dequantised it.
struct RowF32 {
    const float* w;
    static RowF32 of(const WeightMatrix& W, int r) { return {W.f32.data() + row_start(W, r)}; }
    float at(int c) const { return w[c]; }
};
struct RowF16 {
    const uint16_t* w;
    static RowF16 of(const WeightMatrix& W, int r) { return {W.f16.data() + row_start(W, r)}; }
    float at(int c) const { return f16_to_f32(w[c]); }
};
// The end of matvec_add's order: partial sums pairwise, the tail columns in order, the bias.
template <class Row>
float finish(const float* acc, const Row& row, const float* x, int body, int cols, float bias) {
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (int c = body; c < cols; ++c) s += row.at(c) * x[c];
    return s + bias;
}

template <class Row>
float dot_reference(const Row& row, const float* x, int cols, float bias) {
    const int body = cols - cols % 8;
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int c = 0; c < body; c += 8)
        for (int k = 0; k < 8; ++k) acc[k] += row.at(c + k) * x[c + k];
    return finish(acc, row, x, body, cols, bias);
}

// ---- batches: row pairs, samples in groups -----------------------------------------------
// Each group kernel loads (and converts) a pair of weight rows once and multiplies them by the
// inputs of up to G samples: for sample s of the group, acc[2s] and acc[2s + 1] get rows r and
// r + 1's eight partial sums, added in the order of the kernel set's matvec, then finish() as there.
template <class L, int G, class Group>
void rows_batch(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Group group) {
    const int cols = W.ncols, body = cols - cols % 8;
    float acc[2 * G][8];
    int r = 0;
    for (; r + 1 < W.nrows; r += 2) {
        const L a = L::of(W, r), z = L::of(W, r + 1);
        for (int s = 0; s < count; s += G) {
            const int n = count - s < G ? count - s : G;
            group(a, z, x + s, n, body, acc);
            for (int i = 0; i < n; ++i) {
                out[s + i][r] = finish(acc[2 * i], a.row, x[s + i], body, cols, b[r]);
                out[s + i][r + 1] = finish(acc[2 * i + 1], z.row, x[s + i], body, cols, b[r + 1]);
            }
        }
    }
    if (r < W.nrows)
        for (int s = 0; s < count; ++s) out[s][r] = dot_reference(L::of(W, r).row, x[s], cols, b[r]);
}

// The reference reads each row once for all samples too (it stays in L1 between them).
template <class Row>
void rows_reference_batch(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    for (int r = 0; r < W.nrows; ++r) {
        const Row row = Row::of(W, r);
        for (int s = 0; s < count; ++s) out[s][r] = dot_reference(row, x[s], W.ncols, b[r]);
    }
}

#if defined(HW_X86)
// ---- SSE2 (every x86-64): the eight partial sums in two registers, two rows at a time --------

// f16 bits in four u32 lanes -> f32, as f16_to_f32.
__m128 half4_sse(__m128i h) {
    const __m128i sign = _mm_slli_epi32(_mm_and_si128(h, _mm_set1_epi32(0x8000)), 16);
    const __m128i em = _mm_and_si128(h, _mm_set1_epi32(0x7fff));
    const __m128i normal = _mm_add_epi32(_mm_slli_epi32(em, 13), _mm_set1_epi32(112 << 23));
    const __m128i sub = _mm_castps_si128(_mm_mul_ps(_mm_cvtepi32_ps(em), _mm_set1_ps(0x1p-24f)));
    const __m128i is_sub = _mm_cmplt_epi32(em, _mm_set1_epi32(0x400));
    const __m128i bits = _mm_or_si128(_mm_and_si128(is_sub, sub), _mm_andnot_si128(is_sub, normal));
    return _mm_castsi128_ps(_mm_or_si128(bits, sign));
}

struct SseF32 {
    static SseF32 of(const WeightMatrix& W, int r) { return {RowF32::of(W, r)}; }
    RowF32 row;
    void load(int c, __m128& lo, __m128& hi) const {
        lo = _mm_loadu_ps(row.w + c);
        hi = _mm_loadu_ps(row.w + c + 4);
    }
};

// Halves with a nonzero exponent only, each in the top 16 bits of its lane: move the exponent,
// restore the sign.
__m128 normal_half4_sse(__m128i v) {
    const __m128i em13 = _mm_and_si128(_mm_srli_epi32(v, 3), _mm_set1_epi32(0x0fffe000));
    const __m128i sign = _mm_and_si128(v, _mm_set1_epi32(static_cast<int>(0x80000000u)));
    return _mm_castsi128_ps(_mm_or_si128(_mm_add_epi32(em13, _mm_set1_epi32(112 << 23)), sign));
}

struct SseF16 {
    static SseF16 of(const WeightMatrix& W, int r) {
        return {RowF16::of(W, r), W.f16_tiny.size() == static_cast<size_t>(W.nrows) && !W.f16_tiny[r]};
    }
    RowF16 row;
    bool normal;  // no half with exponent 0 in the row (prepare_rows): the cheaper conversion is exact
    void load(int c, __m128& lo, __m128& hi) const {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row.w + c)), zero = _mm_setzero_si128();
        if (normal) {
            lo = normal_half4_sse(_mm_unpacklo_epi16(zero, h));
            hi = normal_half4_sse(_mm_unpackhi_epi16(zero, h));
        } else {
            lo = half4_sse(_mm_unpacklo_epi16(h, zero));
            hi = half4_sse(_mm_unpackhi_epi16(h, zero));
        }
    }
};

template <class L>
void rows_sse2(const WeightMatrix& W, const float* x, const float* b, float* out) {
    const int cols = W.ncols, body = cols - cols % 8;
    int r = 0;
    for (; r + 1 < W.nrows; r += 2) {
        const L a = L::of(W, r), z = L::of(W, r + 1);
        __m128 lo0 = _mm_setzero_ps(), hi0 = lo0, lo1 = lo0, hi1 = lo0, wl, wh;
        for (int c = 0; c < body; c += 8) {
            const __m128 xl = _mm_loadu_ps(x + c), xh = _mm_loadu_ps(x + c + 4);
            a.load(c, wl, wh);
            lo0 = _mm_add_ps(lo0, _mm_mul_ps(wl, xl));
            hi0 = _mm_add_ps(hi0, _mm_mul_ps(wh, xh));
            z.load(c, wl, wh);
            lo1 = _mm_add_ps(lo1, _mm_mul_ps(wl, xl));
            hi1 = _mm_add_ps(hi1, _mm_mul_ps(wh, xh));
        }
        float a0[8], a1[8];
        _mm_storeu_ps(a0, lo0), _mm_storeu_ps(a0 + 4, hi0), _mm_storeu_ps(a1, lo1), _mm_storeu_ps(a1 + 4, hi1);
        out[r] = finish(a0, a.row, x, body, cols, b[r]);
        out[r + 1] = finish(a1, z.row, x, body, cols, b[r + 1]);
    }
    if (r < W.nrows) out[r] = dot_reference(L::of(W, r).row, x, cols, b[r]);
}

// Two rows times N samples: 8N accumulators in registers (N <= 2 of SSE's 16).
template <class L, int N>
void pair_sse2(const L& a, const L& z, const float* const* x, int body, float (*acc)[8]) {
    __m128 lo[2 * N], hi[2 * N], al, ah, zl, zh;
    for (int i = 0; i < 2 * N; ++i) lo[i] = hi[i] = _mm_setzero_ps();
    for (int c = 0; c < body; c += 8) {
        a.load(c, al, ah);
        z.load(c, zl, zh);
        for (int s = 0; s < N; ++s) {
            const __m128 xl = _mm_loadu_ps(x[s] + c), xh = _mm_loadu_ps(x[s] + c + 4);
            lo[2 * s] = _mm_add_ps(lo[2 * s], _mm_mul_ps(al, xl));
            hi[2 * s] = _mm_add_ps(hi[2 * s], _mm_mul_ps(ah, xh));
            lo[2 * s + 1] = _mm_add_ps(lo[2 * s + 1], _mm_mul_ps(zl, xl));
            hi[2 * s + 1] = _mm_add_ps(hi[2 * s + 1], _mm_mul_ps(zh, xh));
        }
    }
    for (int i = 0; i < 2 * N; ++i) _mm_storeu_ps(acc[i], lo[i]), _mm_storeu_ps(acc[i] + 4, hi[i]);
}

struct GroupSse2 {
    template <class L>
    void operator()(const L& a, const L& z, const float* const* x, int n, int body, float (*acc)[8]) const {
        if (n == 2) pair_sse2<L, 2>(a, z, x, body, acc);
        else pair_sse2<L, 1>(a, z, x, body, acc);
    }
};

// ---- AVX2 + F16C: the eight partial sums are one register's lanes ---------------------------

struct AvxF32 {
    static AvxF32 of(const WeightMatrix& W, int r) { return {RowF32::of(W, r)}; }
    RowF32 row;
    HW_AVX2 void load(int c, __m256& w) const { w = _mm256_loadu_ps(row.w + c); }
};

struct AvxF16 {
    static AvxF16 of(const WeightMatrix& W, int r) { return {RowF16::of(W, r)}; }
    RowF16 row;
    // vcvtph2ps is exact for every half, subnormals included.
    HW_AVX2 void load(int c, __m256& w) const {
        w = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row.w + c)));
    }
};

template <class L>
HW_AVX2 void rows_avx2(const WeightMatrix& W, const float* x, const float* b, float* out) {
    const int cols = W.ncols, body = cols - cols % 8;
    int r = 0;
    for (; r + 1 < W.nrows; r += 2) {
        const L a = L::of(W, r), z = L::of(W, r + 1);
        __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, w;
        for (int c = 0; c < body; c += 8) {
            const __m256 xv = _mm256_loadu_ps(x + c);
            a.load(c, w);
            acc0 = _mm256_add_ps(acc0, _mm256_mul_ps(w, xv));
            z.load(c, w);
            acc1 = _mm256_add_ps(acc1, _mm256_mul_ps(w, xv));
        }
        float a0[8], a1[8];
        _mm256_storeu_ps(a0, acc0), _mm256_storeu_ps(a1, acc1);
        out[r] = finish(a0, a.row, x, body, cols, b[r]);
        out[r + 1] = finish(a1, z.row, x, body, cols, b[r + 1]);
    }
    _mm256_zeroupper();  // before SSE code: see matvec_avx2
    if (r < W.nrows) out[r] = dot_reference(L::of(W, r).row, x, cols, b[r]);
}

// Two rows times N samples: 2N accumulators (N <= 4).
template <class L, int N>
HW_AVX2 void pair_avx2(const L& a, const L& z, const float* const* x, int body, float (*acc)[8]) {
    __m256 sum[2 * N], wa, wz;
    for (int i = 0; i < 2 * N; ++i) sum[i] = _mm256_setzero_ps();
    for (int c = 0; c < body; c += 8) {
        a.load(c, wa);
        z.load(c, wz);
        for (int s = 0; s < N; ++s) {
            const __m256 xv = _mm256_loadu_ps(x[s] + c);
            sum[2 * s] = _mm256_add_ps(sum[2 * s], _mm256_mul_ps(wa, xv));
            sum[2 * s + 1] = _mm256_add_ps(sum[2 * s + 1], _mm256_mul_ps(wz, xv));
        }
    }
    for (int i = 0; i < 2 * N; ++i) _mm256_storeu_ps(acc[i], sum[i]);
    _mm256_zeroupper();  // the caller's finish() is SSE code: see matvec_avx2
}

struct GroupAvx2 {
    template <class L>
    void operator()(const L& a, const L& z, const float* const* x, int n, int body, float (*acc)[8]) const {
        switch (n) {
            case 4: return pair_avx2<L, 4>(a, z, x, body, acc);
            case 3: return pair_avx2<L, 3>(a, z, x, body, acc);
            case 2: return pair_avx2<L, 2>(a, z, x, body, acc);
            default: return pair_avx2<L, 1>(a, z, x, body, acc);
        }
    }
};

bool cpu_has_avx2() {
    __builtin_cpu_init();
    unsigned a = 0, b = 0, c = 0, d = 0;  // F16C from CPUID: clang 14 has no __builtin_cpu_supports("f16c")
    return __builtin_cpu_supports("avx2") && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
}

// AVX-512 F, BW, VL and VNNI in CPUID, and the OS saving their state: XCR0 bits 1 and 2 (SSE, AVX),
// 5 (opmask), 6 and 7 (the upper halves of ZMM0-15, ZMM16-31). Without the OS's part the first
// 512-bit instruction faults, whatever CPUID says.
bool cpu_has_avx512vnni() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & bit_OSXSAVE) == 0) return false;  // no XGETBV
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const unsigned need_b = bit_AVX512F | bit_AVX512BW | bit_AVX512VL;
    if ((b & need_b) != need_b || (c & bit_AVX512VNNI) == 0) return false;
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    return (xcr0_lo & 0xe6u) == 0xe6u;
}
#endif  // HW_X86

#if defined(__wasm_simd128__)
// ---- WebAssembly SIMD: as SSE2, two f32x4 per row, two rows at a time -----------------------
// f32 only: in WebAssembly an f16 weight costs more to convert inside the kernel than its smaller
// size saves, so the loader expands f16 to f32 there (model.cpp: kExpandF16AtLoad).

struct WasmF32 {
    static WasmF32 of(const WeightMatrix& W, int r) { return {RowF32::of(W, r)}; }
    RowF32 row;
    void load(int c, v128_t& lo, v128_t& hi) const {
        lo = wasm_v128_load(row.w + c);
        hi = wasm_v128_load(row.w + c + 4);
    }
};

template <class L>
void rows_wasm(const WeightMatrix& W, const float* x, const float* b, float* out) {
    const int cols = W.ncols, body = cols - cols % 8;
    int r = 0;
    for (; r + 1 < W.nrows; r += 2) {
        const L a = L::of(W, r), z = L::of(W, r + 1);
        v128_t lo0 = wasm_f32x4_splat(0.0f), hi0 = lo0, lo1 = lo0, hi1 = lo0, wl, wh;
        for (int c = 0; c < body; c += 8) {
            const v128_t xl = wasm_v128_load(x + c), xh = wasm_v128_load(x + c + 4);
            a.load(c, wl, wh);
            lo0 = wasm_f32x4_add(lo0, wasm_f32x4_mul(wl, xl));
            hi0 = wasm_f32x4_add(hi0, wasm_f32x4_mul(wh, xh));
            z.load(c, wl, wh);
            lo1 = wasm_f32x4_add(lo1, wasm_f32x4_mul(wl, xl));
            hi1 = wasm_f32x4_add(hi1, wasm_f32x4_mul(wh, xh));
        }
        float a0[8], a1[8];
        wasm_v128_store(a0, lo0), wasm_v128_store(a0 + 4, hi0), wasm_v128_store(a1, lo1), wasm_v128_store(a1 + 4, hi1);
        out[r] = finish(a0, a.row, x, body, cols, b[r]);
        out[r + 1] = finish(a1, z.row, x, body, cols, b[r + 1]);
    }
    if (r < W.nrows) out[r] = dot_reference(L::of(W, r).row, x, cols, b[r]);
}

// Two rows times N samples (N <= 2: 8N accumulators of the engine's 16 vector registers).
template <class L, int N>
void pair_wasm(const L& a, const L& z, const float* const* x, int body, float (*acc)[8]) {
    v128_t lo[2 * N], hi[2 * N], al, ah, zl, zh;
    for (int i = 0; i < 2 * N; ++i) lo[i] = hi[i] = wasm_f32x4_splat(0.0f);
    for (int c = 0; c < body; c += 8) {
        a.load(c, al, ah);
        z.load(c, zl, zh);
        for (int s = 0; s < N; ++s) {
            const v128_t xl = wasm_v128_load(x[s] + c), xh = wasm_v128_load(x[s] + c + 4);
            lo[2 * s] = wasm_f32x4_add(lo[2 * s], wasm_f32x4_mul(al, xl));
            hi[2 * s] = wasm_f32x4_add(hi[2 * s], wasm_f32x4_mul(ah, xh));
            lo[2 * s + 1] = wasm_f32x4_add(lo[2 * s + 1], wasm_f32x4_mul(zl, xl));
            hi[2 * s + 1] = wasm_f32x4_add(hi[2 * s + 1], wasm_f32x4_mul(zh, xh));
        }
    }
    for (int i = 0; i < 2 * N; ++i) wasm_v128_store(acc[i], lo[i]), wasm_v128_store(acc[i] + 4, hi[i]);
}

struct GroupWasm {
    template <class L>
    void operator()(const L& a, const L& z, const float* const* x, int n, int body, float (*acc)[8]) const {
        if (n == 2) pair_wasm<L, 2>(a, z, x, body, acc);
        else pair_wasm<L, 1>(a, z, x, body, acc);
    }
};

#endif  // __wasm_simd128__

// The kernel sets: each its name and whether this CPU (and OS) runs it, in the order of Isa.
struct IsaInfo {
    const char* name;
    bool (*runs)();
};
[[maybe_unused]] bool always() { return true; }
[[maybe_unused]] bool never() { return false; }
#if defined(HW_X86)
bool has_avx2() {
    static const bool has = cpu_has_avx2();  // immutable once known
    return has;
}
bool has_avx512vnni() {  // also runs the AVX2 code (f32, f16, the gates)
    static const bool has = cpu_has_avx2() && cpu_has_avx512vnni();
    return has;
}
#define HW_ON_X86(f) f
#else
#define HW_ON_X86(f) never
#endif
#if defined(__wasm_simd128__)
#define HW_ON_WASM_SIMD(f) f
#else
#define HW_ON_WASM_SIMD(f) never
#endif
const IsaInfo kIsas[kIsaCount] = {{"reference", always},
                                  {"sse2", HW_ON_X86(always)},
                                  {"avx2", HW_ON_X86(has_avx2)},
                                  {"avx512vnni", HW_ON_X86(has_avx512vnni)},
                                  {"wasm-simd", HW_ON_WASM_SIMD(always)}};

}  // namespace

// ---- each set's entry for f32 and f16 (kernel_sets.h): one input the single way, more in groups ----
namespace kernel_sets {

void f32_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    rows_reference_batch<RowF32>(W, x, b, out, count);
}
void f16_reference(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    rows_reference_batch<RowF16>(W, x, b, out, count);
}
#if defined(HW_X86)
void f32_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (count == 1) return rows_sse2<SseF32>(W, x[0], b, out[0]);
    rows_batch<SseF32, 2>(W, x, b, out, count, GroupSse2{});
}
void f16_sse2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (count == 1) return rows_sse2<SseF16>(W, x[0], b, out[0]);
    rows_batch<SseF16, 2>(W, x, b, out, count, GroupSse2{});
}
// Explicit _mm256_zeroupper after the rows: without it the upper halves stayed dirty after this
// function and every later SSE instruction (the rest of the step) ran about five times slower here
// (measured).
HW_AVX2 void f32_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (count == 1) rows_avx2<AvxF32>(W, x[0], b, out[0]);
    else rows_batch<AvxF32, 4>(W, x, b, out, count, GroupAvx2{});
    _mm256_zeroupper();
}
HW_AVX2 void f16_avx2(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (count == 1) rows_avx2<AvxF16>(W, x[0], b, out[0]);
    else rows_batch<AvxF16, 4>(W, x, b, out, count, GroupAvx2{});
    _mm256_zeroupper();
}
#endif
#if defined(__wasm_simd128__)
void f32_wasm(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count) {
    if (count == 1) return rows_wasm<WasmF32>(W, x[0], b, out[0]);
    rows_batch<WasmF32, 2>(W, x, b, out, count, GroupWasm{});
}
#endif

}  // namespace kernel_sets

const char* isa_name(Isa isa) { return kIsas[static_cast<int>(isa)].name; }

bool isa_supported(Isa isa) { return kIsas[static_cast<int>(isa)].runs(); }

Isa best_isa() {
    for (Isa isa : {Isa::Avx512Vnni, Isa::Avx2, Isa::Sse2, Isa::WasmSimd})
        if (isa_supported(isa)) return isa;
    return Isa::Reference;
}

void matvec_add_batch(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Isa isa) {
    if (count <= 0) return;
    const MatvecFn* kernels = type_traits(W.type).matvec;
    const MatvecFn own = isa_supported(isa) ? kernels[static_cast<int>(isa)] : nullptr;
    (own ? own : kernels[static_cast<int>(Isa::Reference)])(W, x, b, out, count);
}

void matvec_add(const WeightMatrix& W, const float* x, const float* b, float* out, Isa isa) {
    matvec_add_batch(W, &x, b, &out, 1, isa);
}

}  // namespace hw
