// The networks in LibTorch: Graves' synthesis network (section 5), the unconditional prediction
// network (section 4), the clockwork-RNN prediction variant, and the recognizer (a bidirectional
// LSTM over frames of ink with a CTC output). Their maths matches the Eigen core
// (shared/network.cpp, shared/reader.cpp) term for term; tests/test_parity.cpp holds them to it.
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
    // zero rows as padding). Keeps phi/kappa when `diagnostics`. The recognizer: y = read(x) of
    // lines that all have T points.
    NetOutput forward(const torch::Tensor& x, const torch::Tensor& text = {}, bool diagnostics = false);

    // The recognizer: per frame log-probabilities [F, B, V+1] of the lines in x [T, B, 3] (zeros
    // past a line's end), line b `lengths[b]` points long; F = frame_count(T, k). Each line is
    // read as if it were alone (packed sequences); rows past its own frames are log_softmax of
    // the output bias, which the CTC loss never reads.
    torch::Tensor read(const torch::Tensor& x, const std::vector<int64_t>& lengths);

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
    torch::nn::LSTM rnn{nullptr};       // recognizer: L bidirectional layers
    torch::nn::Linear ctc{nullptr};     // recognizer: [V+1, 2H]
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

// The CTC loss of each line [B] (nats; 0 for a line no path can label, as zero_infinity) under
// log_probs [F, B, V+1]: `labels` holds the lines' classes one line after another, line b
// label_lengths[b] long over its first frame_lengths[b] frames.
torch::Tensor ctc_nll(const torch::Tensor& log_probs, const torch::Tensor& labels, const std::vector<int64_t>& frame_lengths,
                      const std::vector<int64_t>& label_lengths, int blank);

// The frames of lines of `points` points each, joined k at a time (frame_count of reader.h).
std::vector<int64_t> frame_lengths(const std::vector<int64_t>& points, int k);

// Points x [T, B, 3] as frames [F, B, 3k]: frame f joins points fk .. fk+k-1 (zeros past T),
// in the order of the core's frames (reader.cpp).
torch::Tensor join_frames(const torch::Tensor& x, int k);

// One-hot text [B, U, V] from alphabet indices (rows past a line's length stay zero).
torch::Tensor one_hot_text(const std::vector<std::vector<int>>& codes, int alphabet);

}  // namespace hw
