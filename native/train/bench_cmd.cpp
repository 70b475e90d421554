// `hw-train bench`: the trainer's speed on random data of a fixed shape (make bench, the GPU
// benchmark), the fused window step and layer-1 loop checked against the reference operations (--check), and the
// quality after equal updates on a dataset's own batches (--data, beside bench/train_reference.py).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include "cli_args.h"
#include "dataset.h"
#include "exit_codes.h"
#include "files.h"
#include "graph_step.h"
#include "layer1_loop.h"
#include "learner.h"
#include "nets.h"
#include "trainer.h"

namespace hw {

static const Fail kFail{"hw-train bench"};

// Updates per second of the synthesis network on random data of a fixed shape: the trainer's
// speed without the data pipeline (make bench). An update is what the trainer does: forward,
// backward, clipping and Adam (FlatAdam), inside the CUDA graph with --graphs; the losses are read
// back once at the end, as the trainer reads them every few updates.
struct BenchShape {
    long long B = 128, T = 400, U = 30, steps = 10, H = 400, L = 3, pad = TrainConfig{}.graph_t_step;
    double lr = 1e-3;          // Adam's rate after --lr-scale (the trainer's rule)
    long long warmup = 0;      // --data: updates of linear warm-up (the trainer's rule)
    long long eval_every = 0;  // --data: also the validation NLL every this many updates
};

static Status read_bench_shape(const Args& a, BenchShape& k) {
    Status s;
    for (auto& [name, dst] : std::vector<std::pair<const char*, long long*>>{{"--batch", &k.B}, {"--points", &k.T}, {"--chars", &k.U},
                                                                             {"--steps", &k.steps}, {"--hidden", &k.H}, {"--layers", &k.L},
                                                                             {"--pad", &k.pad}})
        if (!(s = a.get_int(name, 1, 100000, *dst))) return s;
    if (!(s = a.get_int("--warmup", 0, 1000000, k.warmup)) || !(s = a.get_int("--eval-every", 0, 1000000, k.eval_every))) return s;
    return read_scaled_lr(a, static_cast<int>(k.B), k.lr);
}

static Batch random_batch(const BenchShape& k, int alphabet, const torch::Device& dev) {
    Batch b;
    b.x = torch::randn({k.T, k.B, 3}, dev);
    b.target = torch::randn({k.T, k.B, 3}, dev);
    b.mask = torch::ones({k.T, k.B}, dev);
    std::vector<std::vector<int>> codes(static_cast<size_t>(k.B), std::vector<int>(static_cast<size_t>(k.U), 5));
    b.text = one_hot_text(codes, alphabet).to(dev);
    b.points = k.T * k.B;
    b.lines = k.B;
    return b;
}

// The trainer's learner for a benchmark: a synthesis network of the bench's shape, FlatAdam
// (lr 1e-3, clip 10), and with --graphs on CUDA the graph step for texts of up to `chars`.
static void start_learner(Learner& l, const Args& a, const BenchShape& k, int alphabet, int64_t chars, const torch::Device& dev) {
    HParams hp;
    hp.layers = static_cast<int>(k.L);
    hp.hidden = static_cast<int>(k.H);
    hp.alphabet = alphabet;
    l.device = dev;
    l.net = HandwritingNet(hp, Variant{});
    l.net->fused_window = !a.has("--reference-window");
    l.net->fused_loop = !a.has("--step-loop");
    l.net->to(dev);
    l.reset_optimizer("adam", k.lr, 10.0);
    if (dev.is_cuda() && a.has("--graphs") && GraphStepper::available())
        l.graphs = std::make_unique<GraphStepper>(l.net, static_cast<int>(k.B), k.pad, chars, 100.0, l.adam);
}

// --check: the window step fused, and layer 1 with the window as one operation (on this device:
// the CUDA kernels on a GPU), each against the reference tensor operations step by step, on a
// small synthesis network (300 units: more than a block's threads): the largest relative
// differences of the output and of the gradients.
struct CheckRun {
    torch::Tensor y;
    std::vector<torch::Tensor> grads;
};

static CheckRun check_run(const torch::Device& dev, bool fused_window, bool fused_loop) {
    HParams hp;
    hp.layers = 2;
    hp.hidden = 300;
    hp.window = 10;
    hp.alphabet = 20;
    torch::manual_seed(5);
    HandwritingNet net(hp, Variant{});
    net->fused_window = fused_window;
    net->fused_loop = fused_loop;
    net->to(dev);
    const torch::Tensor x = torch::randn({40, 8, 3}).to(dev), tgt = torch::randn({40, 8, 3}).to(dev);
    std::vector<std::vector<int>> codes;
    for (int b = 0; b < 8; ++b) codes.push_back(std::vector<int>(static_cast<size_t>(5 + 3 * b), b % 20));
    const NetOutput out = net->forward(x, one_hot_text(codes, hp.alphabet).to(dev));
    mdn_nll(out.y, tgt, hp.mixtures, 1).sum().backward();
    CheckRun r{out.y.detach(), {}};
    for (const auto& p : net->parameters()) r.grads.push_back(p.grad().clone());
    return r;
}

static double rel_diff(const torch::Tensor& a, const torch::Tensor& b) { return ((a - b).abs() / (1 + b.abs())).max().item<double>(); }

static int check_window(const torch::Device& dev) {
    const CheckRun ref = check_run(dev, false, false);
    bool ok = true;
    for (const auto& [name, loop] : {std::pair{"window step fused vs reference", false}, {"layer 1 loop fused vs reference", true}}) {
        const CheckRun run = check_run(dev, true, loop);
        double worst = 0;
        for (size_t i = 0; i < ref.grads.size(); ++i) worst = std::max(worst, rel_diff(run.grads[i], ref.grads[i]));
        const double dy = rel_diff(run.y, ref.y);
        nlohmann::json j = {{"check", name}, {"device", dev.is_cuda() ? "cuda" : "cpu"}, {"cuda_kernels", window_step_has_cuda()},
                            {"max_rel_diff_output", dy}, {"max_rel_diff_gradients", worst}};
        std::printf("%s\n", j.dump().c_str());
        ok = ok && dy < 1e-4 && worst < 1e-3;
    }
    return ok ? 0 : 1;
}

// ---- --data: quality after equal updates --------------------------------------------------

// The batches of a data run: the first `steps` of the training lines' batches in a fixed shuffled
// order (cycled when there are fewer), and the validation batches of the first `valid_lines`.
struct DataBatches {
    std::vector<Batch> train, valid;
    int alphabet = 0;
};

static Status make_data_batches(const Dataset& d, const BenchShape& k, long long valid_lines, DataBatches& out) {
    BatchMaker maker;
    maker.data = &d;
    maker.alphabet = d.alphabet;
    auto order = bucket_batches(d.train, static_cast<size_t>(k.B), k.B * 1563);  // 200,000 points at B = 128, as tools/gpu_train.sh trains
    if (order.empty()) return Status::error("the dataset has no training lines");
    std::mt19937_64 g(1);
    std::shuffle(order.begin(), order.end(), g);
    Status s;
    for (long long i = 0; i < k.steps && s; ++i) {
        out.train.emplace_back();
        s = maker.make(d.train, order[static_cast<size_t>(i) % order.size()], out.train.back());
    }
    const auto& valid = d.valid.empty() ? d.train : d.valid;
    for (const auto& idx : bucket_batches(valid, 256, 400000, std::min<size_t>(valid.size(), static_cast<size_t>(valid_lines)))) {
        if (!s) break;
        out.valid.emplace_back();
        s = maker.make(valid, idx, out.valid.back());
    }
    out.alphabet = static_cast<int>(d.alphabet.size());
    return s;
}

// One-hot text [B, U, V] back to codes [B, U], -1 where a line has no character.
static torch::Tensor text_to_codes(const torch::Tensor& text) {
    return torch::where(text.sum(2) > 0, text.argmax(2), torch::full_like(text.argmax(2), -1));
}

// The batches as torch.save-compatible pickles (torch::pickle_save): a dict of lists of tensors
// that bench/train_reference.py --batches reads with torch.load.
static Status export_batches(const DataBatches& db, const std::string& path) {
    c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.insert("alphabet", static_cast<int64_t>(db.alphabet));
    for (const auto& [name, list] : {std::make_pair(std::string("train"), &db.train), std::make_pair(std::string("valid"), &db.valid)}) {
        c10::List<at::Tensor> x, target, mask, codes;
        for (const Batch& b : *list) x.push_back(b.x), target.push_back(b.target), mask.push_back(b.mask), codes.push_back(text_to_codes(b.text));
        out.insert(name + "_x", x), out.insert(name + "_target", target), out.insert(name + "_mask", mask), out.insert(name + "_codes", codes);
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(out));
    return write_file_atomic(path, bytes.data(), bytes.size());
}

static int bench_on_data(const Args& a, const BenchShape& k, const torch::Device& dev) {
    Dataset d;
    DataBatches db;
    long long valid_lines = 1024;
    Status s = a.get_int("--valid-lines", 1, 10000000, valid_lines);
    if (s) s = load_dataset(a.get("--data"), d);
    if (s) keep_writable_lines(d.train, d.alphabet), keep_writable_lines(d.valid, d.alphabet);
    if (s) s = make_data_batches(d, k, valid_lines, db);
    if (s && a.has("--export")) s = export_batches(db, a.get("--export"));
    if (!s) return kFail(kExitBadInput, s.message);
    int64_t chars = 1;
    for (const Batch& b : db.train) chars = std::max<int64_t>(chars, b.text.size(1));
    Learner l;
    torch::manual_seed(1);
    start_learner(l, a, k, db.alphabet, chars, dev);
    double train_s = 0;
    nlohmann::json curve = nlohmann::json::array();
    EvalResult e;
    std::vector<UpdateResult> results;
    for (long long done = 0; done < k.steps && s;) {
        const long long until = k.eval_every > 0 ? std::min(k.steps, done + k.eval_every) : k.steps;
        const auto t0 = std::chrono::steady_clock::now();
        for (; done < until; ++done) {
            if (k.warmup > 0) l.set_lr(k.lr * warmup_factor(static_cast<long>(done), static_cast<int>(k.warmup)));
            l.update(db.train[static_cast<size_t>(done)].to(dev), 10.0, 100.0);
        }
        for (const UpdateResult& r : l.take_results()) results.push_back(r);
        train_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        s = l.evaluate_each(db.valid.size(), [&](size_t i, Batch& b) { b = db.valid[i]; return Status::success(); }, e);
        curve.push_back({{"updates", done}, {"valid_nll_per_point", e.nll_per_point}, {"train_s", train_s}});
    }
    if (!s) return kFail(kExitInternal, s.message);
    const auto skipped = std::count_if(results.begin(), results.end(), [](const UpdateResult& r) { return !std::isfinite(r.loss); });
    nlohmann::json j = {{"device", dev.is_cuda() ? "cuda" : "cpu"}, {"data", a.get("--data")}, {"batch", k.B}, {"updates", k.steps},
                        {"lr", k.lr}, {"warmup", k.warmup}, {"tf32", a.has("--tf32")}, {"graphs", l.graphs != nullptr},
                        {"s_per_update", train_s / static_cast<double>(k.steps)}, {"skipped_updates", skipped},
                        {"last_loss", results.empty() ? 0.0 : results.back().loss}, {"valid_lines", e.lines},
                        {"valid_nll_per_point", e.nll_per_point}, {"curve", curve}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

int cmd_bench(int argc, char** argv) {
    Args a({"--batch", "--points", "--chars", "--steps", "--hidden", "--layers", "--device", "--pad", "--data", "--valid-lines", "--export",
            "--lr", "--lr-scale", "--warmup", "--eval-every"},
           {"--graphs", "--check", "--tf32", "--reference-window", "--step-loop"});
    a.describe("hw-train bench: updates per second of the synthesis network on random data (one JSON line)\n"
               "  [--batch B] [--points T] [--chars U] [--steps N] [--hidden H] [--layers L] [--device auto|cpu|cuda] [--graphs]\n"
               "  [--pad P] (CUDA graphs: lengths padded to a multiple of P, as the trainer pads them)\n"
               "  [--tf32] (TF32 matrix products)  [--reference-window] (layer 1 step by step, the window step as tensor operations)\n"
               "  [--step-loop] (layer 1 step by step with the fused window step, not layer1_loop.h's one operation)\n"
               "  [--check] (instead: the fused window step and layer-1 loop against the reference operations on this device)\n"
               "  [--data D.hwds [--valid-lines 1024] [--export F.pt]] (instead of random data: --steps updates on the\n"
               "  dataset's batches, then the validation NLL; --export writes those batches for bench/train_reference.py)\n"
               "  [--lr R] [--lr-scale none|sqrt|linear] [--warmup N] (as hw-train train)  [--eval-every N] (--data: a curve)");
    BenchShape k;
    Status s = a.parse(argc, argv, 2);
    if (!s || !(s = read_bench_shape(a, k))) return kFail(kExitBadInput, s.message);
    const bool cuda = torch::cuda::is_available() && a.get("--device", "auto") != "cpu";
    const torch::Device dev = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    if (a.has("--check")) return check_window(dev);
    // Both off unless --tf32 (the measured rows of bench/results-gpu.json), so "TF32" is one switch.
    at::globalContext().setAllowTF32CuBLAS(a.has("--tf32"));
    at::globalContext().setAllowTF32CuDNN(a.has("--tf32"));
    if (a.has("--data")) return bench_on_data(a, k, dev);
    const int alphabet = 80;
    Learner l;
    start_learner(l, a, k, alphabet, k.U, dev);
    const Batch batch = random_batch(k, alphabet, dev);
    l.update(batch, 10.0, 100.0);  // warm-up: cuDNN plans, allocator, the graph's capture
    l.take_results();
    const auto t0 = std::chrono::steady_clock::now();
    for (long long i = 0; i < k.steps; ++i) l.update(batch, 10.0, 100.0);
    const auto results = l.take_results();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long long padded = l.graphs ? l.graphs->padded_length(k.T) : k.T;
    nlohmann::json j = {{"device", cuda ? "cuda" : "cpu"}, {"batch", k.B}, {"points", k.T}, {"padded_points", padded}, {"chars", k.U},
                        {"hidden", k.H}, {"layers", k.L}, {"graphs", l.graphs != nullptr}, {"updates_per_s", k.steps / dt},
                        {"points_per_s", k.steps * k.B * k.T / dt}, {"s_per_update", dt / k.steps},
                        {"tf32", a.has("--tf32")}, {"fused_window", l.net->fused_window && (!cuda || window_step_has_cuda())},
                        {"fused_loop", l.net->fused_window && l.net->fused_loop && layer1_loop_runs_on(dev)},
                        {"last_loss", results.empty() ? 0.0 : results.back().loss}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

}  // namespace hw
