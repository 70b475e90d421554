#include "type_traits.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernel_sets.h"

namespace hw {

uint16_t f32_to_f16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int32_t exp = static_cast<int32_t>((x >> 23) & 0xFF) - 127 + 15;
    uint32_t mant = x & 0x7FFFFF;
    if (((x >> 23) & 0xFF) == 0xFF) return static_cast<uint16_t>(sign | 0x7C00 | (mant ? 0x200 : 0));
    if (exp >= 31) return static_cast<uint16_t>(sign | 0x7C00);  // overflow to inf
    if (exp <= 0) {
        if (exp < -10) return static_cast<uint16_t>(sign);
        mant |= 0x800000;
        int shift = 14 - exp;
        uint32_t h = mant >> shift;
        uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) ++h;
        return static_cast<uint16_t>(sign | h);
    }
    uint32_t h = (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;  // round to nearest even; may carry into exp
    return static_cast<uint16_t>(sign | h);
}

namespace {

// ---- f32: the values as they are ----
uint64_t f32_bytes(uint64_t rows, uint64_t cols) { return rows * cols * 4; }
void f32_from(const float* v, int64_t rows, int64_t cols, uint8_t* out) { std::memcpy(out, v, static_cast<size_t>(rows * cols) * 4); }
bool f32_to(const uint8_t* p, int64_t rows, int64_t cols, float* out) {
    std::memcpy(out, p, static_cast<size_t>(rows * cols) * 4);
    return true;
}

// ---- f16: IEEE half bits ----
uint64_t f16_bytes(uint64_t rows, uint64_t cols) { return rows * cols * 2; }
void f16_from(const float* v, int64_t rows, int64_t cols, uint8_t* out) {
    for (int64_t i = 0; i < rows * cols; ++i) {
        const uint16_t h = f32_to_f16(v[i]);
        std::memcpy(out + 2 * i, &h, 2);
    }
}
bool f16_to(const uint8_t* p, int64_t rows, int64_t cols, float* out) {
    for (int64_t i = 0; i < rows * cols; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = f16_to_f32(h);
    }
    return true;
}

// ---- int8: [rows] f32 scales (max |row| / 127), then [rows, cols] values rounded to even ----
uint64_t int8_bytes(uint64_t rows, uint64_t cols) { return rows * 4 + rows * cols; }
void int8_from(const float* v, int64_t rows, int64_t cols, uint8_t* out) {
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = v + r * cols;
        float mx = 0;
        for (int64_t c = 0; c < cols; ++c) mx = std::max(mx, std::fabs(row[c]));
        const float scale = mx > 0 ? mx / 127.0f : 0.0f;
        std::memcpy(out + r * 4, &scale, 4);
        for (int64_t c = 0; c < cols; ++c) {
            float q = scale > 0 ? std::nearbyint(row[c] / scale) : 0.0f;
            q = std::min(127.0f, std::max(-127.0f, q));
            out[rows * 4 + r * cols + c] = static_cast<uint8_t>(static_cast<int8_t>(q));
        }
    }
}
bool int8_to(const uint8_t* p, int64_t rows, int64_t cols, float* out) {
    for (int64_t r = 0; r < rows; ++r) {
        float scale;
        std::memcpy(&scale, p + 4 * r, 4);
        if (!std::isfinite(scale)) return false;
        const auto* q = reinterpret_cast<const int8_t*>(p + 4 * rows + r * cols);
        for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = int8_weight(q[c], scale);
    }
    return true;
}

// A kernel set's entry where its instructions compile, else none (the reference runs).
#if defined(HW_X86)
#define HW_X86_ONLY(f) f
#else
#define HW_X86_ONLY(f) nullptr
#endif
#if defined(__wasm_simd128__)
#define HW_WASM_ONLY(f) f
#else
#define HW_WASM_ONLY(f) nullptr
#endif

namespace k = kernel_sets;

// Columns in the order of Isa: Reference, Sse2, Avx2, Avx512Vnni (AVX2 but for int8), WasmSimd.
const TypeTraits kTypes[kDTypeCount] = {
    {"f32", false, f32_bytes, f32_from, f32_to,
     {k::f32_reference, HW_X86_ONLY(k::f32_sse2), HW_X86_ONLY(k::f32_avx2), HW_X86_ONLY(k::f32_avx2), HW_WASM_ONLY(k::f32_wasm)}},
    {"f16", false, f16_bytes, f16_from, f16_to,
     {k::f16_reference, HW_X86_ONLY(k::f16_sse2), HW_X86_ONLY(k::f16_avx2), HW_X86_ONLY(k::f16_avx2), nullptr}},
    {"int8", true, int8_bytes, int8_from, int8_to,
     {k::int8_reference, HW_X86_ONLY(k::int8_sse2), HW_X86_ONLY(k::int8_avx2), HW_X86_ONLY(k::int8_avx512vnni),
      HW_WASM_ONLY(k::int8_wasm)}},
};

}  // namespace

const TypeTraits& type_traits(DType t) { return kTypes[static_cast<int>(t)]; }

bool parse_dtype(const std::string& name, DType& out) {
    for (int i = 0; i < kDTypeCount; ++i)
        if (name == kTypes[i].name) {
            out = static_cast<DType>(i);
            return true;
        }
    return false;
}

DType stored_dtype(DType precision, size_t dimensions) {
    return type_traits(precision).matrices_only && dimensions < 2 ? DType::F32 : precision;
}

}  // namespace hw
