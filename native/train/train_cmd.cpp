// `hw-train train` and `hw-train bench`: argument parsing around the trainer.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "graph_step.h"
#include "hwm_header.h"
#include "learner.h"
#include "nets.h"
#include "trainer.h"

namespace hw {

static const char* kTrainUsage =
    "usage: hw-train train --data D.hwds --out DIR [options]\n"
    "  network:  --kind synthesis|unconditional|clockwork  --layers 3 --hidden 400 --mixtures 20\n"
    "            --window 10 --groups 8 --window-fn exp|softplus --kappa-scale 0.05 --eos-sign 1|-1\n"
    "            --init F.hwm (start from these weights; the architecture comes from the file)\n"
    "  training: --optimizer adam|rmsprop --lr 1e-3 --clip 10 --out-clip 100 --batch 128\n"
    "            --lr-scale none|sqrt|linear (--lr is then the rate at batch 128) --warmup N --tf32\n"
    "            --max-batch-points 160000 --steps 10000 --time-limit SECONDS --seed 1\n"
    "            --device auto|cpu|cuda --no-resume --no-graphs (CUDA: step eagerly)\n"
    "  output:   --eval-every 500 --save-every 250 --sample-every 1000 --valid-lines 1024\n"
    "            --precision f16|int8|f32 --max-steps-per-char 60 --sample-text \"a|b|c\"\n"
    "A run resumes from DIR's checkpoint when there is one (unless --no-resume).\n";

static Status read_network(const Args& a, TrainConfig& c) {
    long long v;
    Status s;
    if (a.has("--kind") && !parse_kind(a.get("--kind"), c.hp.kind)) return Status::error("--kind must be synthesis, unconditional or clockwork");
    struct IntOpt { const char* name; int* dst; long long lo, hi; };
    using L = HParamLimits;  // the bounds the .hwm reader enforces
    for (const IntOpt& o : {IntOpt{"--layers", &c.hp.layers, 1, L::max_layers}, IntOpt{"--hidden", &c.hp.hidden, 1, L::max_hidden},
                            IntOpt{"--mixtures", &c.hp.mixtures, 1, L::max_mixtures}, IntOpt{"--window", &c.hp.window, 1, L::max_window},
                            IntOpt{"--groups", &c.hp.groups, 1, L::max_groups}, IntOpt{"--eos-sign", &c.variant.eos_sign, -1, 1},
                            IntOpt{"--batch", &c.batch, 1, 4096}, IntOpt{"--eval-every", &c.eval_every, 1, 1000000},
                            IntOpt{"--save-every", &c.save_every, 1, 1000000}, IntOpt{"--sample-every", &c.sample_every, 0, 1000000},
                            IntOpt{"--valid-lines", &c.valid_lines, 0, 10000000},
                            IntOpt{"--max-steps-per-char", &c.max_steps_per_char, 1, kMaxStepsPerChar}}) {
        v = *o.dst;
        if (!(s = a.get_int(o.name, o.lo, o.hi, v))) return s;
        *o.dst = static_cast<int>(v);
    }
    if (c.variant.eos_sign == 0) return Status::error("--eos-sign must be 1 or -1");
    if (c.hp.kind == ModelKind::Clockwork && !a.has("--groups")) c.hp.groups = 8;
    if (a.has("--window-fn")) {
        const std::string f = a.get("--window-fn");
        if (f != "exp" && f != "softplus") return Status::error("--window-fn must be exp or softplus");
        c.variant.window_fn = f == "exp" ? WindowFn::Exp : WindowFn::Softplus;
    }
    double k = c.variant.kappa_scale;
    if (!(s = a.get_float("--kappa-scale", 1e-4, 10, k))) return s;
    c.variant.kappa_scale = static_cast<float>(k);
    return Status::success();
}

static Status read_training(const Args& a, TrainConfig& c) {
    Status s;
    long long v = c.steps;
    if (!(s = a.get_int("--steps", 1, 100000000, v))) return s;
    c.steps = static_cast<long>(v);
    v = c.max_batch_points;
    if (!(s = a.get_int("--max-batch-points", 1000, 100000000, v))) return s;
    c.max_batch_points = v;
    v = static_cast<long long>(c.seed);
    if (!(s = a.get_int("--seed", 0, 1LL << 53, v))) return s;
    c.seed = static_cast<uint64_t>(v);
    if (!(s = a.get_float("--lr", 1e-7, 1, c.lr))) return s;
    const std::string rule = a.get("--lr-scale", "none");
    const double scaled = batch_scaled_lr(c.lr, c.batch, rule);
    if (scaled < 0) return Status::error("--lr-scale must be none, sqrt or linear");
    if (scaled > 1) return Status::error("--lr-scale " + rule + " makes the learning rate " + std::to_string(scaled) + " (over 1)");
    c.lr = scaled;
    v = c.warmup;
    if (!(s = a.get_int("--warmup", 0, 1000000, v))) return s;
    c.warmup = static_cast<int>(v);
    c.tf32 = a.has("--tf32");
    if (!(s = a.get_float("--diverge-margin", 0, 1e6, c.diverge_margin))) return s;
    if (a.has("--debug-corrupt-at") && !(s = a.get_int("--debug-corrupt-at", 1, 1LL << 40, v))) return s;
    if (a.has("--debug-corrupt-at")) c.debug_corrupt_at = static_cast<long>(v);
    if (!(s = a.get_float("--clip", 1e-3, 1e6, c.clip))) return s;
    if (!(s = a.get_float("--out-clip", 0, 1e6, c.out_clip))) return s;
    if (!(s = a.get_float("--time-limit", 0, 1e7, c.time_limit))) return s;
    c.optimizer = a.get("--optimizer", c.optimizer);
    if (c.optimizer != "adam" && c.optimizer != "rmsprop") return Status::error("--optimizer must be adam or rmsprop");
    c.precision = a.get("--precision", c.precision);
    if (c.precision != "f32" && c.precision != "f16" && c.precision != "int8") return Status::error("--precision must be f32, f16 or int8");
    c.device = a.get("--device", c.device);
    if (c.device != "auto" && c.device != "cpu" && c.device != "cuda") return Status::error("--device must be auto, cpu or cuda");
    c.resume = !a.has("--no-resume");
    c.cuda_graphs = !a.has("--no-graphs");
    c.init = a.get("--init");
    if (a.has("--sample-text"))
        for (const std::string& t : split_list(a.get("--sample-text"), '|'))
            if (!t.empty()) c.sample_texts.push_back(t);
    return Status::success();
}

int cmd_train(int argc, char** argv) {
    Args a({"--data", "--out", "--init", "--kind", "--layers", "--hidden", "--mixtures", "--window", "--groups", "--window-fn",
            "--kappa-scale", "--eos-sign", "--optimizer", "--lr", "--clip", "--out-clip", "--batch", "--max-batch-points",
            "--steps", "--time-limit", "--eval-every", "--save-every", "--sample-every", "--valid-lines", "--seed",
            "--precision", "--device", "--max-steps-per-char", "--sample-text", "--diverge-margin", "--debug-corrupt-at",
            "--lr-scale", "--warmup"},
           {"--no-resume", "--no-graphs", "--tf32"});
    a.describe(kTrainUsage);
    Status s = a.parse(argc, argv, 2);
    if (!s) { std::fprintf(stderr, "hw-train train: %s\n%s", s.message.c_str(), kTrainUsage); return 2; }
    TrainConfig c;
    c.data = a.get("--data");
    c.out_dir = a.get("--out");
    if (c.data.empty() || c.out_dir.empty()) { std::fprintf(stderr, "hw-train train: --data and --out are required\n%s", kTrainUsage); return 2; }
    if (!(s = read_network(a, c)) || !(s = read_training(a, c))) { std::fprintf(stderr, "hw-train train: %s\n", s.message.c_str()); return 2; }
    return run_training(c);
}

// Updates per second of the synthesis network on random data of a fixed shape: the trainer's
// speed without the data pipeline (make bench). An update is what the trainer does: forward,
// backward, clipping and Adam (FlatAdam), inside the CUDA graph with --graphs; the losses are read
// back once at the end, as the trainer reads them every few updates.
struct BenchShape {
    long long B = 128, T = 400, U = 30, steps = 10, H = 400, L = 3, pad = TrainConfig{}.graph_t_step;
};

static Status read_bench_shape(const Args& a, BenchShape& k) {
    Status s;
    for (auto& [name, dst] : std::vector<std::pair<const char*, long long*>>{{"--batch", &k.B}, {"--points", &k.T}, {"--chars", &k.U},
                                                                             {"--steps", &k.steps}, {"--hidden", &k.H}, {"--layers", &k.L},
                                                                             {"--pad", &k.pad}})
        if (!(s = a.get_int(name, 1, 100000, *dst))) return s;
    return s;
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

// --check: the window step fused (on this device: the CUDA kernels on a GPU) against the reference
// tensor operations, on a small synthesis network: the largest relative differences of the output
// and of the gradients.
static int check_window(const torch::Device& dev) {
    HParams hp;
    hp.layers = 2;
    hp.hidden = 32;
    hp.window = 10;
    hp.alphabet = 20;
    std::vector<double> diffs;
    std::vector<torch::Tensor> ref_grads;
    torch::Tensor ref_y;
    for (bool fused : {false, true}) {
        torch::manual_seed(5);
        HandwritingNet net(hp, Variant{});
        net->fused_window = fused;
        net->to(dev);
        const torch::Tensor x = torch::randn({40, 8, 3}).to(dev), tgt = torch::randn({40, 8, 3}).to(dev);
        std::vector<std::vector<int>> codes;
        for (int b = 0; b < 8; ++b) codes.push_back(std::vector<int>(static_cast<size_t>(5 + 3 * b), b % 20));
        const NetOutput out = net->forward(x, one_hot_text(codes, hp.alphabet).to(dev));
        mdn_nll(out.y, tgt, hp.mixtures, 1).sum().backward();
        if (!fused) {
            ref_y = out.y.detach();
            for (const auto& p : net->parameters()) ref_grads.push_back(p.grad().clone());
            continue;
        }
        diffs.push_back(((out.y - ref_y).abs() / (1 + ref_y.abs())).max().item<double>());
        size_t i = 0;
        for (const auto& p : net->parameters())
            diffs.push_back(((p.grad() - ref_grads[i]).abs() / (1 + ref_grads[i].abs())).max().item<double>()), ++i;
    }
    const double worst = *std::max_element(diffs.begin() + 1, diffs.end());
    nlohmann::json j = {{"check", "window step fused vs reference"}, {"device", dev.is_cuda() ? "cuda" : "cpu"},
                        {"cuda_kernels", window_step_has_cuda()}, {"max_rel_diff_output", diffs[0]}, {"max_rel_diff_gradients", worst}};
    std::printf("%s\n", j.dump().c_str());
    return diffs[0] < 1e-4 && worst < 1e-3 ? 0 : 1;
}

int cmd_bench(int argc, char** argv) {
    Args a({"--batch", "--points", "--chars", "--steps", "--hidden", "--layers", "--device", "--pad"},
           {"--graphs", "--check", "--tf32", "--reference-window"});
    a.describe("hw-train bench: updates per second of the synthesis network on random data (one JSON line)\n"
               "  [--batch B] [--points T] [--chars U] [--steps N] [--hidden H] [--layers L] [--device auto|cpu|cuda] [--graphs]\n"
               "  [--pad P] (CUDA graphs: lengths padded to a multiple of P, as the trainer pads them)\n"
               "  [--tf32] (TF32 matrix products)  [--reference-window] (the window step as tensor operations)\n"
               "  [--check] (instead: the fused window step against the reference operations on this device)");
    BenchShape k;
    Status s = a.parse(argc, argv, 2);
    if (!s || !(s = read_bench_shape(a, k))) { std::fprintf(stderr, "hw-train bench: %s\n", s.message.c_str()); return 2; }
    const bool cuda = torch::cuda::is_available() && a.get("--device", "auto") != "cpu";
    const torch::Device dev = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    if (a.has("--check")) return check_window(dev);
    at::globalContext().setAllowTF32CuBLAS(a.has("--tf32"));
    at::globalContext().setAllowTF32CuDNN(a.has("--tf32"));
    HParams hp;
    hp.layers = static_cast<int>(k.L);
    hp.hidden = static_cast<int>(k.H);
    hp.alphabet = 80;
    Learner l;
    l.device = dev;
    l.net = HandwritingNet(hp, Variant{});
    l.net->fused_window = !a.has("--reference-window");
    l.net->to(dev);
    l.reset_optimizer("adam", 1e-3, 10.0);
    if (cuda && a.has("--graphs") && GraphStepper::available())
        l.graphs = std::make_unique<GraphStepper>(l.net, static_cast<int>(k.B), k.pad, k.U, 100.0, l.adam);
    const Batch batch = random_batch(k, hp.alphabet, dev);
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
                        {"last_loss", results.empty() ? 0.0 : results.back().loss}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

}  // namespace hw
