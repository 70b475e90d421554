// One step of the synthesis network's attention window as a single autograd operation: from the
// window layer's output and the last positions, the new positions kappa, the weights phi over the
// text and the window vector w. The reference (nets.cpp, window_reference) takes about a dozen
// tensor operations per time step forward and twice that backward, each a kernel launch inside
// the step-by-step loop; this takes one kernel each way on CUDA (window_cuda.cu) and plain loops on
// the CPU, both through window_math.h. tests/test_train.cpp holds it to the reference.
#pragma once
#include <torch/torch.h>

namespace hw {

struct WindowOut {
    torch::Tensor w;      // [B, V]
    torch::Tensor kappa;  // [B, K]
    torch::Tensor phi;    // [B, U + 1]
};

// praw [B, 3K] (alpha, beta, kappa increments before exp / softplus), kappa_prev [B, K],
// text [B, U, V] one-hot; float32. Differentiable in praw and kappa_prev.
WindowOut window_step(const torch::Tensor& praw, const torch::Tensor& kappa_prev, const torch::Tensor& text, double kappa_scale,
                      bool softplus);

// Whether the CUDA kernels were built (else CUDA tensors take the CPU loops' arithmetic via the
// reference operations; see nets.cpp).
bool window_step_has_cuda();

}  // namespace hw
