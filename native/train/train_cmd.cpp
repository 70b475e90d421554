// `hw-train train`: argument parsing around the trainer (bench_cmd.cpp holds `hw-train bench`).
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
    "            --widen-alphabet (with --init: add the dataset's characters the file lacks, each\n"
    "            starting from its base letter's weights: é from e)\n"
    "            --data-norm (with --init: train in the dataset's own units; by default its lines\n"
    "            are brought to the file's: scaled, paced and normalised like priming ink)\n"
    "            --freeze PART,PART (keep these parts' weights: layer1..layerN, window, mdn, clockwork)\n"
    "            --rehearse CORPUS.hwds --rehearse-share 0.5 (that share of every batch is the\n"
    "            corpus's lines, in the run's units; validation stays the dataset's)\n"
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

// --freeze a,b,c: the parts to keep as they are ("none": nothing). Whether the network has them is
// checked when it is built (exporter.h: parameters_of_parts).
static Status read_freeze(const Args& a, TrainConfig& c) {
    if (!a.has("--freeze")) return Status::success();
    c.freeze.clear();
    const std::string v = a.get("--freeze");
    if (v == "none") return Status::success();
    for (const std::string& part : split_list(v, ',')) {
        if (part.empty()) return Status::error("--freeze: an empty part name in \"" + v + "\" (give names like window,layer1, or none)");
        if (std::find(c.freeze.begin(), c.freeze.end(), part) == c.freeze.end()) c.freeze.push_back(part);
    }
    return Status::success();
}

// --rehearse CORPUS.hwds --rehearse-share F: F of every batch from the corpus, F in [0, 1).
static Status read_rehearsal(const Args& a, TrainConfig& c) {
    if (a.has("--rehearse")) c.rehearse = a.get("--rehearse");
    if (a.has("--rehearse-share") && c.rehearse.empty()) return Status::error("--rehearse-share needs --rehearse CORPUS.hwds");
    double share = c.rehearse_share;
    Status s = a.get_float("--rehearse-share", 0, 1, share);
    if (!s || share >= 1)
        return Status::error("--rehearse-share must be a number at least 0 and below 1 (the corpus's share of every batch), not \"" +
                             a.get("--rehearse-share") + "\"");
    c.rehearse_share = share;
    return s;
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
    if (!(s = read_scaled_lr(a, c.batch, c.lr))) return s;
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
    c.widen_alphabet = a.has("--widen-alphabet");
    if (!(s = read_freeze(a, c)) || !(s = read_rehearsal(a, c))) return s;
    c.data_norm = a.has("--data-norm");
    if (c.data_norm && c.init.empty()) return Status::error("--data-norm needs --init");
    if (c.widen_alphabet && c.init.empty()) return Status::error("--widen-alphabet needs --init");
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
            "--lr-scale", "--warmup", "--freeze", "--rehearse", "--rehearse-share"},
           {"--no-resume", "--no-graphs", "--tf32", "--widen-alphabet", "--data-norm"});
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

}  // namespace hw
