// The integer path of int8 weights (kernels_int8.h): the quantisation of inputs (power-of-two scale, ties
// to even, the overflow bound, zero and non-finite inputs), and every kernel set, single and
// batched, against the integer reference written out here, bit for bit.
#include <doctest/doctest.h>

#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "kernel_util.h"
#include "kernels_int8.h"
#include "kernels.h"
#include "model_spec.h"

using namespace hw;
using namespace hw::test;

namespace {

uint32_t bits_of(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}

std::vector<int16_t> quantised(const std::vector<float>& x, int bits, Int8Scale& scale) {
    std::vector<int16_t> q(x.size(), 99);
    scale = quantise_part(x.data(), static_cast<int>(x.size()), bits, q.data());
    return q;
}

// The output rule written out: each part quantised, exact sums in 64 bits, int8_output.
std::vector<float> integer_reference(const WeightMatrix& W, const float* x, const float* b) {
    const int width[2] = {W.split, W.ncols - W.split};
    std::vector<int16_t> q[2];
    Int8Scale scale[2];
    for (int p = 0; p < 2; ++p) {
        q[p].resize(width[p]);
        scale[p] = quantise_part(x + (p ? W.split : 0), width[p], W.act_bits[p], q[p].data());
    }
    std::vector<float> out(W.nrows);
    for (int r = 0; r < W.nrows; ++r) {
        int64_t sum[2] = {0, 0};
        for (int p = 0; p < 2; ++p)
            for (int c = 0; c < width[p]; ++c) sum[p] += int64_t{int8_row_part(W, r, p)[c]} * q[p][c];
        REQUIRE(std::llabs(sum[0]) <= INT32_MAX);
        REQUIRE(std::llabs(sum[1]) <= INT32_MAX);
        out[r] = int8_output(static_cast<int32_t>(sum[0]), static_cast<int32_t>(sum[1]), W.scales[2 * r],
                             W.scales[2 * r + 1], scale[0], scale[1], b[r]);
    }
    return out;
}

std::vector<float> run(const WeightMatrix& W, const std::vector<float>& x, const std::vector<float>& b, Isa isa) {
    std::vector<float> out(W.nrows, -1.0f);
    matvec_add(W, x.data(), b.data(), out.data(), isa);
    return out;
}

}  // namespace

TEST_CASE("int8: the activation bits keep every sum of a part within int32") {
    for (int n : {1, 2, 7, 84, 400, 484, 884, 1200, 4611, 32768, 1 << 20}) {
        const int bits = int8_act_bits(n);
        INFO("n " << n << " bits " << bits);
        CHECK(int64_t{n} * 128 * ((1 << bits) - 1) <= INT32_MAX);
        CHECK((bits == 15 || int64_t{n} * 128 * ((2 << bits) - 1) > INT32_MAX));
    }
    CHECK(int8_act_bits(1200) == 13);  // the default model's output layer (3 x 400 columns)
    CHECK(int8_act_bits(884) == 14);
    CHECK(int8_act_bits(484) == 15);
}

TEST_CASE("int8: inputs are quantised with a power-of-two scale, ties to even") {
    Int8Scale s;
    // max 16384.5 in [2^14, 2^15): k = 0 at 15 bits, so q is x rounded, ties to even.
    auto q = quantised({16384.5f, 2.5f, 3.5f, -2.5f, -0.5f, 0.5f, 1.5f, -1.5f, 0.49999997f}, 15, s);
    CHECK(q == std::vector<int16_t>{16384, 2, 4, -2, 0, 0, 2, -2, 0});
    CHECK(s.scale == 1.0f);
    CHECK(s.finite);
    q = quantised({1.0f, -0.25f}, 15, s);  // 1 in [2^0, 2^1): k = 14
    CHECK(q == std::vector<int16_t>{16384, -4096});
    CHECK(s.scale == std::ldexp(1.0f, -14));
    q = quantised({0.99999994f, -0.99999994f}, 13, s);  // x * 2^13 rounds to 2^13: clamped
    CHECK(q == std::vector<int16_t>{8191, -8191});
    q = quantised({3e38f, -1e38f}, 15, s);  // the largest floats: k = -113
    CHECK(s.scale == std::ldexp(1.0f, 113));
    CHECK(q[0] == static_cast<int16_t>(std::nearbyint(std::ldexp(3e38, -113))));
    q = quantised({std::ldexp(1.0f, -110)}, 15, s);  // tiny: k = 124
    CHECK(q[0] == 16384);
    q = quantised({std::ldexp(1.0f, -149), 0.0f}, 15, s);  // subnormal: k stops at 126, q rounds to 0
    CHECK(q == std::vector<int16_t>{0, 0});
    CHECK(s.scale == std::ldexp(1.0f, -126));
}

