// The learner: the network and its optimizer, with what the exported header says besides the
// architecture. It takes updates, evaluates, exports and restores; it knows nothing of the run's
// position or files.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "batches.h"
#include "exporter.h"
#include "flat_adam.h"
#include "graph_step.h"
#include "hwm_header.h"
#include "nets.h"

namespace hw {

struct EvalResult {
    double nll_per_line = 0, nll_per_point = 0;
    int64_t lines = 0, points = 0;
};

// One update as read back from the device: the loss per point (NaN when the batch was skipped
// because the loss or the gradient was not finite) and the gradient norm before clipping.
struct UpdateResult {
    double loss = 0, grad_norm = 0;
};

struct Learner {
    HandwritingNet net{nullptr};
    std::unique_ptr<torch::optim::Optimizer> opt;
    FlatAdam* adam = nullptr;              // opt, when it is Adam (flat buffers, no host reads)
    std::unique_ptr<GraphStepper> graphs;  // CUDA: forward + backward captured per padded length
    torch::Device device = torch::kCPU;
    ExportInfo info;                       // norm, alphabet, generation cap of the exported model

    // Keeps the named parts' weights as they are (exporter.h: part_names): they take no gradient
    // and the optimizer leaves them out. Call before reset_optimizer. `weights` counts them.
    Status freeze(const std::vector<std::string>& parts, int64_t& weights);
    // The parameters that train (all but the frozen ones).
    std::vector<torch::Tensor> trainable() const;
    // A fresh optimizer over the trainable parameters: "adam" (FlatAdam, clipping to `clip`), or
    // "rmsprop" with Graves' settings.
    void reset_optimizer(const std::string& kind, double lr, double clip);
    void set_lr(double lr);
    // The optimizer anew, for a rollback: Adam keeps its buffers (captured graphs read them) and
    // starts its moments afresh.
    void restart_optimizer(const std::string& kind, double lr);
    // One update: forward, backward, gradients clipped to norm `clip` (output derivatives to
    // `out_clip` when > 0), optimizer step; nothing is stepped when the loss or the gradient is
    // not finite. With Adam nothing is read back: the result waits on the device until
    // take_results() (which synchronises), so the next batch is prepared while the GPU works.
    void update(const Batch& b, double clip, double out_clip);
    std::vector<UpdateResult> take_results();
    size_t pending_results() const { return pending_.size(); }
    // The NLL of `batches` of `lines`, without gradients.
    Status evaluate(const BatchMaker& maker, const std::vector<DataLine>& lines,
                    const std::vector<std::vector<size_t>>& batches, EvalResult& out);
    // The NLL of `count` batches, batch i made by batch_at(i, b) (on the host; moved here).
    Status evaluate_each(size_t count, const std::function<Status(size_t, Batch&)>& batch_at, EvalResult& out);
    ModelHeader header() const;
    Status export_image(const nlohmann::json& meta, Precision p, std::vector<uint8_t>& out);
    // Loads weights from a .hwm image of the same architecture (a rollback to best.hwm).
    Status restore(const std::vector<uint8_t>& hwm);

private:
    StepStats eager_gradients(const Batch& b, double out_clip);
    StepStats clip_and_step(const StepStats& s, double clip);  // RMSprop: on the host
    std::vector<torch::Tensor> pending_;  // per update [loss, grad_norm, ok] on the device
};

}  // namespace hw
