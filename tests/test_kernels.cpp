// The matvec kernels over weights in their file's precision: for f32 and f16 every kernel set gives
// the bits of dequantise-then-reference (the f32 matvec of kernels.h), and a model stored as f16
// writes the same points as the same model dequantised to f32 at load. int8 weights take the
// integer path: every kernel set gives the bits of the integer reference written out here, and an
// int8 model writes the same points with every kernel set (not those of its dequantised copy).
#include <doctest/doctest.h>

#include <cstring>

#include "gates.h"
#include "generator.h"
#include "kernel_util.h"
#include "kernels.h"
#include "test_util.h"

using namespace hw;
using namespace hw::test;

namespace {

WeightMatrix random_matrix(DType type, int rows, int cols, int split, Rng& rng) {
    if (type == DType::I8) return random_int8(rows, cols, split, rng);
    WeightMatrix w;
    w.type = type;
    w.nrows = rows;
    w.ncols = cols;
    const size_t n = static_cast<size_t>(rows) * cols;
    for (size_t i = 0; i < n; ++i) {
        if (type == DType::F32) w.f32.push_back(wide(rng));
        // Odd rows reach subnormal halves and zeros; even rows hold normal halves only, which
        // kernels with a cheaper conversion for such rows (prepare_rows) take.
        const float v = wide(rng);
        if (type == DType::F16) w.f16.push_back(f32_to_f16(i / cols % 2 ? v * 1e-3f : v + (v < 0 ? -1e-3f : 1e-3f)));
    }
    prepare_rows(w);
    return w;
}

WeightMatrix dequantised(const WeightMatrix& w) {
    WeightMatrix d;
    d.nrows = w.nrows;
    d.ncols = w.ncols;
    for (int r = 0; r < w.nrows; ++r)
        for (int c = 0; c < w.ncols; ++c) d.f32.push_back(w.at(r, c));
    return d;
}

Model load(const std::vector<uint8_t>& bytes, Isa isa) {
    Model m;
    const Status s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    m.isa = isa;
    return m;
}

std::vector<float> write_points(const Model& m, uint64_t seed) {
    Generator g;
    GenerateOptions opt;
    opt.seed = seed;
    opt.bias = 0.3f;
    opt.max_steps = 150;
    const Status s = g.start(m, m.hp.kind == ModelKind::Synthesis ? "a quick test" : "", opt);
    REQUIRE_MESSAGE(s.ok, s.message);
    std::vector<Point> points;
    while (!g.done() && g.run(64, points) > 0) {}
    std::vector<float> out;
    for (const Point& p : points) out.insert(out.end(), {p.dx, p.dy, p.pen_up});
    return out;
}

}  // namespace

TEST_CASE("kernels: f16_to_f32 is exact for every half (f32_to_f16 gives each back)") {
    int checked = 0;
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float f = f16_to_f32(static_cast<uint16_t>(h));
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {  // NaN: stays a NaN with its sign
            if (!std::isnan(f) || std::signbit(f) != ((h & 0x8000) != 0)) FAIL("half " << h << " is not a NaN: " << f);
            continue;
        }
        if (f32_to_f16(f) != h) FAIL("half " << h << " -> " << f << " -> " << f32_to_f16(f));
        ++checked;
    }
    CHECK(checked == 63488 + 2);  // the finite halves (+-0 among them) and the two infinities
    CHECK(std::isinf(f16_to_f32(0x7c00)));
    CHECK(f16_to_f32(0x0001) == 0x1p-24f);
}

TEST_CASE("kernels: prepare_rows marks the f16 rows that hold a half with exponent 0") {
    WeightMatrix w;
    w.type = DType::F16;
    w.nrows = 3;
    w.ncols = 2;
    w.f16 = {0x3c00, 0xbc00, 0x3c00, 0x8000, 0x0001, 0x3c00};  // 1 -1 | 1 -0 | 2^-24 1
    prepare_rows(w);
    CHECK(w.f16_tiny == std::vector<uint8_t>{0, 1, 1});
}

