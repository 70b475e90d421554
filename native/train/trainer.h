// hw-train train: the LibTorch trainer for the three networks.
#pragma once
#include <string>
#include <vector>

#include "cli_args.h"
#include "model.h"

namespace hw {

struct TrainConfig {
    std::string data;         // dataset built by `hw-train data`
    std::string out_dir;      // checkpoints, metrics.csv, loss.svg, samples/, *.hwm
    std::string init;         // optional .hwm to start from (fine-tuning, continuing)
    bool widen_alphabet = false;  // with init: the alphabet becomes the file's plus the dataset's (exporter.h)
    bool data_norm = false;       // with init: train in the dataset's units, not the file's (units.h)
    std::string rehearse;             // a corpus (.hwds) whose lines join every batch (rehearsal.h)
    double rehearse_share = 0.5;      // of every batch, in [0, 1), with rehearse
    std::vector<std::string> freeze;  // parts that keep their weights (exporter.h: part_names)
    HParams hp;               // architecture (ignored when --init or a checkpoint gives one)
    Variant variant;
    std::string optimizer = "adam";  // adam | rmsprop (Graves: aleph 0.95, beth 0.9, gimel 1e-4, daleth 1e-4)
    double lr = 1e-3;
    int warmup = 0;           // updates over which the learning rate rises linearly to lr (0: none)
    bool tf32 = false;        // CUDA: TF32 matrix products (cuBLAS and cuDNN)
    double diverge_margin = 1.0;  // roll back when the smoothed loss rises this far (nats/point) above its best (0: off)
    int max_rollbacks = 6;
    long debug_corrupt_at = 0;    // tests only: scale the weights up at this step to force a divergence
    uint64_t debug_extra_free_bytes = 0;  // tests only: free space asked of the output folder beyond the run's need
    double clip = 10.0;       // global gradient norm
    double out_clip = 100.0;  // Graves' clipping of the output derivatives (0: off)
    int batch = 128;
    int64_t max_batch_points = 160000;  // padded T*B per batch
    long steps = 10000;       // total updates
    double time_limit = 0;    // seconds for this run (0: none); stops cleanly with a checkpoint
    int eval_every = 500;
    int save_every = 250;
    int sample_every = 1000;
    int valid_lines = 1024;   // validation subset evaluated each time (0: all)
    uint64_t seed = 1;
    std::string precision = "f16";  // of the exported model
    std::string device = "auto";    // auto | cpu | cuda
    bool resume = true;
    bool cuda_graphs = true;        // capture forward + backward per padded length (CUDA only)
    int graph_t_step = 32;          // padded lengths are multiples of this (one graph per length)
    int max_steps_per_char = 60;
    std::vector<std::string> sample_texts;
};

// The learning rate for `batch` lines when `lr` is the one for 128 lines: "none" keeps it, "sqrt"
// scales it by sqrt(batch / 128), "linear" by batch / 128. Returns a negative value for another rule.
double batch_scaled_lr(double lr, int batch, const std::string& rule);

// --lr (the rate at batch 128 under a rule) and --lr-scale of a command line: the rate for `batch`
// lines into `lr` (which holds the default). Fails naming the option.
Status read_scaled_lr(const Args& a, int batch, double& lr);

// The factor of the learning rate at `step` (updates done so far) under a linear warm-up of
// `warmup` updates: (step + 1) / warmup during the warm-up, 1 after it (and without one).
double warmup_factor(long step, int warmup);

// Returns a process exit code (0 ok, 2 bad input, 1 internal failure); prints its own messages.
int run_training(const TrainConfig& cfg);

}  // namespace hw
