// The trainer on CPU: a tiny network on a tiny synthetic corpus learns (validation NLL falls),
// continues from its checkpoint, and exports a model the core loads and samples from.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "batches.h"
#include "checkpoint.h"
#include "divergence.h"
#include "dataset.h"
#include "files.h"
#include "flat_adam.h"
#include "generator.h"
#include "hwm_format.h"
#include "learner.h"
#include "metrics_log.h"
#include "nets.h"
#include "out_dir.h"
#include "reader.h"
#include "text.h"
#include "train_position.h"
#include "trainer.h"

// After LibTorch: its glog headers define a CHECK of their own, which doctest's must replace.
#undef CHECK
#include <doctest/doctest.h>

using namespace hw;

namespace {

using Shape = std::vector<std::pair<float, float>>;

// Each letter is a fixed little shape (offsets in data units); the pen lifts after each letter and
// travels to the next.
const Shape& shape(char letter) {
    static const Shape a = {{1, -1}, {-1, -1}, {-1, 1}, {1, 1}, {0.5f, 0.5f}};
    static const Shape b = {{0, -3}, {0, 3}, {1, -1}, {0, 1}, {-1, 0}};
    static const Shape c = {{-1, 0}, {0, 1}, {1, 0}};
    return letter == 'a' ? a : letter == 'b' ? b : c;
}

DataLine make_line(const std::string& text, float q, std::mt19937& g) {
    std::normal_distribution<float> noise(0.0f, 0.05f);
    DataLine l;
    l.text = text;
    for (char ch : text) {
        const Shape& s = shape(ch);
        for (size_t i = 0; i < s.size(); ++i) {
            l.dx.push_back(static_cast<int16_t>(std::lround((s[i].first + noise(g)) / q)));
            l.dy.push_back(static_cast<int16_t>(std::lround((s[i].second + noise(g)) / q)));
            l.pen_up.push_back(i + 1 == s.size());
        }
        l.dx.push_back(static_cast<int16_t>(std::lround((2.0f + noise(g)) / q)));
        l.dy.push_back(0);
        l.pen_up.push_back(1);
    }
    return l;
}

Dataset tiny_corpus() {
    Dataset d;
    d.quantum = 0.01f;
    d.alphabet = U"abc";
    d.norm.scale_x = 1.2f;
    d.norm.scale_y = 1.2f;
    d.norm.point_spacing = 1.0f;
    d.norm.line_height = 3.0f;
    d.sources = {"synthetic"};
    std::mt19937 g(5);
    std::uniform_int_distribution<int> letter(0, 2), len(3, 8);
    for (int i = 0; i < 96; ++i) {
        std::string t;
        for (int k = len(g); k > 0; --k) t += static_cast<char>('a' + letter(g));
        (i < 80 ? d.train : d.valid).push_back(make_line(t, d.quantum, g));
    }
    return d;
}

std::vector<std::vector<double>> read_metrics(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::vector<double> r;
        std::stringstream ss(line);
        std::string f;
        while (std::getline(ss, f, ',')) r.push_back(std::atof(f.c_str()));
        rows.push_back(r);
    }
    return rows;
}

TrainConfig tiny_config(const std::string& data, const std::string& out) {
    TrainConfig c;
    c.data = data;
    c.out_dir = out;
    c.hp.layers = 2;
    c.hp.hidden = 24;
    c.hp.mixtures = 3;
    c.hp.window = 2;
    c.batch = 16;
    c.lr = 1e-2;
    c.steps = 60;
    c.eval_every = 20;
    c.save_every = 20;
    c.sample_every = 0;
    c.device = "cpu";
    c.max_steps_per_char = 12;
    return c;
}

// A new temporary folder holding the tiny corpus as tiny.hwds.
std::string fresh_run_dir() {
    char tmpl[] = "/tmp/hw_train_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    REQUIRE(save_dataset(tiny_corpus(), dir + "/tiny.hwds").ok);
    return dir;
}

// Runs `f` with standard error sent to a temporary file; returns what was written there.
std::string capture_stderr(const std::function<void()>& f) {
    std::fflush(stderr);
    FILE* tmp = std::tmpfile();
    REQUIRE(tmp != nullptr);
    const int saved = dup(2);
    dup2(fileno(tmp), 2);
    f();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::rewind(tmp);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, tmp)) > 0;) text.append(buf, n);
    std::fclose(tmp);
    return text;
}

// run_training with its messages captured.
int run_quietly(const TrainConfig& c, std::string& err) {
    int code = -1;
    err = capture_stderr([&] { code = run_training(c); });
    return code;
}

nlohmann::json hwm_meta(const std::string& path) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file_bounded(path, kHwmMaxFileBytes, bytes).ok);
    HwmFile f;
    REQUIRE(read_hwm(bytes.data(), bytes.size(), f).ok);
    return f.header.value("meta", nlohmann::json::object());
}

// Puts a directory where the trainer expects to write the file `path`.
void block_with_directory(const std::string& path) {
    std::remove(path.c_str());
    REQUIRE(::mkdir(path.c_str(), 0755) == 0);
}

}  // namespace

