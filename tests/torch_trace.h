// The LibTorch side of the parity tests: a random network of a given kind, its teacher-forced
// trace in the same layout as the core's (trace.h), and its export.
#pragma once
#include <cstdio>
#include <cstdlib>
#include "exporter.h"
#include "test_util.h"
#include "trace.h"

namespace hw::test {

inline HandwritingNet random_net(ModelKind kind, uint64_t seed, Variant v = Variant{}) {
    torch::manual_seed(seed);
    HandwritingNet net(small_hparams(kind), v);
    // Default init is tiny; widen it so gates, window and mixture all move.
    torch::NoGradGuard g;
    for (auto& p : net->parameters()) p.uniform_(-0.35, 0.35);
    return net;
}

inline ExportInfo small_info(const HParams& hp) {
    ExportInfo info;
    info.norm.scale_x = 2.0f;
    info.norm.scale_y = 1.5f;
    info.norm.point_spacing = 1.2f;
    info.norm.line_height = 20.0f;
    info.max_steps_per_char = 25;
    if (uses_alphabet(hp.kind)) info.alphabet = small_alphabet();
    return info;
}

// One line's points as the networks' input [T, 1, 3].
inline torch::Tensor points_tensor(const std::vector<Point>& inputs) {
    const int64_t T = static_cast<int64_t>(inputs.size());
    torch::Tensor x = torch::zeros({T, 1, 3});
    auto a = x.accessor<float, 3>();
    for (int64_t t = 0; t < T; ++t) {
        a[t][0][0] = inputs[t].dx;
        a[t][0][1] = inputs[t].dy;
        a[t][0][2] = inputs[t].pen_up;
    }
    return x;
}

// A recognizer's log-probabilities of one line, [frames, V+1].
inline RowMatrix torch_log_probs(HandwritingNet& net, const std::vector<Point>& inputs) {
    torch::NoGradGuard g;
    const torch::Tensor lp = net->forward(points_tensor(inputs)).y.select(1, 0).contiguous();
    return Eigen::Map<const RowMatrix>(lp.data_ptr<float>(), lp.size(0), lp.size(1));
}

inline Trace torch_trace(HandwritingNet& net, const std::vector<int>& codes, const std::vector<Point>& inputs) {
    torch::NoGradGuard g;
    const HParams& hp = net->hparams();
    const int64_t T = static_cast<int64_t>(inputs.size());
    const torch::Tensor x = points_tensor(inputs);
    torch::Tensor text;
    if (hp.kind == ModelKind::Synthesis) text = one_hot_text({codes}, hp.alphabet);
    const NetOutput out = net->forward(x, text, true);
    const MdnLayout L(hp.mixtures);
    const int M = L.m;
    const torch::Tensor y = out.y.select(1, 0);  // [T, 6M+1]
    const torch::Tensor eos = torch::sigmoid(y.select(1, L.eos()) * static_cast<double>(net->variant().eos_sign));
    const torch::Tensor pi = torch::softmax(y.slice(1, L.pi(), L.pi() + M), 1);
    const torch::Tensor s1 = torch::exp(y.slice(1, L.sigma1(), L.sigma1() + M));
    const torch::Tensor s2 = torch::exp(y.slice(1, L.sigma2(), L.sigma2() + M));
    const torch::Tensor rho = torch::tanh(y.slice(1, L.rho(), L.rho() + M));
    auto row = [](const torch::Tensor& t) {
        const torch::Tensor c = t.contiguous();
        return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    };
    Trace tr;
    for (int64_t t = 0; t < T; ++t) {
        std::vector<std::vector<float>> r = {row(eos[t].unsqueeze(0)), row(pi[t]),
                                             row(y[t].slice(0, L.mu1(), L.mu1() + M)),
                                             row(y[t].slice(0, L.mu2(), L.mu2() + M)), row(s1[t]), row(s2[t]), row(rho[t])};
        if (hp.kind == ModelKind::Synthesis) {
            r.push_back(row(out.phi[t][0]));
            r.push_back(row(out.kappa[t][0]));
        } else {
            r.emplace_back();
            r.emplace_back();
        }
        tr.steps.push_back(r);
    }
    return tr;
}

inline std::vector<int> codes_for(const std::string& text) {
    EncodedText e;
    const Status s = encode_text(small_alphabet(), text, 0, e);
    if (!s) {  // a broken helper: no test could mean anything after it
        std::fprintf(stderr, "%s: %s\n", __func__, s.message.c_str());
        std::abort();
    }
    return e.codes;
}

}  // namespace hw::test
