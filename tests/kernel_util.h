// Helpers of the kernel tests (test_kernels.cpp, test_kernels_int8.cpp).
#pragma once
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "rng.h"

namespace hw::test {

inline std::vector<Isa> supported_isas() {
    std::vector<Isa> out;
    for (Isa isa : {Isa::Reference, Isa::Sse2, Isa::Avx2, Isa::Avx512Vnni, Isa::WasmSimd})
        if (isa_supported(isa)) out.push_back(isa);
    return out;
}

// Values over a wide range of magnitudes, so that a different rounding or order shows in the bits.
inline float wide(Rng& rng) {
    const float u = static_cast<float>(rng.uniform() * 2 - 1);
    return u * fexp(static_cast<float>(rng.uniform() * 12 - 6));
}

// int8 weights in [-128, 127] (the reader accepts -128, the writer never writes it), split as given.
inline WeightMatrix random_int8(int rows, int cols, int split, Rng& rng) {
    WeightMatrix w;
    make_int8(w, rows, split, cols - split);
    for (int r = 0; r < rows; ++r)
        for (int p = 0; p < 2; ++p) {
            int8_t* q = int8_row_part(w, r, p);
            for (int c = 0; c < (p ? cols - split : split); ++c) q[c] = static_cast<int8_t>(static_cast<int>(rng.uniform() * 256) - 128);
        }
    for (float& s : w.scales) s = std::fabs(wide(rng)) / 127.0f;
    prepare_rows(w);  // the row sums of the AVX-512 VNNI kernels
    return w;
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace hw::test