TEST_CASE("kernels: every kernel set gives the bits of dequantise-then-reference for f32 and f16") {
    Rng rng(2024);
    const int sizes[][2] = {{1, 1}, {1, 8}, {3, 7}, {5, 9}, {7, 16}, {9, 23}, {13, 67}, {31, 130}, {121, 1203}};
    for (const auto& sz : sizes) {
        const int rows = sz[0], cols = sz[1];
        {
            for (DType type : {DType::F32, DType::F16}) {
                const WeightMatrix w = random_matrix(type, rows, cols, cols, rng);
                const WeightMatrix d = dequantised(w);
                std::vector<float> x(cols), b(rows), want(rows);
                for (float& v : x) v = wide(rng);
                for (float& v : b) v = wide(rng);
                matvec_add(d.f32.data(), x.data(), b.data(), want.data(), rows, cols);  // the f32 reference
                for (Isa isa : supported_isas()) {
                    std::vector<float> got(rows, -1.0f);
                    matvec_add(w, x.data(), b.data(), got.data(), isa);
                    INFO(isa_name(isa) << " type " << static_cast<int>(type) << " " << rows << "x" << cols);
                    CHECK(same_bits(got, want));
                }
            }
        }
    }
}

namespace {
// Gate pre-activations that reach every branch of fexp, fsigmoid and ftanh: saturation beyond
// +-87/88, |x| below 1/16 and above 9, signed zeros, and ordinary values.
std::vector<float> gate_inputs(int n, uint32_t seed) {
    const float special[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 0.0624f, -0.0626f, 0.06255f, 8.99f, -9.01f, 86.9f, -86.9f, 87.1f, -87.1f,
                             88.5f, -88.5f, 200.0f, -200.0f, 0.5f, -3.0f};
    std::vector<float> v(static_cast<size_t>(n));
    uint32_t r = seed;
    for (int i = 0; i < n; ++i) {
        r = r * 1664525u + 1013904223u;
        v[static_cast<size_t>(i)] = i % 3 == 0 ? special[(r >> 8) % 19] : (static_cast<float>(r >> 8) / 16777216.0f - 0.5f) * 24.0f;
    }
    return v;
}
}  // namespace

TEST_CASE("gates: every kernel set updates c and h with the bits of the scalar loop") {
    for (int hidden : {1, 7, 8, 13, 400}) {
        const std::vector<float> gates = gate_inputs(4 * hidden, 7u + static_cast<uint32_t>(hidden));
        const std::vector<float> c0 = gate_inputs(hidden, 99u);
        std::vector<float> c_ref = c0, h_ref(static_cast<size_t>(hidden));
        hw::lstm_update_units(gates.data(), c_ref.data(), h_ref.data(), hidden, hw::Isa::Reference);
        for (hw::Isa isa : {hw::Isa::Sse2, hw::Isa::Avx2, hw::Isa::Avx512Vnni, hw::Isa::WasmSimd}) {
            std::vector<float> c = c0, h(static_cast<size_t>(hidden));
            hw::lstm_update_units(gates.data(), c.data(), h.data(), hidden, isa);
            CAPTURE(hw::isa_name(isa));
            CAPTURE(hidden);
            CHECK(std::memcmp(c.data(), c_ref.data(), c.size() * sizeof(float)) == 0);
            CHECK(std::memcmp(h.data(), h_ref.data(), h.size() * sizeof(float)) == 0);
        }
        // The scalar loop is fsigmoid and ftanh themselves.
        CHECK(h_ref[0] == hw::fsigmoid(gates[static_cast<size_t>(3 * hidden)]) * hw::ftanh(c_ref[0]));
    }
}

TEST_CASE("kernels: an unsupported kernel set falls back to the reference") {
    WeightMatrix w;
    w.nrows = 1;
    w.ncols = 2;
    w.f32 = {1.5f, 2.0f};
    const float x[2] = {2.0f, 0.25f}, b[1] = {1.0f};
    for (Isa isa : {Isa::Reference, Isa::Sse2, Isa::Avx2, Isa::Avx512Vnni, Isa::WasmSimd}) {
        float out = 0;
        matvec_add(w, x, b, &out, isa);
        CHECK(out == 4.5f);
    }
}

namespace {

// A model file in precision p and its dequantised copy: the reader's values written back as f32.
void stored_and_plain(const HParams& hp, const std::vector<NamedTensor>& tensors, DType p, std::vector<uint8_t>& stored,
                      std::vector<uint8_t>& plain) {
    REQUIRE(write_hwm(test::small_header(hp), tensors, p, stored).ok);
    HwmFile f;
    REQUIRE(read_hwm(stored.data(), stored.size(), f).ok);
    REQUIRE(write_hwm(f.header, f.tensors, DType::F32, plain).ok);
}

HParams awkward_hparams(ModelKind kind) {
    HParams hp = test::small_hparams(kind);
    hp.hidden = 21;   // awkward sizes: columns not a multiple of 8, odd row counts
    hp.mixtures = 3;  // 6M+1 = 19 output rows
    return hp;
}

}  // namespace

