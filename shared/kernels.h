// Reference kernels: one fixed summation order and the core's own exp/tanh/sigmoid/log, so that
// the same inputs give the same bits natively (built with -ffp-contract=off) and in WebAssembly.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace hw {

// exp(x) in float: x = n*ln2 + r, |r| <= ln2/2, degree-7 polynomial for e^r, then scale by 2^n.
// Below -87 the result underflows to 0 (not e^-87 ~ 1.6e-38): the window weights of characters far
// from the pen would otherwise be tiny normals whose products with the weights are subnormal, and
// subnormal arithmetic is 2-3x slower on x86, natively and in WebAssembly.
inline float fexp(float x) {
    if (x != x) return x;
    if (x > 88.0f) x = 88.0f;
    if (x < -87.0f) return 0.0f;
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f;
    const float ln2_lo = -2.12194440e-4f;
    float fn = static_cast<float>(static_cast<int>(x * log2e + (x >= 0 ? 0.5f : -0.5f)));
    float r = x - fn * ln2_hi;
    r = r - fn * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int n = static_cast<int>(fn);
    uint32_t bits = static_cast<uint32_t>(n + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// Below -87 the result underflows to 0 rather than to a subnormal (1 / (1 + e^88) ~ 6e-39): a
// trained network saturates gates that far, and a subnormal gate makes the cell state, the hidden
// state and the next products subnormal too (measured on the default model: 5x slower natively).
inline float fsigmoid(float x) { return x < -87.0f ? 0.0f : 1.0f / (1.0f + fexp(-x)); }

inline float ftanh(float x) {
    float ax = x < 0 ? -x : x;
    float r;
    if (ax < 0.0625f) {
        // tanh(x) = x - x^3/3 + 2x^5/15 - 17x^7/315: avoids cancellation near zero.
        float x2 = ax * ax;
        r = ax * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f))));
    } else if (ax > 9.0f) {
        r = 1.0f;
    } else {
        float t = fexp(-2.0f * ax);
        r = (1.0f - t) / (1.0f + t);
    }
    return x < 0 ? -r : r;
}

// Natural log in double for x > 0 (used by the RNG and softplus): frexp-style split, atanh series.
inline double dlog(double x) {
    if (!(x > 0)) return x == 0 ? -1e300 : 0.0 / 0.0;
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    int e = static_cast<int>((bits >> 52) & 0x7ff);
    if (e == 0) {  // subnormal: scale up by 2^54
        x *= 18014398509481984.0;
        std::memcpy(&bits, &x, sizeof bits);
        e = static_cast<int>((bits >> 52) & 0x7ff) - 54;
    }
    e -= 1022;  // x = m * 2^e with m in [0.5, 1)
    bits = (bits & 0x800fffffffffffffULL) | (1022ULL << 52);
    double m;
    std::memcpy(&m, &bits, sizeof m);
    if (m < 0.70710678118654752) { m *= 2.0; e -= 1; }
    double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double p = 1.0 / 21;
    p = p * s2 + 1.0 / 19; p = p * s2 + 1.0 / 17; p = p * s2 + 1.0 / 15; p = p * s2 + 1.0 / 13;
    p = p * s2 + 1.0 / 11; p = p * s2 + 1.0 / 9; p = p * s2 + 1.0 / 7; p = p * s2 + 1.0 / 5;
    p = p * s2 + 1.0 / 3; p = p * s2 + 1.0;
    return 2.0 * s * p + e * 0.69314718055994530942;
}

// softplus(x) = log(1 + e^x), stable for large |x|.
inline float fsoftplus(float x) {
    if (x > 20.0f) return x;
    return static_cast<float>(dlog(1.0 + static_cast<double>(fexp(x))));
}

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

// ---- weights in the precision of their file -------------------------------------------------

enum class WeightType { F32, F16, I8 };

