// Adam with gradient-norm clipping that never reads a value back to the host. The gradients of
// all parameters are views of one flat buffer, and so are Adam's two moments, so the clipping and
// the moment updates are a few kernels over the whole network; the step count, the learning rate,
// the gradient norm and the "this update was finite" flag live on the device. A CUDA graph can
// therefore hold the whole update (graph_step.h), and the trainer reads the losses back only every
// few updates. The arithmetic is PyTorch's Adam (eps 1e-8, betas 0.9 / 0.999, no weight decay)
// after PyTorch's clip_grad_norm_; tests/test_train.cpp holds it to torch::optim::Adam.
#pragma once
#include <torch/torch.h>

#include <vector>

namespace hw {

// What one update leaves on the device: the loss per point, the gradient norm before clipping,
// and 1 when both were finite and the step was taken (0: the batch was skipped, nothing changed).
struct StepStats {
    torch::Tensor loss, grad_norm, ok;
};

class FlatAdam : public torch::optim::Optimizer {
public:
    FlatAdam(const std::vector<torch::Tensor>& params, double lr, double clip);

    // Gives every parameter a gradient that is a view of the flat buffer (again after anything
    // replaced the gradients) and zeroes it.
    void attach_gradients();
    void zero_gradients() { grad_.zero_(); }
    // Clips, checks and steps from the gradients now in the buffer; `loss` is the batch's loss
    // (a device scalar). Launches kernels only: no host synchronisation, no allocation outside
    // the caching allocator, so it can be captured in a CUDA graph.
    StepStats update(const torch::Tensor& loss);
    // Fresh moments and step count (a rollback); the buffers stay, so captured graphs stay valid.
    void reset_moments();
    void set_learning_rate(double lr);

    // torch::optim::Optimizer: step() updates with the gradients as they are (no loss: finite).
    torch::Tensor step(LossClosure closure = nullptr) override;
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;

private:
    std::vector<torch::Tensor> params_;
    torch::Tensor grad_, m_, v_;        // flat, one element per parameter element
    std::vector<torch::Tensor> views_;  // the gradient views, one per parameter
    torch::Tensor step_, lr_;           // device scalars
    double clip_;
};

}  // namespace hw