namespace {
// A small network's parameters with fixed values, and gradients of a fixed loss.
std::vector<torch::Tensor> adam_params(uint64_t seed) {
    torch::manual_seed(seed);
    return {torch::randn({7, 5}).requires_grad_(), torch::randn({5}).requires_grad_(), torch::randn({3, 7}).requires_grad_()};
}
torch::Tensor adam_loss(const std::vector<torch::Tensor>& p, int round) {
    const torch::Tensor x = torch::full({5}, 0.3 + 0.1 * round);
    return (torch::tanh(torch::matmul(p[0], x)) * 4).pow(3).sum() + (p[1] * p[1]).sum() * 50 + p[2].abs().sum();
}
}  // namespace

TEST_CASE("FlatAdam: the steps of clip_grad_norm_ then torch::optim::Adam, to float rounding; a non-finite loss changes nothing") {
    std::vector<torch::Tensor> a = adam_params(3), b = adam_params(3);
    torch::optim::Adam reference(a, torch::optim::AdamOptions(0.05));
    hw::FlatAdam flat(b, 0.05, 10.0);
    for (int round = 0; round < 6; ++round) {
        reference.zero_grad();
        adam_loss(a, round).backward();
        torch::nn::utils::clip_grad_norm_(a, 10.0);
        reference.step();
        flat.zero_gradients();
        const torch::Tensor loss = adam_loss(b, round);
        loss.backward();
        const hw::StepStats st = flat.update(loss.detach());
        CHECK(st.ok.item<float>() == 1.0f);
        CHECK(st.grad_norm.item<float>() > 10.0f);  // the clipping is exercised
        for (size_t i = 0; i < a.size(); ++i) CHECK((a[i] - b[i]).abs().max().item<float>() < 1e-5f);  // steps of 0.05: a wrong term shows at 1e-2
        CHECK(b[0].grad().data_ptr() != nullptr);  // the gradients stay views of the flat buffer
    }
    std::vector<torch::Tensor> before;
    for (const auto& p : b) before.push_back(p.detach().clone());
    flat.zero_gradients();
    (adam_loss(b, 0) * std::nan("")).backward();
    const hw::StepStats skipped = flat.update(torch::full({}, std::nan("")));
    CHECK(skipped.ok.item<float>() == 0.0f);
    for (size_t i = 0; i < b.size(); ++i) CHECK(torch::equal(before[i], b[i].detach()));
    // The skipped update left the moments alone: the next finite step matches the reference's.
    reference.zero_grad();
    adam_loss(a, 9).backward();
    torch::nn::utils::clip_grad_norm_(a, 10.0);
    reference.step();
    flat.zero_gradients();
    adam_loss(b, 9).backward();
    flat.update(torch::zeros({}));
    for (size_t i = 0; i < a.size(); ++i) CHECK((a[i] - b[i]).abs().max().item<float>() < 1e-5f);  // steps of 0.05: a wrong term shows at 1e-2
}

namespace {
// Loss, gradients and diagnostics of a small synthesis network on random data, with the window
// step fused or as the reference tensor operations.
struct WindowRun {
    torch::Tensor y, phi, kappa;
    std::vector<torch::Tensor> grads;
};
// How layer 1 and the window run: step by step with the window as tensor operations (the
// reference), step by step with the fused window step, or the whole loop as one operation.
enum class Layer1Mode { Reference, FusedWindow, FusedLoop };

WindowRun run_window_net(Layer1Mode mode, hw::WindowFn fn) {
    hw::HParams hp;
    hp.kind = hw::ModelKind::Synthesis;
    hp.layers = 2;
    hp.hidden = 16;
    hp.window = 3;
    hp.mixtures = 2;
    hp.alphabet = 6;
    hw::Variant v;
    v.window_fn = fn;
    v.kappa_scale = 0.3f;  // large steps: kappa crosses several characters in the 12 steps
    torch::manual_seed(11);
    hw::HandwritingNet net(hp, v);
    net->fused_window = mode != Layer1Mode::Reference;
    net->fused_loop = mode == Layer1Mode::FusedLoop;
    const torch::Tensor x = torch::randn({12, 4, 3}), target = torch::randn({12, 4, 3});
    const torch::Tensor text = hw::one_hot_text({{0, 1, 2}, {3, 4, 5, 0, 1}, {2}, {5, 5, 4, 3}}, hp.alphabet);
    WindowRun r;
    {
        torch::NoGradGuard ng;
        const hw::NetOutput d = net->forward(x, text, true);
        r.phi = d.phi;
        r.kappa = d.kappa;
    }
    const hw::NetOutput out = net->forward(x, text);
    r.y = out.y.detach();
    hw::mdn_nll(out.y, target, hp.mixtures, 1).sum().backward();
    for (const auto& p : net->parameters()) r.grads.push_back(p.grad().clone());
    return r;
}
double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
    return ((a - b).abs() / (1 + b.abs())).max().item<double>();
}
}  // namespace

