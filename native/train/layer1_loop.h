// Layer 1 and the attention window of the synthesis network over a whole sequence as one autograd
// operation. The step-by-step loop of nets.cpp records about 6 operations per step forward and 20
// backward, each a kernel launch inside the recurrence; this runs two per step each way (the
// recurrent product for the whole batch, then one kernel for the cell and the window: see
// layer1_cuda.cu; plain loops on the CPU) and computes the weight gradients after the loop as a
// few large products over all steps. tests/test_train.cpp holds it to autograd through the loop.
#pragma once
#include <torch/torch.h>

namespace hw {

// LSTMCell's weights (input = [x_t (3), w_{t-1} (V)]) and the window layer's.
struct Layer1Weights {
    torch::Tensor w_ih, w_hh, b_ih, b_hh;  // [4H, 3 + V], [4H, H], [4H], [4H]
    torch::Tensor w_win, b_win;            // [3K, H], [3K]
};

struct Layer1Out {
    torch::Tensor h;  // [T, B, H]
    torch::Tensor w;  // [T, B, V] the window vectors
};

// x [T, B, 3], text [B, U, V] one-hot; float32, contiguous or not. Differentiable in the weights
// (not in x or text, which are data).
Layer1Out layer1_loop(const torch::Tensor& x, const torch::Tensor& text, const Layer1Weights& w, double kappa_scale, bool softplus);

// Whether layer1_loop runs on tensors of this device: always on the CPU, on CUDA when its kernels
// were built.
bool layer1_loop_runs_on(const torch::Device& d);

}  // namespace hw