TEST_CASE("kernels: models stored as f16 write the points of the same model dequantised to f32") {
    for (ModelKind kind : {ModelKind::Synthesis, ModelKind::Unconditional}) {
        const HParams hp = awkward_hparams(kind);
        std::vector<uint8_t> stored, plain;
        stored_and_plain(hp, test::random_tensors(hp, 11), DType::F16, stored, plain);
        const Model m_plain = load(plain, Isa::Reference);
        CHECK(m_plain.mdn_w.type == DType::F32);
        const std::vector<float> want = write_points(m_plain, 5);
        REQUIRE(want.size() > 30);
        for (Isa isa : supported_isas()) {
            const Model m = load(stored, isa);
            CHECK(m.lstm[0].w.type == DType::F16);
            CHECK(m.mdn_w.bytes() < m_plain.mdn_w.bytes());
            INFO(isa_name(isa) << " kind " << kind_name(kind));
            CHECK(same_bits(write_points(m, 5), want));
        }
    }
}

namespace {
// What a model holds for the VNNI kernels: the tiles of its int8 matrices, their sums and scales.
size_t tile_bytes(const Model& m) {
    size_t n = m.mdn_w.tile_bytes() + m.window_w.tile_bytes();
    for (const auto& l : m.lstm) n += l.w.tile_bytes();
    return n;
}
}  // namespace

TEST_CASE("kernels: int8 models keep int8 in memory and write the same points with every kernel set") {
    for (ModelKind kind : {ModelKind::Synthesis, ModelKind::Unconditional}) {
        const HParams hp = awkward_hparams(kind);
        std::vector<uint8_t> stored, plain;
        stored_and_plain(hp, test::random_tensors(hp, 11), DType::I8, stored, plain);
        const Model m_plain = load(plain, Isa::Reference);
        // The dequantised reference: LoadOptions::int8_as_f32 gives the f32 copy's weights and points.
        Model m_f32;
        REQUIRE(load_model(stored.data(), stored.size(), m_f32, LoadOptions{true}).ok);
        m_f32.isa = Isa::Reference;
        CHECK(m_f32.lstm[0].w.type == DType::F32);
        CHECK(same_bits(m_f32.lstm[1].w.f32, m_plain.lstm[1].w.f32));
        CHECK(same_bits(write_points(m_f32, 5), write_points(m_plain, 5)));
        const std::vector<float> want = write_points(load(stored, Isa::Reference), 5);
        REQUIRE(want.size() > 30);
        for (Isa isa : supported_isas()) {
            const Model m = load(stored, isa);
            CHECK(m.lstm[0].w.type == DType::I8);
            CHECK(m.mdn_w.type == DType::I8);
            CHECK(m.lstm[0].w.f32.empty());
            // The reader prepares the tiles, without which the VNNI set would run AVX2.
            if (isa == Isa::Avx512Vnni) CHECK(!m.mdn_w.i8_tiles.empty());
            // int8 values, two scales a row and the padding: about a quarter of the f32 bytes, besides
            // the VNNI kernels' tiles (a second int8 copy, where the set runs).
            CHECK((weight_bytes(m) - tile_bytes(m)) * 2 < weight_bytes(m_plain));
            CHECK((tile_bytes(m) > 0) == !m.mdn_w.i8_tiles.empty());
            INFO(isa_name(isa) << " kind " << kind_name(kind));
            CHECK(same_bits(write_points(m, 5), want));
        }
    }
}

TEST_CASE("kernels: a batch gives each sample the bits of matvec_add on its own") {
    Rng rng(77);
    const int sizes[][2] = {{1, 1}, {3, 7}, {5, 16}, {9, 23}, {31, 130}, {121, 403}};
    for (const auto& sz : sizes) {
        const int rows = sz[0], cols = sz[1];
        for (DType type : {DType::F32, DType::F16, DType::I8}) {
            const WeightMatrix w = random_matrix(type, rows, cols, cols / 2 + 1, rng);
            std::vector<float> b(rows);
            for (float& v : b) v = wide(rng);
            for (int count : {1, 2, 3, 4, 5, 8, 9, 17}) {
                std::vector<std::vector<float>> x(count, std::vector<float>(cols));
                for (auto& xs : x)
                    for (float& v : xs) v = wide(rng);
                for (Isa isa : supported_isas()) {
                    std::vector<std::vector<float>> got(count, std::vector<float>(rows, -1.0f));
                    std::vector<const float*> xp;
                    std::vector<float*> op;
                    for (int s = 0; s < count; ++s) xp.push_back(x[s].data()), op.push_back(got[s].data());
                    matvec_add_batch(w, xp.data(), b.data(), op.data(), count, isa);
                    for (int s = 0; s < count; ++s) {
                        std::vector<float> want(rows);
                        matvec_add(w, x[s].data(), b.data(), want.data(), isa);
                        INFO(isa_name(isa) << " type " << static_cast<int>(type) << " " << rows << "x" << cols << " sample " << s
                                           << " of " << count);
                        CHECK(same_bits(got[s], want));
                    }
                }
            }
        }
    }
}

