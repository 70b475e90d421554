// Forward + backward of one training batch captured as a CUDA graph per padded sequence length.
// The layer-1 + window loop launches ~50 small kernels per time step; eagerly, the CPU-side cost
// of launching them (not the GPU) bounds the trainer. A replayed graph launches them all at once.
#pragma once
#include <map>
#include <memory>

#include "batches.h"
#include "nets.h"

namespace hw {

class GraphStepper {
public:
    // Batches are padded to `batch` lines, a multiple of `t_step` points and `chars` characters.
    GraphStepper(HandwritingNet net, int batch, int64_t t_step, int64_t chars, double out_clip);
    ~GraphStepper();
    static bool available();  // built with CUDA graph support and a CUDA device present

    // Runs forward and backward; the gradients are left in the parameters' .grad. Returns the
    // loss per point (a device scalar).
    torch::Tensor step(const Batch& b);
    int64_t padded_length(int64_t T) const { return (T + t_step_ - 1) / t_step_ * t_step_; }
    size_t graphs() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int64_t t_step_;
};

}  // namespace hw