TEST_CASE("window step: one fused operation gives the reference tensor operations' outputs and gradients") {
    for (hw::WindowFn fn : {hw::WindowFn::Exp, hw::WindowFn::Softplus}) {
        const WindowRun fused = run_window_net(Layer1Mode::FusedWindow, fn), ref = run_window_net(Layer1Mode::Reference, fn);
        CHECK(max_rel_diff(fused.y, ref.y) < 1e-5);
        CHECK(max_rel_diff(fused.phi, ref.phi) < 1e-5);
        CHECK(max_rel_diff(fused.kappa, ref.kappa) < 1e-5);
        CHECK(ref.kappa.max().item<double>() > 1.0);  // the window moved along the text
        REQUIRE(fused.grads.size() == ref.grads.size());
        for (size_t i = 0; i < ref.grads.size(); ++i) {
            CHECK(ref.grads[i].abs().max().item<double>() > 0);
            CHECK(max_rel_diff(fused.grads[i], ref.grads[i]) < 1e-4);
        }
    }
}

TEST_CASE("layer 1 and the window as one operation give the step-by-step reference's outputs and gradients") {
    for (hw::WindowFn fn : {hw::WindowFn::Exp, hw::WindowFn::Softplus}) {
        const WindowRun loop = run_window_net(Layer1Mode::FusedLoop, fn), ref = run_window_net(Layer1Mode::Reference, fn);
        CHECK(max_rel_diff(loop.y, ref.y) < 1e-5);
        REQUIRE(loop.grads.size() == ref.grads.size());
        for (size_t i = 0; i < ref.grads.size(); ++i) {
            CHECK(ref.grads[i].abs().max().item<double>() > 0);
            CHECK(max_rel_diff(loop.grads[i], ref.grads[i]) < 1e-4);
        }
    }
}

TEST_CASE("learning-rate rules: scaled with the batch from batch 128, and a linear warm-up") {
    CHECK(hw::batch_scaled_lr(1e-3, 512, "none") == doctest::Approx(1e-3));
    CHECK(hw::batch_scaled_lr(1e-3, 512, "sqrt") == doctest::Approx(2e-3));
    CHECK(hw::batch_scaled_lr(1e-3, 32, "sqrt") == doctest::Approx(5e-4));
    CHECK(hw::batch_scaled_lr(1e-3, 256, "linear") == doctest::Approx(2e-3));
    CHECK(hw::batch_scaled_lr(1e-3, 256, "cubic") < 0);
    CHECK(hw::warmup_factor(0, 0) == 1.0);
    CHECK(hw::warmup_factor(0, 4) == doctest::Approx(0.25));
    CHECK(hw::warmup_factor(3, 4) == doctest::Approx(1.0));
    CHECK(hw::warmup_factor(10, 4) == 1.0);
}

TEST_CASE("divergence watch: a smoothed loss that rises by the margin, or 20 skips in 100 updates") {
    DivergenceWatch watch(1.0);
    long step = 0;
    for (int i = 0; i < 60; ++i) CHECK(watch.observe(2.0, ++step).empty());
    std::string why;
    while (why.empty() && step < 200) why = watch.observe(10.0, ++step);
    CHECK(why.find("smoothed loss") != std::string::npos);
    CHECK(step == 63);  // the smoothed loss 2 + 8 (1 - 0.95^k) passes 2 + 1 at the k = 3rd update
    watch.restart();    // the best smoothed loss survives a restart: back to 2 is fine again
    for (int i = 0; i < 60; ++i) CHECK(watch.observe(2.0, ++step).empty());

    DivergenceWatch skips(1.0);
    step = 100;
    for (int i = 0; i < 19; ++i) CHECK(skips.observe(std::nan(""), ++step).empty());
    CHECK(skips.observe(std::nan(""), ++step).find("20 skipped batches") != std::string::npos);
    DivergenceWatch spread(1.0);  // the count starts again with every window of 100 updates
    step = 85;
    for (int i = 0; i < 30; ++i) CHECK(spread.observe(std::nan(""), ++step).empty());  // 15 + 15 around step 100

    DivergenceWatch off(0);
    for (int i = 0; i < 200; ++i) CHECK(off.observe(i < 60 ? 2.0 : std::nan(""), i + 1).empty());
}

TEST_CASE("training position: written and read back; a checkpoint from before rollbacks still reads") {
    TrainPosition p;
    p.step = 1200;
    p.epoch = 3;
    p.batch_in_epoch = 17;
    p.skipped = 2;
    p.rollbacks = 1;
    p.best_valid = 812.5;
    p.lr = 5e-4;
    TrainPosition back;
    REQUIRE(read_position(position_json(p), back).ok);
    CHECK(position_json(back) == position_json(p));
    nlohmann::json old = position_json(p);
    old.erase("lr");
    old.erase("rollbacks");
    old["data"] = "corpus.hwds";  // the index holds more than the position
    REQUIRE(read_position(old, back).ok);
    CHECK(back.rollbacks == 0);
    CHECK(back.lr == 0);
    CHECK(back.step == 1200);
    nlohmann::json bad = position_json(p);
    bad["epoch"] = -1;
    CHECK(read_position(bad, back).message.find("epoch") != std::string::npos);
    bad.erase("epoch");
    CHECK(read_position(bad, back).message.find("epoch") != std::string::npos);
}

