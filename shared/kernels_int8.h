// The integer path of int8 weights (kernels_int8.cpp): the inputs quantised, exact integer dot
// products, one fixed sequence of float operations for each output. Its kernels per set are the int8
// row of the type table (type_traits.h, kernel_sets.h); matvec_add (kernels.h) runs them.
#pragma once
#include <cstdint>
#include <cstring>

#include "kernels.h"

namespace hw {

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

}  // namespace hw
