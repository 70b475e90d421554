#include "learner.h"

#include <cmath>

namespace hw {

void Learner::reset_optimizer(const std::string& kind, double lr) {
    if (kind == "rmsprop")  // Graves: aleph 0.95, beth 0.9, gimel 1e-4, daleth 1e-4
        opt = std::make_unique<torch::optim::RMSprop>(
            net->parameters(), torch::optim::RMSpropOptions(lr).alpha(0.95).momentum(0.9).eps(1e-4).centered(true));
    else
        opt = std::make_unique<torch::optim::Adam>(net->parameters(), torch::optim::AdamOptions(lr));
}

void Learner::set_lr(double lr) {
    for (auto& g : opt->param_groups()) {
        if (auto* a = dynamic_cast<torch::optim::AdamOptions*>(&g.options())) a->lr(lr);
        if (auto* m = dynamic_cast<torch::optim::RMSpropOptions*>(&g.options())) m->lr(lr);
    }
}

double Learner::update(const Batch& b, double clip, double out_clip, double& grad_norm) {
    torch::Tensor loss;
    if (graphs) {
        loss = graphs->step(b);
    } else {
        opt->zero_grad();
        NetOutput out = net->forward(b.x, b.text);
        if (out_clip > 0) out.y.register_hook([out_clip](torch::Tensor g) { return g.clamp(-out_clip, out_clip); });
        const torch::Tensor nll = mdn_nll(out.y, b.target, net->hparams().mixtures, net->variant().eos_sign) * b.mask;
        loss = nll.sum() / static_cast<double>(b.points);
        loss.backward();
    }
    grad_norm = torch::nn::utils::clip_grad_norm_(net->parameters(), clip);
    const double l = loss.item<double>();
    if (!std::isfinite(l) || !std::isfinite(grad_norm)) {
        if (!graphs) opt->zero_grad();  // a graph zeroes its gradients itself
        return std::nan("");
    }
    opt->step();
    return l;
}

Status Learner::evaluate(const BatchMaker& maker, const std::vector<DataLine>& lines,
                         const std::vector<std::vector<size_t>>& batches, EvalResult& out) {
    torch::NoGradGuard ng;
    net->eval();
    EvalResult e;
    double total = 0;
    Status s;
    for (const auto& idx : batches) {
        Batch b;
        if (!(s = maker.make(lines, idx, b))) break;
        b = b.to(device);
        const NetOutput y = net->forward(b.x, b.text);
        total += (mdn_nll(y.y, b.target, net->hparams().mixtures, net->variant().eos_sign) * b.mask).sum().item<double>();
        e.lines += b.lines;
        e.points += b.points;
    }
    net->train();
    e.nll_per_line = e.lines ? total / static_cast<double>(e.lines) : 0;
    e.nll_per_point = e.points ? total / static_cast<double>(e.points) : 0;
    out = e;
    return s;
}

ModelHeader Learner::header() const {
    return {net->hparams(), net->variant(), info.norm, info.alphabet, info.max_steps_per_char};
}

Status Learner::export_image(const nlohmann::json& meta, Precision p, std::vector<uint8_t>& out) {
    ExportInfo with_meta = info;
    with_meta.meta = meta;
    return export_hwm(net, with_meta, p, out);
}

Status Learner::restore(const std::vector<uint8_t>& hwm) {
    ExportInfo ignored;  // the run keeps its own norm and alphabet
    return import_hwm(hwm, net, ignored);
}

}  // namespace hw