TEST_CASE("batch maker: a text that is not UTF-8 or leaves the alphabet is an error naming the line") {
    Dataset d = tiny_corpus();
    BatchMaker maker;
    maker.data = &d;
    maker.alphabet = U"abc";
    Batch b;
    REQUIRE(maker.make(d.train, {0, 1}, b).ok);
    CHECK(b.lines == 2);
    CHECK(b.text.size(2) == 3);
    std::vector<DataLine> lines = {d.train[0], d.train[1]};
    lines[1].text = "abz";
    Status s = maker.make(lines, {0, 1}, b);
    CHECK(s.message.find("line 1") != std::string::npos);
    CHECK(s.message.find("'z'") != std::string::npos);
    lines[1].text = "ab\xC3";
    s = maker.make(lines, {0, 1}, b);
    CHECK(s.message.find("UTF-8") != std::string::npos);
    maker.with_text = false;  // a network that reads no text does not look at it
    CHECK(maker.make(lines, {0, 1}, b).ok);
}

TEST_CASE("batch maker: the recognizer's labels are the texts' CTC classes, line after line") {
    Dataset d = tiny_corpus();
    BatchMaker maker;
    maker.data = &d;
    maker.alphabet = U"abc";
    maker.with_text = false;
    maker.with_labels = true;
    std::vector<DataLine> lines = {d.train[0], d.train[1]};
    lines[0].text = "cab";
    lines[1].text = "bb";
    Batch b;
    REQUIRE(maker.make(lines, {0, 1}, b).ok);
    CHECK(b.label_lengths == std::vector<int64_t>{3, 2});
    CHECK(b.lengths == std::vector<int64_t>{static_cast<int64_t>(lines[0].size()), static_cast<int64_t>(lines[1].size())});
    CHECK(torch::equal(b.labels, torch::tensor(std::vector<int64_t>{3, 1, 2, 2, 2}, torch::kInt64)));  // blank 0: 'a' is 1
    CHECK(!b.text.defined());
    maker.ctc.blank = 3;  // blank last: 'a' is 0
    REQUIRE(maker.make(lines, {0, 1}, b).ok);
    CHECK(torch::equal(b.labels, torch::tensor(std::vector<int64_t>{2, 0, 1, 1, 1}, torch::kInt64)));
}

TEST_CASE("recognizer: CTC updates on one tiny batch lower its loss (CPU)") {
    Dataset d = tiny_corpus();
    HParams hp;
    hp.kind = ModelKind::Recognizer;
    hp.layers = 2;
    hp.hidden = 16;
    hp.alphabet = 3;
    hp.subsample = 2;
    torch::manual_seed(3);
    Learner l;
    l.net = HandwritingNet(hp, Variant{});
    l.info.alphabet = U"abc";
    l.reset_optimizer("adam", 1e-2, 10);
    BatchMaker maker;
    maker.data = &d;
    maker.alphabet = U"abc";
    maker.with_text = false;
    maker.with_labels = true;
    Batch b;
    REQUIRE(maker.make(d.train, {0, 1, 2, 3, 4, 5, 6, 7}, b).ok);
    EvalResult before, after;
    const auto one = [&](size_t, Batch& out) { out = b; return Status::success(); };
    REQUIRE(l.evaluate_each(1, one, before).ok);
    for (int i = 0; i < 40; ++i) l.update(b, 10, 0);
    const auto results = l.take_results();
    REQUIRE(results.size() == 40);
    REQUIRE(l.evaluate_each(1, one, after).ok);
    INFO("CTC loss per line before ", before.nll_per_line, ", after ", after.nll_per_line, "; CER ", before.cer(), " -> ", after.cer());
    CHECK(std::isfinite(results.front().loss));
    CHECK(results.front().loss == doctest::Approx(before.nll_per_point).epsilon(1e-4));  // the loss per point, as the MDN's
    CHECK(after.nll_per_line < 0.5 * before.nll_per_line);
    CHECK(before.chars == after.chars);
    CHECK(before.chars > 0);
    CHECK(after.cer() >= 0);
    CHECK(after.cer() < 0.5 * before.cer());  // the greedy decoding learns to read the batch
}

