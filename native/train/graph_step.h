// Forward + backward of one training batch, and with Adam the update too (flat_adam.h), captured
// as a CUDA graph per padded sequence length. The layer-1 + window loop launches many small
// kernels per time step; eagerly, the CPU-side cost of launching them (not the GPU) bounds the
// trainer. A replayed graph launches them all at once, and reads nothing back.
#pragma once
#include <map>
#include <memory>

#include "batches.h"
#include "flat_adam.h"
#include "nets.h"

namespace hw {

class GraphStepper {
public:
    // Batches are padded to `batch` lines, a multiple of `t_step` points and `chars` characters.
    // With `adam` the graph ends with its update (clipping, finite check, step); without, the
    // gradients are left for the caller's optimizer.
    GraphStepper(HandwritingNet net, int batch, int64_t t_step, int64_t chars, double out_clip, FlatAdam* adam);
    ~GraphStepper();
    static bool available();  // built with CUDA graph support and a CUDA device present

    // Runs forward, backward (and the update, with Adam). Returns the loss per point (and, with
    // Adam, the gradient norm and the finite flag) as device scalars valid until the next step.
    StepStats step(const Batch& b);
    int64_t padded_length(int64_t T) const { return (T + t_step_ - 1) / t_step_ * t_step_; }
    size_t graphs() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int64_t t_step_;
};

}  // namespace hw