// A row-major weight matrix kept as the file stores it: f32, IEEE half bits, or int8 with per-row
// scales. An int8 row may join two tensors side by side (an LSTM's W_ih | W_hh), each quantised
// with its own row scale: columns [0, split) (part 0) use scales[2r], [split, cols) (part 1) use
// scales[2r + 1]. int8 rows are laid out for the integer kernels (kernels_int8.cpp): part 0, then
// part 1, each padded with zeros to a multiple of kInt8Pad columns (make_int8 shapes them).
struct WeightMatrix {
    static constexpr int kInt8Pad = 16;
    WeightType type = WeightType::F32;
    int nrows = 0, ncols = 0;
    int split = 0;                // int8 only
    std::vector<float> f32;       // [rows, cols] when F32
    std::vector<uint16_t> f16;    // [rows, cols] when F16
    std::vector<int8_t> i8;       // [rows, int8_stride()] when I8, the parts padded
    std::vector<float> scales;    // [rows, 2] when I8
    // I8: the activations of part p are quantised to |q| <= 2^act_bits[p] - 1, so that no integer
    // sum over the part can overflow int32 (int8_act_bits).
    int act_bits[2] = {0, 0};
    // F16, from prepare_rows: 1 where the row holds a half with exponent 0 (zero or subnormal),
    // which needs the slower conversion; rows without an entry take it too.
    std::vector<uint8_t> f16_tiny;
    // I8 where AVX-512 VNNI runs (x86, from prepare_rows): the weights again, in the VNNI
    // kernels' layout (int8_tile_offset), and per group of kInt8TileRows rows and part: -128 times
    // each row part's weight sum (wrapped to int32; what the kernels' unsigned bytes add too much)
    // and its scale (0 in the rows past the last). A matrix without them takes the AVX2 kernels.
    static constexpr int kInt8TileRows = 64;
    std::vector<int8_t> i8_tiles;
    std::vector<int32_t> i8_tile_bias;   // [groups, 2, kInt8TileRows]
    std::vector<float> i8_tile_scales;   // [groups, 2, kInt8TileRows]

    int rows() const { return nrows; }
    int cols() const { return ncols; }
    static int int8_padded(int n) { return (n + kInt8Pad - 1) / kInt8Pad * kInt8Pad; }
    int int8_part_offset(int part) const { return part ? int8_padded(split) : 0; }
    int int8_part_width(int part) const { return int8_padded(part ? ncols - split : split); }
    int int8_stride() const { return int8_padded(split) + int8_padded(ncols - split); }
    float at(int r, int c) const;  // the f32 value the reader's dequantisation gives
    size_t bytes() const;          // memory held by the weights (the tiles included)
    size_t tile_bytes() const;     // of that, the VNNI kernels' tiles with their sums and scales
};

// Shapes w as an int8 matrix of zeros, rows x (split + rest), with zero scales.
void make_int8(WeightMatrix& w, int rows, int split, int rest);
// Where row r's part (0 or 1) starts in w.i8: its columns follow one another from there.
inline const int8_t* int8_row_part(const WeightMatrix& w, int r, int part) {
    return w.i8.data() + static_cast<size_t>(r) * w.int8_stride() + w.int8_part_offset(part);
}
inline int8_t* int8_row_part(WeightMatrix& w, int r, int part) {
    return const_cast<int8_t*>(int8_row_part(static_cast<const WeightMatrix&>(w), r, part));
}

// The tiles of the VNNI kernels: rows are taken kInt8TileRows at a time (group g, rows past the
// last are zero), each part on its own; part p of group g starts at int8_tile_offset(w, g, p), and
// its bytes run [width / 4][4 tiles][16 rows][4 columns]: a 64-byte tile holds 4 consecutive
// columns of 16 rows, so one vpdpbusd adds 4 products to each of 16 rows' sums.
inline size_t int8_tile_offset(const WeightMatrix& w, int g, int part) {
    const size_t rows = WeightMatrix::kInt8TileRows;
    return rows * (static_cast<size_t>(g) * w.int8_stride() + (part ? w.int8_part_width(0) : 0));
}
inline size_t int8_tile_index(int c, int row_in_group) {  // within a part's tiles: column c, row 0..63
    return ((static_cast<size_t>(c / 4) * 4 + row_in_group / 16) * 16 + row_in_group % 16) * 4 + c % 4;
}

// Fills the derived per-row fields (f16_tiny, the int8 tiles) after the weights are set; call it again
// after changing them.
void prepare_rows(WeightMatrix& w);

// Half to float, exact for every finite half (the reader refuses non-finite weights): normals by
// moving the exponent, subnormals as an integer times 2^-24 (no subnormal float arithmetic, which
// is slow on x86). The SIMD kernels do the same lane by lane.
inline float half_to_float(uint16_t h) {
    const uint32_t em = h & 0x7fffu, sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t bits;
    if (em < 0x400u) {
        const float f = static_cast<float>(static_cast<int>(em)) * 0x1p-24f;
        std::memcpy(&bits, &f, 4);
    } else {
        bits = (em << 13) + (112u << 23);
    }
    bits |= sign;
    float out;
    std::memcpy(&out, &bits, 4);
    return out;
}

