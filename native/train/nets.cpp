#include "nets.h"

#include <cmath>

#include "layer1_loop.h"
#include "reader.h"

namespace hw {

namespace nn = torch::nn;
using torch::Tensor;

HandwritingNetImpl::HandwritingNetImpl(const HParams& hp, const Variant& v) : hp_(hp), variant_(v) {
    const int H = hp.hidden;
    switch (hp.kind) {
        case ModelKind::Synthesis:
            cell1 = register_module("cell1", nn::LSTMCell(synthesis_layer_input(hp, 1), H));
            window = register_module("window", nn::Linear(H, 3 * hp.window));
            for (int l = 2; l <= hp.layers; ++l)
                lstm.push_back(register_module("lstm" + std::to_string(l), nn::LSTM(nn::LSTMOptions(synthesis_layer_input(hp, l), H))));
            break;
        case ModelKind::Unconditional:
            for (int l = 1; l <= hp.layers; ++l)
                lstm.push_back(register_module("lstm" + std::to_string(l), nn::LSTM(nn::LSTMOptions(unconditional_layer_input(hp, l), H))));
            break;
        case ModelKind::Clockwork: {
            cw_ih = register_module("cw_ih", nn::Linear(nn::LinearOptions(kPointDim, H).bias(false)));
            const double bound = 1.0 / std::sqrt(static_cast<double>(H));
            cw_hh = register_parameter("cw_hh", torch::empty({H, H}).uniform_(-bound, bound));
            cw_b = register_parameter("cw_b", torch::zeros({H}));
            const int size = H / hp.groups;
            Tensor mask = torch::zeros({H, H});
            for (int g = 0; g < hp.groups; ++g) mask.slice(0, g * size, (g + 1) * size).slice(1, g * size, H).fill_(1.0);
            cw_mask = register_buffer("cw_mask", mask);
            break;
        }
        case ModelKind::Recognizer:
            rnn = register_module("rnn", nn::LSTM(nn::LSTMOptions(recognizer_layer_input(hp, 1), H).num_layers(hp.layers).bidirectional(true)));
            ctc = register_module("ctc", nn::Linear(output_input_width(hp), ctc_classes(hp)));
            return;
    }
    mdn = register_module("mdn", nn::Linear(output_input_width(hp), MdnLayout(hp.mixtures).size()));
}

Tensor HandwritingNetImpl::window_fn(const Tensor& v) const {
    return variant_.window_fn == WindowFn::Exp ? torch::exp(v) : torch::nn::functional::softplus(v);
}

NetOutput HandwritingNetImpl::forward(const Tensor& x, const Tensor& text, bool diagnostics) {
    switch (hp_.kind) {
        case ModelKind::Synthesis: return forward_synthesis(x, text, diagnostics);
        case ModelKind::Unconditional: return forward_unconditional(x);
        case ModelKind::Clockwork: return forward_clockwork(x);
        case ModelKind::Recognizer: {
            NetOutput out;
            out.y = read(x, std::vector<int64_t>(static_cast<size_t>(x.size(1)), x.size(0)));
            return out;
        }
    }
    return {};
}

Tensor HandwritingNetImpl::read(const Tensor& x, const std::vector<int64_t>& lengths) {
    const int k = hp_.subsample;
    const Tensor f = join_frames(x, k);
    namespace rnn_utils = torch::nn::utils::rnn;
    const rnn_utils::PackedSequence in = rnn_utils::pack_padded_sequence(f, torch::tensor(frame_lengths(lengths, k)), false, false);
    const rnn_utils::PackedSequence h = std::get<0>(rnn->forward_with_packed_input(in));
    const Tensor padded = std::get<0>(rnn_utils::pad_packed_sequence(h, false, 0.0, f.size(0)));
    return torch::log_softmax(ctc(padded), 2);
}

// Layer 1 and the window (each step depends on the last window): as one operation over the
// sequence (layer1_loop.h) where it runs and no diagnostics are asked for, else step by step; the
// layers above run over the whole sequence at once.
NetOutput HandwritingNetImpl::forward_synthesis(const Tensor& x, const Tensor& text, bool diagnostics) {
    const bool fused = fused_window && (!x.is_cuda() || window_step_has_cuda());
    if (fused && fused_loop && !diagnostics && layer1_loop_runs_on(x.device())) {
        const Layer1Out o = layer1_loop(x, text, {cell1->weight_ih, cell1->weight_hh, cell1->bias_ih, cell1->bias_hh, window->weight, window->bias},
                                        variant_.kappa_scale, variant_.window_fn == WindowFn::Softplus);
        return upper_layers(x, o.h, o.w);
    }
    const int64_t T = x.size(0), B = x.size(1), U = text.size(1);
    auto opts = x.options();
    Tensor h = torch::zeros({B, hp_.hidden}, opts), c = torch::zeros({B, hp_.hidden}, opts);
    Tensor kappa = torch::zeros({B, hp_.window}, opts), w = torch::zeros({B, hp_.alphabet}, opts);
    const Tensor u = torch::arange(U + 1, opts).view({1, 1, U + 1});  // [1, 1, U+1]
    std::vector<Tensor> hs, ws, phis, kappas;
    for (int64_t t = 0; t < T; ++t) {
        std::tie(h, c) = cell1(torch::cat({x[t], w}, 1), std::make_tuple(h, c));
        const WindowOut o = fused ? window_step(window(h), kappa, text, variant_.kappa_scale, variant_.window_fn == WindowFn::Softplus)
                                  : window_reference(window(h), kappa, text, u);
        Tensor phi;
        std::tie(w, kappa, phi) = std::make_tuple(o.w, o.kappa, o.phi);
        hs.push_back(h);
        ws.push_back(w);
        if (diagnostics) {
            phis.push_back(phi);
            kappas.push_back(kappa);
        }
    }
    NetOutput out = upper_layers(x, torch::stack(hs), torch::stack(ws));
    if (diagnostics) {
        out.phi = torch::stack(phis);
        out.kappa = torch::stack(kappas);
    }
    return out;
}

// Layers 2..L over the whole sequence (each takes the points, the layer below and the window
// vectors), then the mixture from every layer: from H1 [T, B, H] and W [T, B, V].
NetOutput HandwritingNetImpl::upper_layers(const Tensor& x, const Tensor& H1, const Tensor& W) {
    std::vector<Tensor> layers = {H1};
    for (auto& l : lstm) layers.push_back(std::get<0>(l(torch::cat({x, layers.back(), W}, 2))));
    NetOutput out;
    out.y = mdn(torch::cat(layers, 2));
    return out;
}

// The window step in tensor operations (window_step.h computes the same in one operation).
WindowOut HandwritingNetImpl::window_reference(const Tensor& praw, const Tensor& kappa_prev, const Tensor& text, const Tensor& u) const {
    const int64_t K = hp_.window, U = text.size(1);
    const Tensor p = window_fn(praw);  // [B, 3K]
    const Tensor alpha = p.slice(1, 0, K).unsqueeze(2), beta = p.slice(1, K, 2 * K).unsqueeze(2);
    WindowOut o;
    o.kappa = kappa_prev + variant_.kappa_scale * p.slice(1, 2 * K, 3 * K);
    o.phi = (alpha * torch::exp(-beta * (o.kappa.unsqueeze(2) - u).pow(2))).sum(1);  // [B, U+1]
    o.w = torch::bmm(o.phi.slice(1, 0, U).unsqueeze(1), text).squeeze(1);            // [B, V]
    return o;
}

NetOutput HandwritingNetImpl::forward_unconditional(const Tensor& x) {
    std::vector<Tensor> layers;
    for (auto& l : lstm) layers.push_back(std::get<0>(l(layers.empty() ? x : torch::cat({x, layers.back()}, 2))));
    NetOutput out;
    out.y = mdn(torch::cat(layers, 2));
    return out;
}

NetOutput HandwritingNetImpl::forward_clockwork(const Tensor& x) {
    const int64_t T = x.size(0), B = x.size(1), N = hp_.hidden, size = N / hp_.groups;
    Tensor h = torch::zeros({B, N}, x.options());
    const Tensor w_hh = cw_hh * cw_mask;
    const Tensor pre_x = cw_ih(x);  // [T, B, N]
    std::vector<Tensor> hs;
    for (int64_t t = 0; t < T; ++t) {
        Tensor active = torch::zeros({N}, x.options());
        for (int g = 0; g < hp_.groups; ++g)
            if (t % (int64_t(1) << g) == 0) active.slice(0, g * size, (g + 1) * size).fill_(1.0);
        const Tensor cand = torch::tanh(pre_x[t] + torch::matmul(h, w_hh.t()) + cw_b);
        h = active * cand + (1 - active) * h;
        hs.push_back(h);
    }
    NetOutput out;
    out.y = mdn(torch::stack(hs));
    return out;
}

Tensor mdn_nll(const Tensor& y, const Tensor& target, int mixtures, int eos_sign) {
    const MdnLayout L(mixtures);
    const int M = L.m;
    const Tensor e_hat = y.select(2, L.eos()) * static_cast<double>(eos_sign);
    const Tensor log_pi = torch::log_softmax(y.slice(2, L.pi(), L.pi() + M), 2);
    const Tensor mu1 = y.slice(2, L.mu1(), L.mu1() + M), mu2 = y.slice(2, L.mu2(), L.mu2() + M);
    const Tensor ls1 = y.slice(2, L.sigma1(), L.sigma1() + M), ls2 = y.slice(2, L.sigma2(), L.sigma2() + M);
    const Tensor rho = torch::tanh(y.slice(2, L.rho(), L.rho() + M)).clamp(-0.99999, 0.99999);
    const Tensor x1 = target.select(2, 0).unsqueeze(2), x2 = target.select(2, 1).unsqueeze(2);
    const Tensor z1 = (x1 - mu1) * torch::exp(-ls1), z2 = (x2 - mu2) * torch::exp(-ls2);
    const Tensor one_m_r2 = 1 - rho * rho;
    const Tensor z = z1 * z1 + z2 * z2 - 2 * rho * z1 * z2;                       // eq. 25
    const Tensor log_n = -z / (2 * one_m_r2) - std::log(2 * M_PI) - ls1 - ls2 - 0.5 * torch::log(one_m_r2);
    const Tensor log_mix = torch::logsumexp(log_pi + log_n, 2);                      // [T, B]
    // log Bernoulli: e = sigmoid(e_hat); pen_up = 1 -> log e, 0 -> log(1 - e)
    const Tensor pen = target.select(2, 2);
    const Tensor log_e = -torch::nn::functional::softplus(-e_hat), log_1me = -torch::nn::functional::softplus(e_hat);
    return -(log_mix + pen * log_e + (1 - pen) * log_1me);
}

std::vector<int64_t> frame_lengths(const std::vector<int64_t>& points, int k) {
    std::vector<int64_t> out;
    for (int64_t n : points) out.push_back(frame_count(static_cast<int>(n), k));
    return out;
}

Tensor join_frames(const Tensor& x, int k) {
    const int64_t T = x.size(0), B = x.size(1), F = frame_count(static_cast<int>(T), k);
    const Tensor p = F * k > T ? torch::cat({x, torch::zeros({F * k - T, B, x.size(2)}, x.options())}, 0) : x;
    return p.view({F, k, B, x.size(2)}).permute({0, 2, 1, 3}).reshape({F, B, k * x.size(2)});
}

Tensor ctc_nll(const Tensor& log_probs, const Tensor& labels, const std::vector<int64_t>& frame_lengths,
               const std::vector<int64_t>& label_lengths, int blank) {
    return torch::ctc_loss(log_probs, labels, frame_lengths, label_lengths, blank, at::Reduction::None, true);
}

Tensor one_hot_text(const std::vector<std::vector<int>>& codes, int alphabet) {
    size_t U = 1;
    for (const auto& c : codes) U = std::max(U, c.size());
    Tensor t = torch::zeros({static_cast<int64_t>(codes.size()), static_cast<int64_t>(U), alphabet});
    auto a = t.accessor<float, 3>();
    for (size_t b = 0; b < codes.size(); ++b)
        for (size_t u = 0; u < codes[b].size(); ++u) a[b][u][codes[b][u]] = 1.0f;
    return t;
}

}  // namespace hw
