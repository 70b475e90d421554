// The recognizer in the core (shared/reader.h): its header and tensors through the .hwm reader,
// greedy CTC decoding, and the golden fixture LibTorch wrote (tests/fixtures/recognizer_small.*).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <functional>

#include "generator.h"
#include "reader.h"
#include "score.h"
#include "test_util.h"
#include "trace.h"

using namespace hw;
using nlohmann::json;

#ifndef HW_FIXTURE_DIR
#error "HW_FIXTURE_DIR must point at tests/fixtures"
#endif

namespace {

const HParams kHp = test::small_hparams(ModelKind::Recognizer);

// The load error of a recognizer file with this header and these tensors ("" when it loads).
std::string load_error(const json& header, const std::vector<NamedTensor>& tensors, Model* out = nullptr) {
    std::vector<uint8_t> bytes;
    REQUIRE(write_hwm(header, tensors, Precision::F32, bytes).ok);
    Model m;
    const Status s = load_model(bytes.data(), bytes.size(), m);
    if (out && s.ok) *out = std::move(m);
    return s.ok ? std::string() : s.message;
}

// Log-probabilities whose best class in frame t is path[t] (every other class far below it).
FrameLogProbs peaked(const std::vector<int>& path, int classes) {
    FrameLogProbs lp = FrameLogProbs::Constant(static_cast<Eigen::Index>(path.size()), classes, -20.0f);
    for (size_t t = 0; t < path.size(); ++t) lp(static_cast<Eigen::Index>(t), path[t]) = -0.01f;
    return lp;
}

std::vector<uint8_t> read_fixture(const std::string& name) {
    std::ifstream f(std::string(HW_FIXTURE_DIR) + "/" + name, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), "missing fixture " << name << " (run `make fixtures` with LibTorch)");
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("recognizer: a written model loads in every precision, with its header's ctc fields") {
    for (auto p : {Precision::F32, Precision::F16, Precision::I8}) {
        const auto bytes = test::small_model_bytes(ModelKind::Recognizer, p);
        Model m;
        const Status s = load_model(bytes.data(), bytes.size(), m);
        REQUIRE_MESSAGE(s.ok, s.message);
        CHECK(m.hp.kind == ModelKind::Recognizer);
        CHECK(m.hp.subsample == 2);
        CHECK(m.lstm.size() == 4);  // two layers, two directions
        CHECK(m.lstm[0].input == 6);
        CHECK(m.lstm[2].input == 32);
        CHECK(m.ctc_w.rows() == ctc_classes(m.hp));
        CHECK(m.ctc_w.cols() == 32);
        CHECK(m.ctc.blank == 0);
        CHECK(m.ctc.check_nats == kDefaultCheckNats);
        CHECK(m.alphabet == test::small_alphabet());
    }
}

TEST_CASE("recognizer: a bad header or a tensor of the wrong shape is refused, naming the field") {
    const auto tensors = test::random_tensors(kHp, 3);
    const json good = test::small_header(kHp);
    REQUIRE(load_error(good, tensors).empty());
    const auto refused = [&](const std::function<void(json&)>& edit, const std::string& field) {
        json h = good;
        edit(h);
        const std::string e = load_error(h, tensors);
        INFO(e);
        CHECK(e.find(field) != std::string::npos);
    };
    refused([](json& h) { h["ctc"].erase("blank"); }, "ctc.blank is missing");
    refused([](json& h) { h.erase("ctc"); }, "header field ctc is missing");
    refused([](json& h) { h["ctc"]["blank"] = 5; }, "ctc.blank = 5 must be 0 or hparams.alphabet");
    refused([](json& h) { h["ctc"]["blank"] = "0"; }, "ctc.blank is not an integer");
    refused([](json& h) { h["ctc"]["check_nats"] = -1.0; }, "ctc.check_nats");
    refused([](json& h) { h["ctc"]["check_nats"] = 5000.0; }, "ctc.check_nats must be at most");
    refused([](json& h) { h["hparams"].erase("subsample"); }, "hparams.subsample is missing");
    refused([](json& h) { h["hparams"]["subsample"] = 0; }, "hparams.subsample = 0 is out of range");
    refused([](json& h) { h.erase("alphabet"); }, "header field alphabet is missing");
    refused([](json& h) { h["hparams"]["alphabet"] = 31; }, "alphabet has 32 characters but hparams.alphabet = 31");
    // Three points per frame need a layer 1 of 9 inputs: the file's 6 are refused by name.
    refused([](json& h) { h["hparams"]["subsample"] = 3; }, "tensor lstm1.fwd.w_ih has shape 64x6, the hyperparameters require 64x9");
    refused([](json& h) { h["hparams"]["hidden"] = 8; }, "tensor lstm1.fwd.w_ih has shape 64x6");
    // The threshold may be left out (its default), and mixtures mean nothing to a recognizer.
    json h = good;
    h["ctc"].erase("check_nats");
    h["hparams"].erase("mixtures");
    Model m;
    REQUIRE(load_error(h, tensors, &m).empty());
    CHECK(m.ctc.check_nats == kDefaultCheckNats);
    // A missing tensor, and a generating network's tensor in a recognizer's file.
    auto fewer = tensors;
    fewer.pop_back();
    CHECK(load_error(good, fewer).find("tensor ctc.b is missing") != std::string::npos);
    auto stray = tensors;
    stray.push_back({"mdn.b", {3}, {0, 0, 0}});
    CHECK(load_error(good, stray).find("tensor mdn.b is unknown to a recognizer model") != std::string::npos);
}

TEST_CASE("recognizer: greedy decoding merges repeats and drops blanks (blank first or last)") {
    CHECK(ctc_collapse({0, 3, 3, 0, 3, 5, 5, 0}, 0) == std::vector<int>{3, 3, 5});
    CHECK(ctc_collapse({3, 3, 3}, 0) == std::vector<int>{3});
    CHECK(ctc_collapse({0, 0}, 0).empty());
    CHECK(ctc_collapse({7, 1, 7, 7, 1}, 7) == std::vector<int>{1, 1});
    CHECK(best_path(peaked({2, 0, 4}, 6)) == std::vector<int>{2, 0, 4});

    Model m;
    json h = test::small_header(kHp);
    REQUIRE(load_error(h, test::random_tensors(kHp, 4), &m).empty());
    Recognizer r;
    REQUIRE(r.load(m).ok);
    // Blank first: class c is alphabet[c - 1]; " abc..." puts 'a' at class 2, 'b' at 3.
    CHECK(r.greedy_decode(peaked({0, 2, 2, 0, 2, 3, 3, 3, 0, 1, 1}, 33)) == U"aab ");
    CHECK(r.greedy_decode(peaked({0, 0, 0}, 33)).empty());
    // Blank last: class c is alphabet[c].
    h["ctc"]["blank"] = 32;
    REQUIRE(load_error(h, test::random_tensors(kHp, 4), &m).empty());
    REQUIRE(r.load(m).ok);
    CHECK(m.ctc.blank == 32);
    CHECK(r.greedy_decode(peaked({32, 1, 1, 32, 1, 2, 0}, 33)) == U"aab ");
    CHECK(ctc_class(m.ctc, 0) == 0);
    CHECK(ctc_code(m.ctc, 32) == -1);
}

TEST_CASE("recognizer: frames, log-probabilities that sum to 1, and what it refuses") {
    const auto bytes = test::small_model_bytes(ModelKind::Recognizer);
    Model m;
    REQUIRE(load_model(bytes.data(), bytes.size(), m).ok);
    Recognizer r;
    FrameLogProbs lp;
    CHECK(r.read(test::wiggle_inputs(5, 1), lp).message.find("no recognizer model") != std::string::npos);
    REQUIRE(r.load(m).ok);
    REQUIRE(r.read(test::wiggle_inputs(7, 1), lp).ok);
    CHECK(lp.rows() == 4);  // 7 points, 2 a frame: the last frame half zeros
    CHECK(lp.cols() == 33);
    for (Eigen::Index t = 0; t < lp.rows(); ++t) CHECK(lp.row(t).array().exp().sum() == doctest::Approx(1.0).epsilon(1e-5));
    CHECK(frame_count(7, 2) == 4);
    CHECK(frame_count(8, 2) == 4);
    CHECK(frame_count(1, 3) == 1);
    CHECK(r.read({}, lp).message == "no points to read");
    std::vector<Point> bad = test::wiggle_inputs(9, 2);
    bad[4].dy = std::nanf("");
    CHECK(r.read(bad, lp).message == "point 5 is not finite");
    // A recognizer writes nothing and scores nothing; a writing model reads nothing.
    Generator g;
    CHECK(g.start(m, "", GenerateOptions{}).message.find("cannot write") != std::string::npos);
    LineScore score;
    CHECK(!score_points(m, "", test::wiggle_inputs(5, 1), score).ok);
    const auto synth = test::small_model_bytes(ModelKind::Synthesis);
    Model sm;
    REQUIRE(load_model(synth.data(), synth.size(), sm).ok);
    CHECK(r.load(sm).message.find("a synthesis model cannot read ink") != std::string::npos);
    CHECK(!r.loaded());
}

TEST_CASE("golden fixture: the core reproduces LibTorch's recognizer (log-probabilities and greedy decoding)") {
    const auto jb = read_fixture("recognizer_small.json");
    const auto fx = json::parse(jb.begin(), jb.end());
    const auto bytes = read_fixture(fx.at("model").get<std::string>());
    Model m;
    const Status s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    Recognizer r;
    REQUIRE(r.load(m).ok);
    FrameLogProbs lp;
    REQUIRE(r.read(test::points_from_json(fx.at("inputs")), lp).ok);
    const auto mm = test::compare_traces(test::log_prob_trace(fx.at("log_probs")), test::log_prob_trace(lp), 1e-4, 1e-5);
    INFO(mm.first, " worst abs ", mm.worst_abs);
    CHECK(mm.count == 0);
    CHECK(utf8_encode(r.greedy_decode(lp)) == fx.at("greedy").get<std::string>());
}

namespace {

// A recognizer with hand-set weights that reads one character per frame from the frame's dy:
// class k (0: the blank) where dy is nearest k. One layer, one point a frame. Forward unit j holds
// +tanh(1) when dy > j + 0.5 and -tanh(1) below (its cell forgets at once), so the units count up
// to the class, and class k's output is B (h_{k-1} - h_k): 2 tanh(1) B for the class of the frame,
// 0 for the others. The backward direction is all zeros (its h stays 0).
Model thermometer_recognizer(const std::u32string& alphabet) {
    HParams hp;
    hp.kind = ModelKind::Recognizer;
    hp.layers = 1;
    hp.alphabet = static_cast<int>(alphabet.size());
    hp.hidden = hp.alphabet;  // one unit per step between classes
    hp.subsample = 1;
    const int H = hp.hidden, C = ctc_classes(hp);
    const float A = 20, B = 10, u = std::tanh(1.0f);
    std::vector<NamedTensor> t;
    for (const auto& spec : model_spec(hp)) {
        int64_t n = 1;
        for (auto d : spec.shape) n *= d;
        t.push_back({spec.name, spec.shape, std::vector<float>(static_cast<size_t>(n), 0.0f)});
    }
    auto& w_ih = t[0].values;  // lstm1.fwd.w_ih [4H, 3]
    auto& b = t[2].values;     // lstm1.fwd.b [4H]: gates i, f, g, o
    for (int j = 0; j < H; ++j) {
        b[j] = A;            // input gate open
        b[H + j] = -A;       // forget gate shut
        w_ih[(2 * H + j) * 3 + 1] = A;
        b[2 * H + j] = -A * (static_cast<float>(j) + 0.5f);
        b[3 * H + j] = A;    // output gate open
    }
    auto& ctc_w = t[6].values;  // ctc.w [C, 2H]
    auto& ctc_b = t[7].values;
    for (int k = 0; k < C; ++k) {
        if (k >= 1) ctc_w[k * 2 * H + (k - 1)] = B;
        else ctc_b[k] += B * u;
        if (k < H) ctc_w[k * 2 * H + k] = -B;
        else ctc_b[k] += B * u;
    }
    std::vector<uint8_t> bytes;
    REQUIRE(write_hwm(make_header({hp, Variant{}, Normalisation{}, alphabet, 25, CtcInfo{}}, json::object()), t, Precision::F32, bytes).ok);
    Model m;
    const Status s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    return m;
}

// "Ink" the thermometer recognizer reads as `text`: a blank frame, then per character two frames of
// its class and a blank one.
std::vector<Point> ink_saying(const Model& m, const std::u32string& text) {
    std::vector<Point> pts = {{0, 0, 0}};
    for (char32_t ch : text) {
        const float cls = static_cast<float>(ctc_class(m.ctc, static_cast<int>(m.alphabet.find(ch))));
        pts.insert(pts.end(), {{0, cls, 0}, {0, cls, 0}, {0, 0, 0}});
    }
    return pts;
}

std::vector<WordCheck> checked(const Recognizer& r, const std::string& text, const std::u32string& ink) {
    std::vector<WordCheck> words;
    const Status s = r.check(text, ink_saying(r.model(), ink), words);
    REQUIRE_MESSAGE(s.ok, s.message);
    return words;
}

}  // namespace

TEST_CASE("recognizer check: a word with a missing letter or a wrong-case letter fails, the others pass") {
    const Model m = thermometer_recognizer(U" Hdehlorw");
    Recognizer r;
    REQUIRE(r.load(m).ok);
    FrameLogProbs lp;
    REQUIRE(r.read(ink_saying(m, U"hello world"), lp).ok);
    CHECK(r.greedy_decode(lp) == U"hello world");

    auto w = checked(r, "hello world", U"hello world");
    REQUIRE(w.size() == 2);
    CHECK(w[0].word == U"hello");
    CHECK(w[0].ok);
    CHECK(w[0].read == U"hello");
    CHECK(w[0].gap_nats < 0.01);
    CHECK(w[0].first_frame == 1);
    CHECK(w[0].frames == 14);  // from the first frame of its h to the last of its o
    CHECK(w[1].ok);
    CHECK(w[1].position == 6);

    w = checked(r, "hello world", U"helo world");  // a letter missing from the ink
    REQUIRE(w.size() == 2);
    CHECK(!w[0].ok);
    CHECK(w[0].read == U"helo");
    CHECK(w[0].gap_nats > m.ctc.check_nats);
    CHECK(w[1].ok);

    w = checked(r, "Hello world", U"hello world");  // the ink has the wrong case
    REQUIRE(w.size() == 2);
    CHECK(!w[0].ok);
    CHECK(w[0].read == U"hello");
    CHECK(w[0].gap_nats > m.ctc.check_nats);
    CHECK(w[1].ok);

    w = checked(r, "hello  world ", U"hello world");  // spaces around words make no empty word
    CHECK(w.size() == 2);

    w = checked(r, "hello world", U"he");  // too few frames for the text: no alignment, every word fails
    REQUIRE(w.size() == 2);
    CHECK((!w[0].ok && !w[1].ok && w[0].frames == 0));

    std::vector<WordCheck> words;
    const Status s = r.check("h\xC3\xA9llo", ink_saying(m, U"hello"), words);  // é
    CHECK(s.message.find("U+00E9") != std::string::npos);
}

TEST_CASE("recognizer: forced alignment visits every label in order, a repeat with a blank between") {
    // Frames that say: blank, a, a, blank, a, b (classes 0, 1, 1, 0, 1, 2).
    const FrameLogProbs lp = peaked({0, 1, 1, 0, 1, 2}, 3);
    std::vector<int> states;
    double score = 0;
    REQUIRE(forced_alignment(lp, {1, 1, 2}, 0, states, score));
    CHECK(states == std::vector<int>{0, 1, 1, 2, 3, 5});
    CHECK(score == doctest::Approx(-0.06));
    REQUIRE(forced_alignment(lp, {1, 2}, 0, states, score));  // the second a is read as the first's
    CHECK(score < -19);
    CHECK(!forced_alignment(lp.topRows(2), {1, 1, 2}, 0, states, score));  // two frames cannot hold a, blank, a, b
    CHECK(states.empty());
}
