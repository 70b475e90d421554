// The learner: the network and its optimizer, with what the exported header says besides the
// architecture. It takes updates, evaluates, exports and restores; it knows nothing of the run's
// position or files.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "batches.h"
#include "exporter.h"
#include "graph_step.h"
#include "hwm_header.h"
#include "nets.h"

namespace hw {

struct EvalResult {
    double nll_per_line = 0, nll_per_point = 0;
    int64_t lines = 0, points = 0;
};

struct Learner {
    HandwritingNet net{nullptr};
    std::unique_ptr<torch::optim::Optimizer> opt;
    std::unique_ptr<GraphStepper> graphs;  // CUDA: forward + backward captured per padded length
    torch::Device device = torch::kCPU;
    ExportInfo info;                       // norm, alphabet, generation cap of the exported model

    // A fresh optimizer: "adam", or "rmsprop" with Graves' settings.
    void reset_optimizer(const std::string& kind, double lr);
    void set_lr(double lr);
    // One update: forward, backward, gradients clipped to norm `clip` (output derivatives to
    // `out_clip` when > 0), optimizer step. Returns the loss per point, or NaN when the loss or the
    // gradient was not finite: then nothing is stepped and the batch counts as skipped.
    double update(const Batch& b, double clip, double out_clip, double& grad_norm);
    // The NLL of `batches` of `lines`, without gradients.
    Status evaluate(const BatchMaker& maker, const std::vector<DataLine>& lines,
                    const std::vector<std::vector<size_t>>& batches, EvalResult& out);
    ModelHeader header() const;
    Status export_image(const nlohmann::json& meta, Precision p, std::vector<uint8_t>& out);
    // Loads weights from a .hwm image of the same architecture (a rollback to best.hwm).
    Status restore(const std::vector<uint8_t>& hwm);
};

}  // namespace hw
