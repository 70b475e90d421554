// Parity: randomly initialised LibTorch networks, exported, teacher-forced for 300+ steps; the
// core must reproduce LibTorch's mixture parameters, phi and kappa.

#include <set>

#include "torch_trace.h"

// After LibTorch: its glog headers define a CHECK of their own, which doctest's must replace.
#undef CHECK
#include <doctest/doctest.h>

using namespace hw;

namespace {

Model load_export(HandwritingNet& net, Precision p) {
    std::vector<uint8_t> bytes;
    Status s = export_hwm(net, test::small_info(net->hparams()), p, bytes);
    REQUIRE_MESSAGE(s.ok, s.message);
    Model m;
    s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    return m;
}

// Tolerances: f32 is the contract (1e-4 relative or 1e-5 absolute). f16 and int8 perturb every
// weight; over 300 recurrent steps the outputs drift, so they are held to absolute bounds on the
// mixture parameters instead: f16 within 2e-2, int8 within 2e-1 (the values are O(1)).
struct Tol {
    Precision p;
    double rel, abs;
};

void check_parity(ModelKind kind, const Variant& v, uint64_t seed) {
    HandwritingNet net = test::random_net(kind, seed, v);
    const auto codes = test::codes_for("the quick brown fox, jumps!");
    const auto inputs = test::wiggle_inputs(320, seed);
    const test::Trace ref = test::torch_trace(net, codes, inputs);
    for (const Tol& tol : {Tol{Precision::F32, 1e-4, 1e-5}, Tol{Precision::F16, 1e9, 2e-2}, Tol{Precision::I8, 1e9, 2e-1}}) {
        const Model m = load_export(net, tol.p);
        const test::Trace got = test::core_trace(m, codes, inputs);
        const auto mm = test::compare_traces(ref, got, tol.rel, tol.abs);
        INFO(std::string(kind_name(kind)), " precision ", static_cast<int>(tol.p), ": ", mm.first, " (worst abs ", mm.worst_abs, ")");
        CHECK(mm.count == 0);
    }
}

}  // namespace

TEST_CASE("parity: synthesis network (Graves' variant keys and the alternatives)") {
    check_parity(ModelKind::Synthesis, Variant{}, 1);
    Variant v;
    v.window_fn = WindowFn::Softplus;
    v.kappa_scale = 0.1f;
    v.eos_sign = -1;
    check_parity(ModelKind::Synthesis, v, 2);
}

TEST_CASE("parity: unconditional network") { check_parity(ModelKind::Unconditional, Variant{}, 3); }

TEST_CASE("parity: clockwork network") { check_parity(ModelKind::Clockwork, Variant{}, 4); }

TEST_CASE("exporter: every parameter is mapped, and an unmapped one is caught") {
    for (auto kind : {ModelKind::Synthesis, ModelKind::Unconditional, ModelKind::Clockwork, ModelKind::Recognizer}) {
        HandwritingNet net = test::random_net(kind, 5);
        std::vector<NamedTensor> t;
        Status s = collect_tensors(net, t);
        INFO(s.message);
        CHECK(s.ok);
        CHECK(t.size() == model_spec(net->hparams()).size());
        net->register_parameter("stray", torch::zeros({2}));
        s = collect_tensors(net, t);
        CHECK(!s.ok);
        CHECK(s.message.find("stray") != std::string::npos);
    }
}

TEST_CASE("exporter: import_hwm restores the weights (the --init path)") {
    HandwritingNet a = test::random_net(ModelKind::Synthesis, 8), b = test::random_net(ModelKind::Synthesis, 9);
    std::vector<uint8_t> bytes;
    REQUIRE(export_hwm(a, test::small_info(a->hparams()), Precision::F32, bytes).ok);
    ExportInfo info;
    REQUIRE(import_hwm(bytes, b, info).ok);
    const auto codes = test::codes_for("abc");
    const auto inputs = test::wiggle_inputs(40, 1);
    const auto mm = test::compare_traces(test::torch_trace(a, codes, inputs), test::torch_trace(b, codes, inputs), 1e-5, 1e-6);
    CHECK(mm.count == 0);
    CHECK(info.alphabet == test::small_alphabet());
}

