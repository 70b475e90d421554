// Scoring ink (shared/score.*): the core's NLL against one computed here, step by step, from the
// mixture the network predicts, with the textbook densities in double.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "ink.h"
#include "score.h"
#include "text.h"

using namespace hw;

#ifndef HW_FIXTURE_DIR
#error "HW_FIXTURE_DIR must point at tests/fixtures"
#endif

namespace {

Model load_score_fixture(const std::string& name) {
    std::ifstream f(std::string(HW_FIXTURE_DIR) + "/" + name, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), "missing fixture " << name << " (run `make fixtures` with LibTorch)");
    const std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    Model m;
    const Status s = load_model(b.data(), b.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    return m;
}

// A short made-up line: a zig-zag stroke, a loop, and a dot, in pixels.
std::vector<Point> sample_ink(const Model& m) {
    std::vector<InkStroke> strokes(3);
    for (int i = 0; i <= 12; ++i) {
        strokes[0].x.push_back(i * 4.0f);
        strokes[0].y.push_back((i % 2) * 20.0f + 10.0f);
    }
    for (int i = 0; i <= 16; ++i) {
        strokes[1].x.push_back(70.0f + 10.0f * std::cos(i * 0.4f));
        strokes[1].y.push_back(20.0f + 10.0f * std::sin(i * 0.4f));
    }
    strokes[2].x = {95.0f, 95.5f};
    strokes[2].y = {0.0f, 1.0f};
    std::vector<Point> pts;
    const Status s = prepare_ink(m, strokes, pts);
    REQUIRE_MESSAGE(s.ok, s.message);
    return pts;
}

// -log p of one point under a mixture (eqs. 23-26), straight from the definitions, in double.
double reference_nll(const Mixture& mix, const Point& x, double& pen) {
    double density = 0;
    for (size_t k = 0; k < mix.pi.size(); ++k) {
        const double s1 = mix.sigma1[k], s2 = mix.sigma2[k], r = mix.rho[k];
        const double z1 = (x.dx - mix.mu1[k]) / s1, z2 = (x.dy - mix.mu2[k]) / s2;
        const double z = z1 * z1 + z2 * z2 - 2 * r * z1 * z2;
        density += mix.pi[k] * std::exp(-z / (2 * (1 - r * r))) / (2 * M_PI * s1 * s2 * std::sqrt(1 - r * r));
    }
    const double e = mix.eos;
    pen = -std::log(x.pen_up > 0.5f ? e : 1 - e);
    return -std::log(density) + pen;
}

// The whole line teacher-forced by hand: input at step t is point t-1, after the (0, 0, 1) start.
double reference_line(const Model& m, const std::vector<int>& codes, const std::vector<Point>& pts, double* pen_total = nullptr) {
    State s = make_state(m, codes);
    Mixture mix;
    Point prev{0, 0, 1};
    double total = 0, pens = 0;
    for (const Point& p : pts) {
        step(m, s, prev);
        mixture_from_output(m, s.y, 0.0f, mix);
        double pen = 0;
        total += reference_nll(mix, p, pen);
        pens += pen;
        prev = p;
    }
    if (pen_total) *pen_total = pens;
    return total;
}

}  // namespace

TEST_CASE("score: the core's NLL equals the mixture's densities summed by hand") {
    const Model m = load_score_fixture("synthesis_small.hwm");
    const std::vector<Point> pts = sample_ink(m);
    REQUIRE(pts.size() > 20);
    EncodedText enc;
    REQUIRE(encode_text(m.alphabet, "hello", 0, enc).ok);
    double want_pen = 0;
    const double want = reference_line(m, enc.codes, pts, &want_pen);
    LineScore got;
    const Status s = score_points(m, "hello", pts, got);
    REQUIRE_MESSAGE(s.ok, s.message);
    CHECK(got.points == static_cast<long>(pts.size()));
    CHECK(std::isfinite(got.nats));
    // Float rounding of pi, sigma and e in the mixture is all that separates the two (~2e-8 relative).
    CHECK(got.nats == doctest::Approx(want).epsilon(1e-6));
    CHECK(got.nats_per_point() == doctest::Approx(want / pts.size()).epsilon(1e-6));
    CHECK(got.pen_nats == doctest::Approx(want_pen).epsilon(1e-6));
    // The text matters to a synthesis model: other text, another score.
    LineScore other;
    REQUIRE(score_points(m, "world", pts, other).ok);
    CHECK(other.nats != got.nats);
}

TEST_CASE("score: unconditional and clockwork models ignore the text") {
    for (const char* name : {"unconditional_small.hwm", "clockwork_small.hwm"}) {
        INFO(name);
        const Model m = load_score_fixture(name);
        const std::vector<Point> pts = sample_ink(m);
        LineScore a, b;
        REQUIRE(score_points(m, "", pts, a).ok);
        REQUIRE(score_points(m, "anything at all", pts, b).ok);
        CHECK(a.nats == b.nats);
        CHECK(a.nats == doctest::Approx(reference_line(m, {}, pts)).epsilon(1e-6));
    }
}

TEST_CASE("score: bad text and bad points are refused with a message") {
    const Model m = load_score_fixture("synthesis_small.hwm");
    const std::vector<Point> pts = sample_ink(m);
    LineScore out;
    Status s = score_points(m, "hello Z", pts, out);
    CHECK(!s.ok);
    CHECK(s.message.find("'Z'") != std::string::npos);
    CHECK(!score_points(m, "", pts, out).ok);
    s = score_points(m, std::string(kMaxTextChars + 1, 'a'), pts, out);
    CHECK(s.message.find("limit") != std::string::npos);
    CHECK(!score_points(m, "hello", {}, out).ok);
    std::vector<Point> nan_pts = pts;
    nan_pts[3].dx = std::nanf("");
    CHECK(score_points(m, "hello", nan_pts, out).message.find("point 4") != std::string::npos);
}

TEST_CASE("score: a point far in the tails costs a large finite NLL, not infinity") {
    const Model m = load_score_fixture("synthesis_small.hwm");
    EncodedText enc;
    REQUIRE(encode_text(m.alphabet, "hi", 0, enc).ok);
    State s = make_state(m, enc.codes);
    step(m, s, Point{0, 0, 1});
    const double near = point_nll(m, s.y, Point{0, 0, 0});
    const double far = point_nll(m, s.y, Point{500, -500, 0});
    CHECK(std::isfinite(far));
    CHECK(far > near + 1000);  // every component's density underflows a double here
}
