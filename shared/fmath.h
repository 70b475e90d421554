// The core's own float functions (exp, sigmoid, tanh, softplus; log in double), so that the same
// inputs give the same bits natively (built with -ffp-contract=off) and in WebAssembly: no libm,
// whose results differ between C libraries and browsers. The exp polynomial is written once
// (exp_poly), for a float here and for the SIMD lanes of the LSTM gates (gates.cpp).
#pragma once
#include <cstdint>
#include <cstring>

namespace hw {

// exp(x) = 2^n * e^r with x = n ln2 + r, |r| <= ln2 / 2, and e^r from a degree-7 polynomial.
struct ExpPoly {
    static constexpr float kMax = 88.0f;    // larger x is taken as 88 (e^88 is near FLT_MAX)
    static constexpr float kUnder = -87.0f;  // smaller x gives 0 (fexp says why)
    static constexpr float kLog2e = 1.44269504088896341f;
    // ln 2 in two parts: fn * kLn2Hi is exact for the |n| <= 127 that occur, so r keeps its bits.
    static constexpr float kLn2Hi = 0.693359375f;
    static constexpr float kLn2Lo = -2.12194440e-4f;
    // e^r's Taylor coefficients, highest degree first (Horner's order).
    static constexpr float kCoef[8] = {1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f,
                                       1.0f / 6.0f,    0.5f,          1.0f,          1.0f};
};

// The part of exp that every lane type shares: r = x - fn ln2 (in two steps) and p = e^r, each
// operation separate and in this order. V is float or a GCC/clang vector of floats (__m256, or a
// float vector over WebAssembly's v128), whose + - * act lane by lane with a float broadcast.
// References in and out: a 256-bit vector passes through no call boundary (always inlined).
template <class V>
[[gnu::always_inline]] inline void exp_poly(const V& x, const V& fn, V& p) {
    V r = x - fn * ExpPoly::kLn2Hi;
    r = r - fn * ExpPoly::kLn2Lo;
    p = V{} + ExpPoly::kCoef[0];
#pragma GCC unroll 8
    for (int i = 1; i < 8; ++i) p = p * r + ExpPoly::kCoef[i];
}

// exp(x) in float: n rounded half away from zero, then 2^n from its bits.
// Below -87 the result underflows to 0 (not e^-87 ~ 1.6e-38): the window weights of characters far
// from the pen would otherwise be tiny normals whose products with the weights are subnormal, and
// subnormal arithmetic is 2-3x slower on x86, natively and in WebAssembly.
inline float fexp(float x) {
    if (x != x) return x;
    if (x > ExpPoly::kMax) x = ExpPoly::kMax;
    if (x < ExpPoly::kUnder) return 0.0f;
    const float fn = static_cast<float>(static_cast<int>(x * ExpPoly::kLog2e + (x >= 0 ? 0.5f : -0.5f)));
    float p;
    exp_poly(x, fn, p);
    const uint32_t bits = static_cast<uint32_t>(static_cast<int>(fn) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// Below -87 the result underflows to 0 rather than to a subnormal (1 / (1 + e^88) ~ 6e-39): a
// trained network saturates gates that far, and a subnormal gate makes the cell state, the hidden
// state and the next products subnormal too (measured on the default model: 5x slower natively).
inline float fsigmoid(float x) { return x < ExpPoly::kUnder ? 0.0f : 1.0f / (1.0f + fexp(-x)); }

// tanh's series below 1/16 and cut to 1 above 9 (the lanes of gates.cpp use the same bounds).
constexpr float kTanhSeriesBelow = 0.0625f;
constexpr float kTanhOneAbove = 9.0f;

inline float ftanh(float x) {
    float ax = x < 0 ? -x : x;
    float r;
    if (ax < kTanhSeriesBelow) {
        // tanh(x) = x - x^3/3 + 2x^5/15 - 17x^7/315: avoids cancellation near zero.
        float x2 = ax * ax;
        r = ax * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f))));
    } else if (ax > kTanhOneAbove) {
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

}  // namespace hw