TEST_CASE("int8: random inputs quantise as round-half-even of x * 2^k, with max |q| in [2^(bits-1), 2^bits)") {
    Rng rng(5);
    for (int trial = 0; trial < 200; ++trial) {
        const int bits = 2 + trial % 14, n = 1 + trial % 37;
        std::vector<float> x(n);
        for (float& v : x) v = wide(rng) * std::ldexp(1.0f, static_cast<int>(rng.uniform() * 60) - 30);
        Int8Scale s;
        const auto q = quantised(x, bits, s);
        const int k = -std::ilogb(s.scale);
        int top = 0;
        for (int i = 0; i < n; ++i) {
            const double want = std::fmin(std::fmax(std::nearbyint(std::ldexp(double{x[i]}, k)), 1 - (1 << bits)), (1 << bits) - 1);
            INFO("bits " << bits << " x " << x[i] << " k " << k);
            CHECK(q[i] == static_cast<int>(want));
            top = std::max(top, std::abs(int{q[i]}));
        }
        CHECK(top >= 1 << (bits - 1));
        CHECK(top < 1 << bits);
    }
}

TEST_CASE("int8: zero and non-finite inputs") {
    Rng rng(9);
    const WeightMatrix w = random_int8(9, 37, 20, rng);
    std::vector<float> b(9), x(37, 0.0f);
    for (float& v : b) v = wide(rng);
    for (Isa isa : supported_isas()) {
        INFO(isa_name(isa));
        CHECK(same_bits(run(w, x, b, isa), b));  // all zero: the bias, exactly
        for (float bad : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN()})
            for (int at : {0, 19, 20, 36}) {
                std::vector<float> y(37, 0.5f);
                y[at] = bad;
                for (float v : run(w, y, b, isa)) CHECK(bits_of(v) == kInt8NaNBits);
            }
    }
    Int8Scale s;
    CHECK(quantised({1.0f, std::numeric_limits<float>::infinity()}, 15, s) == std::vector<int16_t>{0, 0});
    CHECK_FALSE(s.finite);
}

TEST_CASE("int8: every kernel set gives the bits of the integer reference") {
    Rng rng(2024);
    const int sizes[][2] = {{1, 1}, {1, 8}, {3, 7}, {5, 9}, {7, 16}, {9, 23}, {13, 67}, {31, 130}, {121, 1203}};
    for (const auto& sz : sizes) {
        const int rows = sz[0], cols = sz[1];
        // Splits: none, inside a chunk, on a chunk boundary, in the tail, all in part 1.
        for (int split : {cols, cols / 2 + 1, cols / 16 * 16, cols - 1, 0}) {
            const WeightMatrix w = random_int8(rows, cols, split, rng);
            std::vector<float> x(cols), b(rows);
            for (float& v : x) v = wide(rng);
            for (float& v : b) v = wide(rng);
            const std::vector<float> want = integer_reference(w, x.data(), b.data());
            for (Isa isa : supported_isas()) {
                INFO(isa_name(isa) << " " << rows << "x" << cols << " split " << split);
                CHECK(same_bits(run(w, x, b, isa), want));
            }
        }
    }
}

TEST_CASE("int8: the widest rows a model may have reach the bound without overflow") {
    const int lstm_input = kPointDim + HParamLimits::max_hidden + HParamLimits::max_alphabet;  // x, h below, w
    const int widths[][2] = {{lstm_input, HParamLimits::max_hidden}, {HParamLimits::max_layers * HParamLimits::max_hidden, 0}};
    for (const auto& wd : widths) {
        WeightMatrix w;
        make_int8(w, 3, wd[0], wd[1]);
        for (int p = 0; p < 2; ++p)
            for (int c = 0; c < wd[p]; ++c) {
                int8_row_part(w, 0, p)[c] = -128;
                int8_row_part(w, 1, p)[c] = 127;
                int8_row_part(w, 2, p)[c] = static_cast<int8_t>(c % 2 ? -128 : 127);
            }
        for (float& s : w.scales) s = 1.0f;
        prepare_rows(w);
        // x just under 1 in magnitude: every q is -(2^bits - 1), the largest |q| the bound allows.
        const std::vector<float> x(wd[0] + wd[1], -0.99999994f), b(3, 0.0f);
        const std::vector<float> want = integer_reference(w, x.data(), b.data());
        const double top = static_cast<double>(wd[0]) * 128 * ((1 << w.act_bits[0]) - 1) * std::ldexp(1.0, -w.act_bits[0]);
        CHECK(want[0] == doctest::Approx(top + static_cast<double>(wd[1]) * 128 * ((1 << w.act_bits[1]) - 1) * std::ldexp(1.0, -w.act_bits[1])));
        for (Isa isa : supported_isas()) {
            INFO(isa_name(isa) << " widths " << wd[0] << " + " << wd[1]);
            CHECK(same_bits(run(w, x, b, isa), want));
        }
    }
}

