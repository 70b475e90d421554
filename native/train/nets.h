// The three networks in LibTorch: Graves' synthesis network (section 5), the unconditional
// prediction network (section 4) and the clockwork-RNN prediction variant. Their maths matches the
// Eigen core (shared/network.cpp) term for term; tests/test_parity.cpp holds them to it.
#pragma once
#include <torch/torch.h>

#include "model.h"
#include "window_step.h"

namespace hw {

struct NetOutput {
    torch::Tensor y;      // [T, B, 6M+1] raw MDN output
    torch::Tensor phi;    // [T, B, U+1] window weights (synthesis, when asked for)
    torch::Tensor kappa;  // [T, B, K] window positions (synthesis, when asked for)
};

// The state carried from one call to the next (sampling, truncated sequences).
struct NetState {
    std::vector<torch::Tensor> h, c;
    torch::Tensor kappa, w;
    int64_t step = 0;
};

class HandwritingNetImpl : public torch::nn::Module {
public:
    HandwritingNetImpl(const HParams& hp, const Variant& v);

    // x: [T, B, 3] inputs (normalised offsets, pen); text: [B, U, V] one-hot (synthesis only,
    // zero rows as padding). Keeps phi/kappa when `diagnostics`.
    NetOutput forward(const torch::Tensor& x, const torch::Tensor& text = {}, bool diagnostics = false);

    const HParams& hparams() const { return hp_; }
    const Variant& variant() const { return variant_; }

    // Layers 2..L (synthesis) or all layers (unconditional) run over whole sequences as cuDNN LSTMs.
    torch::nn::LSTMCell cell1{nullptr};
    torch::nn::Linear window{nullptr};
    std::vector<torch::nn::LSTM> lstm;  // synthesis: layers 2..L; unconditional: 1..L
    torch::nn::Linear cw_ih{nullptr};   // clockwork [N, 3], no bias
    torch::Tensor cw_hh, cw_b;          // clockwork [N, N], [N]
    torch::Tensor cw_mask;              // [N, N] block upper-triangular mask (buffer)
    torch::nn::Linear mdn{nullptr};
    // The window step as one operation (window_step.h); false: the reference tensor operations.
    bool fused_window = true;
    // With the fused window, layer 1 and the window over the whole sequence as one operation
    // (layer1_loop.h) where it runs; false: step by step through autograd.
    bool fused_loop = true;

private:
    NetOutput forward_synthesis(const torch::Tensor& x, const torch::Tensor& text, bool diagnostics);
    NetOutput upper_layers(const torch::Tensor& x, const torch::Tensor& H1, const torch::Tensor& W);
    NetOutput forward_unconditional(const torch::Tensor& x);
    NetOutput forward_clockwork(const torch::Tensor& x);
    torch::Tensor window_fn(const torch::Tensor& v) const;
    WindowOut window_reference(const torch::Tensor& praw, const torch::Tensor& kappa_prev, const torch::Tensor& text,
                               const torch::Tensor& u) const;

    HParams hp_;
    Variant variant_;
};
TORCH_MODULE(HandwritingNet);

// The negative log-likelihood of targets [T, B, 3] under y [T, B, 6M+1] (Graves eq. 26), per
// step: [T, B]. The mixture split is MdnLayout's, as in the core.
torch::Tensor mdn_nll(const torch::Tensor& y, const torch::Tensor& target, int mixtures, int eos_sign);

// One-hot text [B, U, V] from alphabet indices (rows past a line's length stay zero).
torch::Tensor one_hot_text(const std::vector<std::vector<int>>& codes, int alphabet);

}  // namespace hw