TEST_CASE("trainer: learns a tiny corpus, resumes from its checkpoint, exports a usable model") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";

    TrainConfig c = tiny_config(data, out);
    REQUIRE(run_training(c) == 0);
    auto rows = read_metrics(out + "/metrics.csv");
    REQUIRE(rows.size() == 3);
    // The margin: validation NLL per point falls by at least 0.5 nats between step 20 and step 60.
    INFO("valid nll/point at 20: ", rows[0][4], ", at 60: ", rows[2][4]);
    CHECK(rows[2][4] < rows[0][4] - 0.5);

    // A second run with a higher step target continues where the first stopped.
    c.steps = 80;
    REQUIRE(run_training(c) == 0);
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);
    CHECK(info["step"] == 80);
    rows = read_metrics(out + "/metrics.csv");
    REQUIRE(rows.size() == 4);
    CHECK(rows[3][0] == 80);

    // The exported model loads in the core and writes the text.
    std::vector<uint8_t> bytes;
    REQUIRE(read_file_bounded(out + "/model.hwm", kHwmMaxFileBytes, bytes).ok);
    Model m;
    Status s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    CHECK(m.alphabet == U"abc");
    Generator gen;
    REQUIRE(gen.start(m, "abcab", GenerateOptions{}).ok);
    std::vector<Point> pts;
    while (!gen.done()) gen.run(100, pts);
    CHECK(pts.size() > 5);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: --kind recognizer trains on the corpus, reports CER, exports a model the core reads") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.hp.kind = ModelKind::Recognizer;
    c.hp.layers = 2;
    c.hp.hidden = 24;
    c.hp.subsample = 2;
    c.check_nats = 2.5f;
    c.steps = 120;
    c.eval_every = 40;
    c.sample_every = 40;  // no sample sheet for a network that does not write
    c.save_every = 40;
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("CER") != std::string::npos);
    CHECK(err.find("sample sheet") == std::string::npos);
    const auto rows = read_metrics(out + "/metrics.csv");
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[0].size() == 8);
    CHECK(rows[2][4] < rows[0][4]);                     // the CTC loss per point falls
    CHECK((rows[2][7] >= 0 && rows[2][7] < 0.1));      // and the greedy decoding reads the validation lines
    CHECK(hwm_meta(out + "/best.hwm").contains("valid_cer"));
    std::vector<uint8_t> bytes;
    REQUIRE(read_file_bounded(out + "/model.hwm", kHwmMaxFileBytes, bytes).ok);
    Model m;
    const Status s = load_model(bytes.data(), bytes.size(), m);
    REQUIRE_MESSAGE(s.ok, s.message);
    CHECK(m.hp.kind == ModelKind::Recognizer);
    CHECK(m.alphabet == U"abc");
    CHECK(m.ctc.check_nats == 2.5f);
    Recognizer r;
    REQUIRE(r.load(m).ok);
    Dataset d;
    REQUIRE(load_dataset(data, d).ok);
    FrameLogProbs lp;
    std::vector<Point> pts = line_points(d.valid[0]);  // in quanta: to normalised units, as the batches have them
    for (Point& p : pts) p.dx *= d.quantum / d.norm.scale_x, p.dy *= d.quantum / d.norm.scale_y;
    REQUIRE(r.read(pts, lp).ok);
    CHECK(lp.rows() == frame_count(static_cast<int>(pts.size()), 2));
    CHECK(utf8_encode(r.greedy_decode(lp)) == d.valid[0].text);  // the core reads what LibTorch learnt
    // The word check on real training ink: the line's own text passes; a text with a letter the
    // ink lacks, or with another letter, fails.
    const std::string text = d.valid[0].text;
    std::string longer = text, other = text;
    longer.insert(1, 1, text[1]);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    for (const auto& [said, pass] : {std::pair{text, true}, {longer, false}, {other, false}}) {
        std::vector<WordCheck> words;
        REQUIRE(r.check(said, pts, words).ok);
        REQUIRE(words.size() == 1);
        INFO(said, " against the ink of ", text, ": read ", utf8_encode(words[0].read), ", gap ", words[0].gap_nats);
        CHECK(words[0].ok == pass);
    }
    // A resumed run keeps the recognizer's header fields.
    c.steps = 160;
    REQUIRE(run_quietly(c, err) == 0);
    REQUIRE(read_file_bounded(out + "/model.hwm", kHwmMaxFileBytes, bytes).ok);
    REQUIRE(load_model(bytes.data(), bytes.size(), m).ok);
    CHECK(m.ctc.check_nats == 2.5f);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: bad input is refused with exit code 2") {
    TrainConfig c = tiny_config("/nonexistent/data.hwds", "/tmp/hw_train_none");
    CHECK(run_training(c) == 2);
}