TEST_CASE("int8: a batch with a non-finite input leaves the others as they are alone") {
    Rng rng(31);
    const WeightMatrix w = random_int8(11, 45, 13, rng);
    std::vector<float> b(11);
    for (float& v : b) v = wide(rng);
    std::vector<std::vector<float>> x(5, std::vector<float>(45));
    for (auto& xs : x)
        for (float& v : xs) v = wide(rng);
    x[2][30] = std::numeric_limits<float>::quiet_NaN();
    for (Isa isa : supported_isas()) {
        std::vector<std::vector<float>> got(5, std::vector<float>(11));
        std::vector<const float*> xp;
        std::vector<float*> op;
        for (int s = 0; s < 5; ++s) xp.push_back(x[s].data()), op.push_back(got[s].data());
        matvec_add_batch(w, xp.data(), b.data(), op.data(), 5, isa);
        for (int s = 0; s < 5; ++s) {
            INFO(isa_name(isa) << " sample " << s);
            CHECK(same_bits(got[s], run(w, x[s], b, isa)));
        }
        CHECK(bits_of(got[2][0]) == kInt8NaNBits);
    }
}

// ---- the AVX-512 VNNI set: q's bytes against the weights as they are, and the weight sums ----

namespace {

// Whether this CPU runs the AVX-512 VNNI set; where not, says so (its tests are skipped, the other
// sets' are not).
bool vnni_or_skip() {
    if (isa_supported(Isa::Avx512Vnni)) return true;
    MESSAGE("AVX-512 VNNI (F, BW, VL, VNNI and the OS's ZMM state) is not available here: its kernel set is not tested");
    return false;
}

// Rows at the ends of int8: all -128, all 127, alternating, and random among the extremes and small values.
WeightMatrix extreme_int8(int rows, int split, int rest, Rng& rng) {
    WeightMatrix w;
    make_int8(w, rows, split, rest);
    const int8_t pick[] = {-128, 127, -127, -1, 0, 1, 64, -64};
    for (int r = 0; r < rows; ++r)
        for (int p = 0; p < 2; ++p) {
            int8_t* v = int8_row_part(w, r, p);
            for (int c = 0; c < (p ? rest : split); ++c) {
                const int8_t alt = c % 2 ? -128 : 127;
                const int8_t any = pick[static_cast<int>(rng.uniform() * 8)];
                v[c] = r % 4 == 0 ? -128 : r % 4 == 1 ? 127 : r % 4 == 2 ? alt : any;
            }
        }
    for (float& s : w.scales) s = 1.0f / 128;
    prepare_rows(w);
    return w;
}

// Inputs whose q reach every kind of byte split: +-(2^bits - 1) (the largest, high byte -128 or
// 127), +-1, -256, -257, 255, 256, 0; the first is the largest, which pins the scale to 2^-bits.
std::vector<float> extreme_inputs(int split, int rest, const WeightMatrix& w, Rng& rng) {
    std::vector<float> x;
    for (int p = 0; p < 2; ++p) {
        const int top = (1 << w.act_bits[p]) - 1;
        const int q[] = {-top, top, -1, 1, -256, -257, 255, 256, 0, top - 1, 1 - top};
        for (int c = 0; c < (p ? rest : split); ++c) {
            const int v = c == 0 ? (rng.uniform() < 0.5 ? -top : top) : q[static_cast<int>(rng.uniform() * 11)];
            x.push_back(std::ldexp(static_cast<float>(v), -w.act_bits[p]));
        }
    }
    return x;
}

// matvec_add_batch of count inputs with the given set.
std::vector<std::vector<float>> run_batch(const WeightMatrix& W, const std::vector<std::vector<float>>& x,
                                          const std::vector<float>& b, Isa isa) {
    std::vector<std::vector<float>> out(x.size(), std::vector<float>(W.nrows, -1.0f));
    std::vector<const float*> xp;
    std::vector<float*> op;
    for (size_t s = 0; s < x.size(); ++s) xp.push_back(x[s].data()), op.push_back(out[s].data());
    matvec_add_batch(W, xp.data(), b.data(), op.data(), static_cast<int>(x.size()), isa);
    return out;
}

}  // namespace