namespace {

struct Written {
    std::vector<float> points;
    std::vector<int> peaks;
};

void append(Written& w, const std::vector<Point>& pts, size_t from) {
    for (size_t i = from; i < pts.size(); ++i) w.points.insert(w.points.end(), {pts[i].dx, pts[i].dy, pts[i].pen_up});
}

// Lines of different lengths and seeds, so that they end at different steps within a batch.
const char* const kLines[] = {"a quick test", "hi", "batch of lines", "x", "the end of it", "ab", "ok then"};

void start_line(const Model& m, Generator& g, int i) {
    GenerateOptions opt;
    opt.seed = 100 + i;
    opt.bias = 0.4f;
    opt.max_steps = 50 + 7 * i;  // different lengths even where no line finishes before its cap
    const Status s = g.start(m, m.hp.kind == ModelKind::Synthesis ? kLines[i] : "", opt);
    REQUIRE_MESSAGE(s.ok, s.message);
}

}  // namespace

TEST_CASE("kernels: lines stepped together write the bits of the same lines written one by one") {
    for (ModelKind kind : {ModelKind::Synthesis, ModelKind::Unconditional}) {
        for (DType precision : {DType::F16, DType::I8}) {
            const HParams hp = awkward_hparams(kind);
            std::vector<uint8_t> bytes;
            REQUIRE(write_hwm(test::small_header(hp), test::random_tensors(hp, 12), precision, bytes).ok);
            const int n = 7;
            for (Isa isa : supported_isas()) {
                const Model m = load(bytes, isa);
                std::vector<Written> alone(n), together(n);
                for (int i = 0; i < n; ++i) {
                    Generator g;
                    start_line(m, g, i);
                    std::vector<Point> pts;
                    while (!g.done()) g.run(9, pts, nullptr, &alone[i].peaks);
                    append(alone[i], pts, 0);
                }
                std::vector<Generator> gens(n);
                std::vector<Generator*> ptrs;
                for (int i = 0; i < n; ++i) start_line(m, gens[i], i), ptrs.push_back(&gens[i]);
                std::vector<std::vector<Point>> pts(n);
                std::vector<std::vector<int>> peaks(n);
                for (int chunk = 0; chunk < 40; ++chunk) Generator::run_together(ptrs.data(), n, 9, pts.data(), peaks.data());
                int total = 0;
                for (int i = 0; i < n; ++i) {
                    CHECK(gens[i].done());
                    append(together[i], pts[i], 0);
                    INFO(isa_name(isa) << " kind " << kind_name(kind) << " precision " << static_cast<int>(precision) << " line " << i);
                    CHECK(same_bits(together[i].points, alone[i].points));
                    CHECK(peaks[i] == alone[i].peaks);
                    total += static_cast<int>(pts[i].size());
                }
                CHECK(total > 7 * 20);
            }
        }
    }
}

TEST_CASE("kernels: a line listed twice in run_together runs twice, as run() in turn") {
    const HParams hp = test::small_hparams(ModelKind::Synthesis);
    std::vector<uint8_t> bytes;
    REQUIRE(write_hwm(test::small_header(hp), test::random_tensors(hp, 13), DType::F32, bytes).ok);
    const Model m = load(bytes, best_isa());
    Generator a, b, c;
    start_line(m, a, 2), start_line(m, b, 2), start_line(m, c, 4);
    std::vector<Generator*> list = {&a, &c, &a};
    std::vector<std::vector<Point>> got(3);
    Generator::run_together(list.data(), 3, 6, got.data());
    std::vector<Point> first, second, other;
    b.run(6, first);
    b.run(6, second);
    Generator d;
    start_line(m, d, 4);
    d.run(6, other);
    Written w[3], want[3];
    for (int i = 0; i < 3; ++i) append(w[i], got[i], 0);
    append(want[0], first, 0), append(want[1], other, 0), append(want[2], second, 0);
    for (int i = 0; i < 3; ++i) CHECK(same_bits(w[i].points, want[i].points));
}