TEST_CASE("trainer: a diverging run goes back to its best weights with half the learning rate") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 120;
    c.debug_corrupt_at = 70;  // after the evaluations at 20, 40 and 60 wrote best.hwm
    REQUIRE(run_training(c) == 0);
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);
    CHECK(info["rollbacks"].get<long>() >= 1);
    CHECK(info["lr"].get<double>() < c.lr * 0.75);
    auto rows = read_metrics(out + "/metrics.csv");
    REQUIRE(rows.size() == 6);
    // After the rollback the validation loss is back near the best reached before the damage.
    const double best_before = std::min({rows[0][4], rows[1][4], rows[2][4]});
    INFO("best before: ", best_before, ", at 120: ", rows[5][4]);
    CHECK(rows[5][4] < best_before + 0.5);

    // Without the guard the same damage leaves the network broken.
    const std::string out2 = dir + "/run2";
    c.out_dir = out2;
    c.diverge_margin = 0;
    REQUIRE(run_training(c) == 0);
    auto rows2 = read_metrics(out2 + "/metrics.csv");
    REQUIRE(rows2.size() == 6);
    CHECK_FALSE(rows2[3][4] <= rows[5][4]);  // NaN counts as broken too
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: a checkpoint whose model description is inconsistent is refused by the header reader") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 20;
    REQUIRE(run_training(c) == 0);
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);
    info["model"]["alphabet"] = "abcd";  // hparams.alphabet says 3
    REQUIRE(write_file_atomic(out + "/checkpoint.json", info.dump(2)).ok);
    c.steps = 40;
    std::string err;
    CHECK(run_quietly(c, err) == 2);
    INFO(err);
    CHECK(err.find("checkpoint.json") != std::string::npos);
    CHECK(err.find("alphabet") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: a best.hwm that cannot be written ends the run with exit 2; the checkpoint still agrees with best.hwm") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 40;
    REQUIRE(run_training(c) == 0);
    const nlohmann::json best = hwm_meta(out + "/best.hwm");
    block_with_directory(out + "/best.hwm");  // the next improvement cannot be written
    c.steps = 80;
    std::string err;
    CHECK(run_quietly(c, err) == 2);
    INFO(err);
    CHECK(err.find("best.hwm") != std::string::npos);
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);
    CHECK(info["step"].get<long>() < 80);
    CHECK(info["best_valid"].get<double>() == best["valid_nll_per_line"].get<double>());
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: on resume, a best.hwm newer than the checkpoint is the loss to beat") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 40;
    REQUIRE(run_training(c) == 0);
    // As if an evaluation after the last save had written best.hwm and the run had then stopped:
    // best.hwm holds a better loss than the checkpoint knows of.
    std::vector<uint8_t> bytes;
    REQUIRE(read_file_bounded(out + "/best.hwm", kHwmMaxFileBytes, bytes).ok);
    HwmFile f;
    REQUIRE(read_hwm(bytes.data(), bytes.size(), f).ok);
    f.header["meta"]["valid_nll_per_line"] = -1e6;
    REQUIRE(write_hwm(f.header, f.tensors, Precision::F32, bytes).ok);
    REQUIRE(write_file_atomic(out + "/best.hwm", bytes.data(), bytes.size()).ok);
    c.steps = 60;
    REQUIRE(run_training(c) == 0);
    CHECK(hwm_meta(out + "/best.hwm")["valid_nll_per_line"].get<double>() == -1e6);  // not replaced by a worse model
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);
    CHECK(info["best_valid"].get<double>() == -1e6);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: a sample sheet or loss plot that cannot be written is a printed warning, not the end of the run") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    REQUIRE(::mkdir(out.c_str(), 0755) == 0);
    std::ofstream(out + "/samples") << "a file where the samples folder should be\n";
    block_with_directory(out + "/loss.svg");
    TrainConfig c = tiny_config(data, out);
    c.steps = 20;
    c.sample_every = 20;
    std::string err;
    CHECK(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("warning: step 20: sample sheet not written") != std::string::npos);
    CHECK(err.find("warning: step 20: loss plot not written") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: an unreadable best.hwm at the end is an error, not a silent export of the last weights") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 20;
    REQUIRE(run_training(c) == 0);
    block_with_directory(out + "/best.hwm");
    REQUIRE(std::remove((out + "/model.hwm").c_str()) == 0);
    std::string err;
    CHECK(run_quietly(c, err) == 2);  // no updates left: the run goes straight to its export
    INFO(err);
    CHECK(err.find("best.hwm") != std::string::npos);
    CHECK(access((out + "/model.hwm").c_str(), F_OK) != 0);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: outputs that cannot be written are refused with exit code 2") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds";
    std::ofstream(dir + "/plain") << "a file, not a folder\n";
    std::string err;
    SUBCASE("the output folder cannot be made") {
        TrainConfig c = tiny_config(data, dir + "/plain/run");
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find(dir + "/plain/run") != std::string::npos);
    }
    SUBCASE("metrics.csv cannot be opened") {
        const std::string out = dir + "/run";
        REQUIRE(::mkdir(out.c_str(), 0755) == 0);
        block_with_directory(out + "/metrics.csv");
        TrainConfig c = tiny_config(data, out);
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find("metrics.csv") != std::string::npos);
    }
    std::system(("rm -rf " + dir).c_str());
}

namespace {

// The steps of metrics.csv's rows, in their order.
std::vector<long> metrics_steps(const std::string& path) {
    std::vector<long> steps;
    for (const auto& r : read_metrics(path)) steps.push_back(r.empty() ? -1 : static_cast<long>(r[0]));
    return steps;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    REQUIRE(f.good());
}

}  // namespace