TEST_CASE("int8: the AVX-512 VNNI set gives the reference's bits at the extremes of weights and inputs") {
    if (!vnni_or_skip()) return;
    CHECK(best_isa() == Isa::Avx512Vnni);
    CHECK(std::string(isa_name(Isa::Avx512Vnni)) == "avx512vnni");
    Rng rng(64);
    // One part of 16..1200 columns (the tail of a 64-column step: 16, 32, 48 or none), or two.
    const int widths[][2] = {{16, 0}, {32, 0}, {48, 0}, {64, 0}, {80, 0}, {400, 0}, {1200, 0}, {0, 48},
                             {16, 48}, {84, 400}, {484, 400}, {400, 1200}, {5, 70}};
    for (const auto& wd : widths)
        for (int rows : {1, 4, 7, 17, 63, 64, 65, 130}) {  // one tile's rows, a group of 64 and more, the masked last rows
            const WeightMatrix w = extreme_int8(rows, wd[0], wd[1], rng);
            REQUIRE(!w.i8_tiles.empty());  // else the set would run AVX2
            std::vector<float> b(rows);
            for (float& v : b) v = wide(rng);
            std::vector<std::vector<float>> x;
            for (int s = 0; s < 5; ++s) x.push_back(extreme_inputs(wd[0], wd[1], w, rng));
            INFO(rows << " rows, widths " << wd[0] << " + " << wd[1]);
            for (const auto& xs : x) {
                const std::vector<float> want = run(w, xs, b, Isa::Reference);
                CHECK(same_bits(want, integer_reference(w, xs.data(), b.data())));
                CHECK(same_bits(run(w, xs, b, Isa::Avx512Vnni), want));
            }
            for (size_t count : {1, 2, 3, 5}) {
                const std::vector<std::vector<float>> xs(x.begin(), x.begin() + static_cast<long>(count));
                const auto want = run_batch(w, xs, b, Isa::Reference), got = run_batch(w, xs, b, Isa::Avx512Vnni);
                for (size_t s = 0; s < count; ++s) {
                    INFO("batch of " << count << ", sample " << s);
                    CHECK(same_bits(got[s], want[s]));
                }
            }
        }
}

TEST_CASE("int8: prepare_rows lays out the VNNI tiles where the set runs; without them it runs AVX2") {
    Rng rng(3);
    WeightMatrix w = random_int8(70, 100, 37, rng);  // two groups of rows, the second of 6
    if (!vnni_or_skip()) {
        CHECK(w.i8_tiles.empty());  // nothing kept for kernels this CPU cannot run
        return;
    }
    constexpr int G = WeightMatrix::kInt8TileRows;
    REQUIRE(w.i8_tiles.size() == 2 * G * static_cast<size_t>(w.int8_stride()));
    for (int r = 0; r < 70; ++r)
        for (int p = 0; p < 2; ++p) {
            int32_t sum = 0;
            for (int c = 0; c < w.int8_part_width(p); ++c) {
                const int8_t v = int8_row_part(w, r, p)[c];
                CHECK(w.i8_tiles[int8_tile_offset(w, r / G, p) + int8_tile_index(c, r % G)] == v);
                sum += v;
            }
            const size_t at = (static_cast<size_t>(r / G) * 2 + p) * G + r % G;
            CHECK(w.i8_tile_bias[at] == -128 * sum);
            CHECK(w.i8_tile_scales[at] == w.scales[2 * r + p]);
        }
    std::vector<float> x(100), b(70);
    for (float& v : x) v = wide(rng);
    for (float& v : b) v = wide(rng);
    const std::vector<float> want = run(w, x, b, Isa::Reference);
    CHECK(same_bits(run(w, x, b, Isa::Avx512Vnni), want));
    w.i8_tiles.clear();  // a matrix built without prepare_rows
    CHECK(same_bits(run(w, x, b, Isa::Avx512Vnni), want));
}