// int8 weight q of a row with scale s, computed as the reader does (int8 -> float, times scale).
inline float int8_weight(int8_t q, float s) { return static_cast<float>(q) * s; }

// Kernel sets. For f32 and f16 weights every set gives the same bits: same weight values, same
// eight-partial-sum order, multiply then add (never fused). int8 weights take the integer path
// below, whose sums are exact, so every set gives the same bits there too. Reference is portable
// C++; the others are chosen at run time. Avx512Vnni is Avx2 but for the int8 dot products
// (vpdpbusd on 512-bit registers); it exists on x86 only, where the CPU and the OS enable it.
enum class Isa { Reference, Sse2, Avx2, Avx512Vnni, WasmSimd };
const char* isa_name(Isa isa);
bool isa_supported(Isa isa);
Isa best_isa();

// out[r] = b[r] + sum_c W[r, c] * x[c]. f32 and f16: in the order of matvec_add above. int8: the
// integer product of int8_matvec below. An unsupported isa falls back to Reference. Allocates
// nothing (int8: only the first time a thread meets a wider input, see int8_matvec).
void matvec_add(const WeightMatrix& W, const float* x, const float* b, float* out, Isa isa);

// Several inputs through one pass over the weights (a batch of samples stepped together):
// out[s][r] = b[r] + sum_c W[r, c] * x[s][c] for s < count, each out[s] with exactly the bits that
// matvec_add(W, x[s], b, out[s], isa) gives (the same partial sums in the same order). Each weight
// is read and converted once per group of samples instead of once per sample. Allocates nothing
// (int8: as matvec_add).
void matvec_add_batch(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Isa isa);

// ---- the integer path of int8 weights (kernels_int8.cpp) ---------------------------------------
// Each part of the input (the columns of one weight scale) is quantised on its own to int16 with a
// power-of-two scale: q = round_half_even(x * 2^k), k the largest with max|x| * 2^k < 2^bits (at
// most 126), clamped to +-(2^bits - 1). The dot products of the int8 rows with q are exact int32
// sums, in any order, so every kernel set gives the same sums; int8_output turns them into the
// output with one fixed sequence of float operations. A part that is all zero gives q = 0 (scale
// 1); an input with a non-finite value (inf or NaN) anywhere gives the NaN of kInt8NaNBits in every output.

// The largest bits in [2, 15] with n * 128 * (2^bits - 1) <= INT32_MAX: |w| <= 128, |q| < 2^bits,
// so a sum over n columns cannot overflow (n up to 5.6 million; a model's widest row is 32,768).
int int8_act_bits(int n);

// One part's quantisation: its scale 2^-k, and whether every x was finite (if not, q is all 0).
struct Int8Scale {
    float scale = 1.0f;
    bool finite = true;
};
// Writes q[0, n) from x[0, n) as above.
Int8Scale quantise_part(const float* x, int n, int bits, int16_t* q);

// Quiet NaN with a fixed sign and payload: the output for a non-finite input.
constexpr uint32_t kInt8NaNBits = 0x7fc00000u;
inline float int8_nan() {
    float f;
    std::memcpy(&f, &kInt8NaNBits, 4);
    return f;
}

// The output of one row: (acc0 * row scale 0 * input scale 0 + acc1 * row scale 1 * input scale 1)
// + bias, in this order, each product left to right (the kernels all call this; -ffp-contract=off).
inline float int8_output(int32_t acc0, int32_t acc1, float w0, float w1, Int8Scale x0, Int8Scale x1, float bias) {
    if (!x0.finite || !x1.finite) return int8_nan();
    const float a = static_cast<float>(acc0) * w0 * x0.scale;
    const float c = static_cast<float>(acc1) * w1 * x1.scale;
    return (a + c) + bias;
}

// The integer matvec of int8 weights for count inputs with the given kernel set (matvec_add and
// matvec_add_batch call it). The quantised inputs live in a buffer of the calling thread, grown when
// a wider input than before comes (so allocation happens only then).
void int8_matvec(const WeightMatrix& W, const float* const* x, const float* b, float* const* out, int count, Isa isa);

}  // namespace hw