TEST_CASE("metrics: the rows a resumed run keeps are the complete ones up to its step") {
    const std::string h = std::string(kMetricsHeader) + "\n";
    const std::string csv = h + "20,0,1,2,3,4,0,\n40,0,1,2,3,4,0,0.5\n60,1,1,2,3,4,0,\nbad,row\n80,1,1,2,3,4,0,\n100,1,1";
    CHECK(metrics_up_to(csv, 40) == h + "20,0,1,2,3,4,0,\n40,0,1,2,3,4,0,0.5\n");
    CHECK(metrics_up_to(csv, 1000) == h + "20,0,1,2,3,4,0,\n40,0,1,2,3,4,0,0.5\n60,1,1,2,3,4,0,\n80,1,1,2,3,4,0,\n");
    CHECK(metrics_up_to(csv, 0) == h);
    CHECK(metrics_up_to("", 50) == h);  // a missing file gets its header
    // Rows an older trainer duplicated after a resume: each step once, the first kept.
    CHECK(metrics_up_to(h + "20,0,1,2,3,4,0,\n40,0,1,2,3,4,0,\n40,0,9,2,3,4,0,\n80,1,1,2,3,4,0,\n80,1,9,2,3,4,0,\n", 80) ==
          h + "20,0,1,2,3,4,0,\n40,0,1,2,3,4,0,\n80,1,1,2,3,4,0,\n");
    // A run from before the valid_cer column resumes with its rows kept, that column empty.
    CHECK(metrics_up_to("step,epoch,train_nll_per_point,valid_nll_per_line,valid_nll_per_point,updates_per_s,skipped\n"
                        "20,0,1,2,3,4,0\n40,0,1,2,3,4\n", 40) == h + "20,0,1,2,3,4,0,\n");
}

TEST_CASE("trainer: after a kill between an evaluation and the next checkpoint, the resumed run writes each step's row once (issue #15 #14)") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run", saved = dir + "/at40";
    TrainConfig c = tiny_config(data, out);
    c.steps = 40;
    REQUIRE(run_training(c) == 0);
    REQUIRE(std::system(("cp -r " + out + " " + saved).c_str()) == 0);
    c.steps = 60;
    REQUIRE(run_training(c) == 0);
    REQUIRE(metrics_steps(out + "/metrics.csv") == std::vector<long>{20, 40, 60});
    // As a kill after the evaluation of step 60 and before its checkpoint leaves it: the checkpoint
    // of step 40, the row of step 60, and a row torn by the kill.
    REQUIRE(std::system(("rm " + out + "/checkpoint.json " + out + "/ckpt-* && cp " + saved + "/checkpoint.json " + saved +
                         "/ckpt-* " + out + "/").c_str()) == 0);
    std::ofstream(out + "/metrics.csv", std::ios::app) << "80,1,0.5";
    c.steps = 80;
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("resumed from " + out + " at step 40") != std::string::npos);
    CHECK(metrics_steps(out + "/metrics.csv") == std::vector<long>{20, 40, 60, 80});
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: on start, the files a killed run left half-written are removed, and nothing else (issue #15 #14)") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 20;
    REQUIRE(run_training(c) == 0);
    REQUIRE(::mkdir((out + "/samples").c_str(), 0755) == 0);
    const std::vector<std::string> stale = {"last.hwm.tmp-999999", "checkpoint.json.tmp-77", "ckpt-g5.part002.tmp-12",
                                            "metrics.csv.tmp-31", "ckpt-g9.part000", "ckpt-g9.part001",
                                            "samples/step-000020.svg.tmp-4242"};
    const std::vector<std::string> kept = {"notes.txt.tmp-5", "best.hwm.tmp-x1", "best.hwm.tmp-", "mine.hwm", "ckpt-g9.partial",
                                           "samples/other.svg.tmp-8"};
    for (const auto& f : stale) write_text(out + "/" + f, "left by a killed run\n");
    for (const auto& f : kept) write_text(out + "/" + f, "not the trainer's\n");
    c.steps = 40;
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("removed 7 files a killed run left half-written") != std::string::npos);
    for (const auto& f : stale) CHECK_MESSAGE(!exists(out + "/" + f), f);
    for (const auto& f : kept) CHECK_MESSAGE(exists(out + "/" + f), f);
    nlohmann::json info;
    REQUIRE(read_checkpoint_info(out, info).ok);  // the parts the index names are still there
    CHECK(info["step"] == 40);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: the output folder is checked before training: one run at a time, writable, with room (issue #15 #13, 6)") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    REQUIRE(::mkdir(out.c_str(), 0755) == 0);
    TrainConfig c = tiny_config(data, out);
    std::string err;
    SUBCASE("too little free space") {
        c.debug_extra_free_bytes = uint64_t(1) << 62;
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find(out + ": ") != std::string::npos);
        CHECK(err.find("MB free, the run needs about") != std::string::npos);
    }
    SUBCASE("a file cannot be written in the folder") {
        block_with_directory(out + "/.hw-train-probe");  // as root, a mode cannot stop a write; this can
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find("the output folder cannot be written") != std::string::npos);
        CHECK(err.find("Is a directory") != std::string::npos);  // the reason, from errno
    }
    SUBCASE("another run holds the folder") {
        OutDirLock other;
        REQUIRE(other.acquire(out).ok);
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find("another hw-train run is writing to this folder") != std::string::npos);
    }
    CHECK(!exists(out + "/checkpoint.json"));  // refused before any training
    CHECK(!exists(out + "/metrics.csv"));
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("output folder: the free-space check compares with what the file system has") {
    CHECK(check_free_space("/tmp", 1).ok);
    const Status s = check_free_space("/tmp", uint64_t(1) << 62);
    CHECK(!s.ok);
    CHECK(s.message.find("/tmp: ") == 0);
    CHECK(space_needed(1000000) > 2 * 3 * 4 * 1000000);  // two checkpoints of weights and Adam's moments
}

