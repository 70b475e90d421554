// The number types a model's weights may have, and their scalar conversions. What each type is
// for the file and for the kernels is one row of type_traits (type_traits.h).
#pragma once
#include <cstdint>
#include <cstring>

namespace hw {

// f32; IEEE half; int8 with one f32 scale per row (a file "in int8" keeps its vectors in f32).
enum class DType { F32, F16, I8 };
constexpr int kDTypeCount = 3;

// Float to half, rounding to nearest even (overflow to infinity).
uint16_t f32_to_f16(float f);

// Half to float, exact for every half: normals by moving the exponent, subnormals as an integer
// times 2^-24 (no subnormal float arithmetic, which is slow on x86), infinities and NaNs kept (the
// reader refuses them). The SIMD kernels do the same lane by lane for the finite ones.
inline float f16_to_f32(uint16_t h) {
    const uint32_t em = h & 0x7fffu, sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t bits;
    if (em < 0x400u) {
        const float f = static_cast<float>(static_cast<int>(em)) * 0x1p-24f;
        std::memcpy(&bits, &f, 4);
    } else if (em < 0x7c00u) {
        bits = (em << 13) + (112u << 23);
    } else {
        bits = (em << 13) | 0x7f800000u;
    }
    bits |= sign;
    float out;
    std::memcpy(&out, &bits, 4);
    return out;
}

// int8 weight q of a row with scale s, computed as the reader does (int8 -> float, times scale).
inline float int8_weight(int8_t q, float s) { return static_cast<float>(q) * s; }

}  // namespace hw