TEST_CASE("exporter: --widen-alphabet keeps every character's window columns and starts é from e") {
    // lstm1.w_ih: [rows, 3 point columns + the window's columns, one per character].
    const std::u32string from = U"ae", to = widened_alphabet(from, U"\u00e9ax");  // "ae" + sorted(é, x)
    REQUIRE(to == U"aex\u00e9");
    NamedTensor t{"lstm1.w_ih", {2, 5}, {1, 2, 3, 10, 20, /* row 2 */ 4, 5, 6, 40, 50}};
    NamedTensor other{"mdn.w", {1, 2}, {7, 8}};
    std::vector<NamedTensor> ts = {t, other};
    REQUIRE(widen_window_columns(ts, from, to).ok);
    CHECK(ts[0].shape == std::vector<int64_t>{2, 7});
    CHECK(ts[0].values == std::vector<float>{1, 2, 3, 10, 20, 0, 20, /* row 2 */ 4, 5, 6, 40, 50, 0, 50});  // x: zeros, é: e's
    CHECK(ts[1].values == other.values);  // not an input layer: untouched
    CHECK(!widen_window_columns(ts = {t}, from, U"a").ok);  // a character of the model's missing
}

TEST_CASE("exporter: a model imported with a widened alphabet writes its old characters as before") {
    HandwritingNet a = test::random_net(ModelKind::Synthesis, 8);
    std::vector<uint8_t> bytes;
    REQUIRE(export_hwm(a, test::small_info(a->hparams()), Precision::F32, bytes).ok);
    const std::u32string wide = widened_alphabet(test::small_alphabet(), U"\u00e9\u00c9");
    HParams hp = a->hparams();
    hp.alphabet = static_cast<int>(wide.size());
    HandwritingNet b(hp, a->variant());
    ExportInfo info;
    REQUIRE(import_hwm(bytes, b, info, &wide).ok);
    CHECK(info.alphabet == wide);
    const auto codes = test::codes_for("abc");  // indices of the old alphabet, which the wide one keeps first
    const auto inputs = test::wiggle_inputs(40, 1);
    const auto mm = test::compare_traces(test::torch_trace(a, codes, inputs), test::torch_trace(b, codes, inputs), 1e-5, 1e-6);
    CHECK(mm.count == 0);
}

TEST_CASE("parity: recognizer (per frame log-probabilities, odd and even line lengths, every precision)") {
    HandwritingNet net = test::random_net(ModelKind::Recognizer, 6);
    for (int points : {321, 200}) {  // 321: the last frame holds one point and zeros
        const auto inputs = test::wiggle_inputs(points, static_cast<uint64_t>(points));
        const test::Trace ref = test::log_prob_trace(test::torch_log_probs(net, inputs));
        REQUIRE(ref.steps.size() == static_cast<size_t>(frame_count(points, 2)));
        // Log-probabilities of these lines stay far closer than the writers' mixtures: measured worst
        // 3e-4 nats (f16) and 3e-3 (int8), so the bounds are about 7 times those.
        for (const Tol& tol : {Tol{Precision::F32, 1e-4, 1e-5}, Tol{Precision::F16, 1e9, 2e-3}, Tol{Precision::I8, 1e9, 2e-2}}) {
            const Model m = load_export(net, tol.p);
            Recognizer r;
            REQUIRE(r.load(m).ok);
            FrameLogProbs lp;
            REQUIRE(r.read(inputs, lp).ok);
            const auto mm = test::compare_traces(ref, test::log_prob_trace(lp), tol.rel, tol.abs);
            INFO(points, " points, precision ", static_cast<int>(tol.p), ": ", mm.first, " (worst abs ", mm.worst_abs, ")");
            CHECK(mm.count == 0);
        }
    }
}