namespace {

// A small network and its optimizer, for checkpoint tests that need no training.
struct TinyLearner {
    torch::nn::Linear net{torch::nn::Linear(3, 2)};
    torch::optim::Adam opt{net->parameters(), torch::optim::AdamOptions(1e-3)};
};

// Rewrites the index of the checkpoint in `dir` with `edit` applied.
void edit_index(const std::string& dir, const std::function<void(nlohmann::json&)>& edit) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file_bounded(dir + "/checkpoint.json", kMaxSourceFileBytes, bytes).ok);
    nlohmann::json index = nlohmann::json::parse(bytes.begin(), bytes.end());
    edit(index);
    write_text(dir + "/checkpoint.json", index.dump(2) + "\n");
}

}  // namespace

TEST_CASE("checkpoint: an index whose part names are not plain part names is refused, and nothing outside is removed (issue #24 #2)") {
    const std::string dir = fresh_run_dir(), out = dir + "/run";
    TinyLearner l;
    REQUIRE(save_checkpoint(out, *l.net, l.opt, {{"step", 1}}).ok);
    for (const nlohmann::json& name : {nlohmann::json("../victim.txt"), nlohmann::json(dir + "/victim.txt"),
                                       nlohmann::json("ckpt-g0.part000/../../victim.txt"), nlohmann::json(""),
                                       nlohmann::json(42), nlohmann::json(nullptr)}) {
        INFO(name.dump());
        write_text(dir + "/victim.txt", "not the trainer's\n");
        edit_index(out, [&](nlohmann::json& index) { index["parts"][0]["file"] = name; });
        nlohmann::json info;
        const Status s = read_checkpoint_info(out, info);
        CHECK_FALSE(s.ok);
        CHECK(s.message.find(out + "/checkpoint.json: parts[0].file") == 0);
        // The next save does not take the index's word for which files to remove.
        REQUIRE(save_checkpoint(out, *l.net, l.opt, {{"step", 2}}).ok);
        CHECK(exists(dir + "/victim.txt"));
        REQUIRE(read_checkpoint_info(out, info).ok);  // the new index is good again
    }
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("checkpoint: the start-up cleanup removes nothing while the index names a part that is not there (issue #24 #5)") {
    const std::string dir = fresh_run_dir(), out = dir + "/run";
    TinyLearner l;
    REQUIRE(save_checkpoint(out, *l.net, l.opt, {{"step", 1}}).ok);
    REQUIRE(exists(out + "/ckpt-g0.part000"));
    nlohmann::json good;
    REQUIRE(read_checkpoint_info(out, good).ok);
    // An index that names parts not in the folder (an older one restored, one copied from another
    // run): it does not describe what is there, so it cannot say which parts are stale.
    edit_index(out, [](nlohmann::json& index) { index["parts"][0]["file"] = "ckpt-g7.part000"; });
    size_t removed = 9;
    REQUIRE(remove_orphan_parts(out, removed).ok);
    CHECK(removed == 0);
    CHECK(exists(out + "/ckpt-g0.part000"));
    nlohmann::json info;
    const Status s = load_checkpoint(out, *l.net, l.opt, info);
    CHECK(s.message.find("ckpt-g7.part000") != std::string::npos);
    // With the right index back, the checkpoint loads again.
    write_text(out + "/checkpoint.json", good.dump(2) + "\n");
    CHECK(load_checkpoint(out, *l.net, l.opt, info).ok);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("trainer: checkpoint index fields of the wrong JSON type are refused with exit 2 naming the file (issue #24)") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds", out = dir + "/run";
    TrainConfig c = tiny_config(data, out);
    c.steps = 20;
    REQUIRE(run_training(c) == 0);
    nlohmann::json good;
    REQUIRE(read_checkpoint_info(out, good).ok);
    c.steps = 40;
    const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> damage = {
        {"generation", [](nlohmann::json& j) { j["generation"] = "1"; }},
        {"parts[0].bytes", [](nlohmann::json& j) { j["parts"][0]["bytes"] = "12"; }},
        {"parts[0].crc32", [](nlohmann::json& j) { j["parts"][0]["crc32"] = -1; }},
        {"parts[0]", [](nlohmann::json& j) { j["parts"][0] = "ckpt-g0.part000"; }},
        {"parts", [](nlohmann::json& j) { j["parts"] = {{"file", "ckpt-g0.part000"}}; }},
        {"step", [](nlohmann::json& j) { j["step"] = "20"; }},
    };
    for (const auto& [field, edit] : damage) {
        INFO(field);
        nlohmann::json bad = good;
        edit(bad);
        write_text(out + "/checkpoint.json", bad.dump(2) + "\n");
        std::string err;
        CHECK(run_quietly(c, err) == 2);
        INFO(err);
        CHECK(err.find(out + "/checkpoint.json: ") != std::string::npos);
        CHECK(err.find(field) != std::string::npos);
        CHECK(err.find("internal error") == std::string::npos);
    }
    std::system(("rm -rf " + dir).c_str());
}