TEST_CASE("recognizer: a line in a batch reads as it does alone (packed sequences); the CTC loss is LibTorch's") {
    HandwritingNet net = test::random_net(ModelKind::Recognizer, 7);
    torch::NoGradGuard g;
    const auto a = test::wiggle_inputs(301, 1), b = test::wiggle_inputs(180, 2);
    torch::Tensor x = torch::zeros({301, 2, 3});
    x.select(1, 0).copy_(test::points_tensor(a).select(1, 0));
    x.slice(0, 0, 180).select(1, 1).copy_(test::points_tensor(b).select(1, 0));
    const torch::Tensor both = net->read(x, {301, 180});
    CHECK(both.size(0) == 151);
    const torch::Tensor alone = net->read(test::points_tensor(b), {180});
    CHECK(torch::allclose(both.slice(0, 0, 90).select(1, 1), alone.select(1, 0), 1e-5, 1e-6));
    CHECK(torch::allclose(both.select(1, 0), net->read(test::points_tensor(a), {301}).select(1, 0), 1e-5, 1e-6));
    // ctc_nll per line: a labelling no path of the frames can give costs 0 (zero_infinity).
    const torch::Tensor labels = torch::tensor(std::vector<int64_t>{3, 4, 4, 5, 1}, torch::kInt64);
    const torch::Tensor nll = ctc_nll(both, labels, {151, 90}, {3, 2}, 0);
    const torch::Tensor ref = torch::ctc_loss(both, labels, std::vector<int64_t>{151, 90}, std::vector<int64_t>{3, 2}, 0, at::Reduction::None);
    CHECK(torch::allclose(nll, ref));
    CHECK(nll[0].item<double>() > 0);
    const torch::Tensor impossible = ctc_nll(both.slice(0, 0, 2).slice(1, 0, 1), labels.slice(0, 0, 3), {2}, {3}, 0);
    CHECK(impossible[0].item<double>() == 0.0);
}

TEST_CASE("exporter: a recognizer's round trip restores its weights and its ctc fields") {
    HandwritingNet a = test::random_net(ModelKind::Recognizer, 8), b = test::random_net(ModelKind::Recognizer, 9);
    ExportInfo out = test::small_info(a->hparams());
    out.ctc.check_nats = 4.5f;
    std::vector<uint8_t> bytes;
    REQUIRE(export_hwm(a, out, Precision::F32, bytes).ok);
    ExportInfo info;
    REQUIRE(import_hwm(bytes, b, info).ok);
    const auto inputs = test::wiggle_inputs(41, 3);
    CHECK(test::torch_log_probs(a, inputs).isApprox(test::torch_log_probs(b, inputs), 1e-6f));
    CHECK(info.ctc.check_nats == 4.5f);
    CHECK(info.ctc.blank == 0);
    CHECK(info.alphabet == test::small_alphabet());
    // A recognizer of other hyperparameters cannot take these weights.
    HParams hp = a->hparams();
    hp.subsample = 3;
    HandwritingNet c(hp, Variant{});
    CHECK(import_hwm(bytes, c, info).message.find("hyperparameters differ") != std::string::npos);
}

TEST_CASE("loss: mdn_nll matches a direct evaluation of eq. 26") {
    torch::manual_seed(0);
    const int M = 3;
    torch::Tensor y = torch::randn({4, 2, 6 * M + 1});
    torch::Tensor target = torch::randn({4, 2, 3});
    target.select(2, 2).copy_((torch::rand({4, 2}) > 0.5).to(torch::kFloat));
    const torch::Tensor nll = mdn_nll(y, target, M, 1);
    // The core's mixture of the same output, evaluated by hand.
    HParams hp = test::small_hparams(ModelKind::Unconditional);
    hp.mixtures = M;
    Model m;
    m.hp = hp;
    for (int t = 0; t < 4; ++t)
        for (int b = 0; b < 2; ++b) {
            Vector yv(6 * M + 1);
            for (int k = 0; k < 6 * M + 1; ++k) yv[k] = y[t][b][k].item<float>();
            Mixture mix;
            mixture_from_output(m, yv, 0, mix);
            const double x1 = target[t][b][0].item<double>(), x2 = target[t][b][1].item<double>();
            double p = 0;
            for (int k = 0; k < M; ++k) {
                const double z1 = (x1 - mix.mu1[k]) / mix.sigma1[k], z2 = (x2 - mix.mu2[k]) / mix.sigma2[k];
                const double r = mix.rho[k], z = z1 * z1 + z2 * z2 - 2 * r * z1 * z2;
                p += mix.pi[k] * std::exp(-z / (2 * (1 - r * r))) / (2 * M_PI * mix.sigma1[k] * mix.sigma2[k] * std::sqrt(1 - r * r));
            }
            const double pen = target[t][b][2].item<double>();
            const double expect = -std::log(p) - std::log(pen > 0.5 ? mix.eos : 1 - mix.eos);
            CHECK(nll[t][b].item<double>() == doctest::Approx(expect).epsilon(1e-4));
        }
}
