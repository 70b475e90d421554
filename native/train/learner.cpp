#include "learner.h"

#include <cmath>

namespace hw {

Status Learner::freeze(const std::vector<std::string>& parts, int64_t& weights) {
    std::vector<std::string> names;
    Status s = parameters_of_parts(net->hparams(), parts, names);
    if (!s) return s;
    weights = 0;
    auto params = net->named_parameters(true);
    for (const auto& n : names) {
        params[n].requires_grad_(false);
        weights += params[n].numel();
    }
    return s;
}

std::vector<torch::Tensor> Learner::trainable() const {
    std::vector<torch::Tensor> out;
    for (const auto& p : net->parameters())
        if (p.requires_grad()) out.push_back(p);
    return out;
}

void Learner::reset_optimizer(const std::string& kind, double lr, double clip) {
    adam = nullptr;
    if (kind == "rmsprop") {  // Graves: aleph 0.95, beth 0.9, gimel 1e-4, daleth 1e-4
        opt = std::make_unique<torch::optim::RMSprop>(
            trainable(), torch::optim::RMSpropOptions(lr).alpha(0.95).momentum(0.9).eps(1e-4).centered(true));
        return;
    }
    auto a = std::make_unique<FlatAdam>(trainable(), lr, clip);
    adam = a.get();
    opt = std::move(a);
}

void Learner::restart_optimizer(const std::string& kind, double lr) {
    if (!adam) return reset_optimizer(kind, lr, 0);
    adam->reset_moments();
    adam->set_learning_rate(lr);
}

void Learner::set_lr(double lr) {
    if (adam) return adam->set_learning_rate(lr);
    for (auto& g : opt->param_groups())
        if (auto* m = dynamic_cast<torch::optim::RMSpropOptions*>(&g.options())) m->lr(lr);
}

StepStats Learner::eager_gradients(const Batch& b, double out_clip) {
    if (adam) adam->zero_gradients();
    else opt->zero_grad();
    NetOutput out = net->forward(b.x, b.text);
    if (out_clip > 0) out.y.register_hook([out_clip](torch::Tensor g) { return g.clamp(-out_clip, out_clip); });
    const torch::Tensor nll = mdn_nll(out.y, b.target, net->hparams().mixtures, net->variant().eos_sign) * b.mask;
    const torch::Tensor loss = nll.sum() / static_cast<double>(b.points);
    loss.backward();
    return adam ? adam->update(loss) : StepStats{loss.detach(), {}, {}};
}

// RMSprop keeps LibTorch's optimizer: clipping and the finite check read values back.
StepStats Learner::clip_and_step(const StepStats& s, double clip) {
    const double norm = torch::nn::utils::clip_grad_norm_(trainable(), clip);
    const bool ok = std::isfinite(norm) && std::isfinite(s.loss.item<double>());
    if (ok) opt->step();
    return {s.loss, torch::full({}, norm, s.loss.options()), torch::full({}, ok ? 1.0 : 0.0, s.loss.options())};
}

void Learner::update(const Batch& b, double clip, double out_clip) {
    StepStats s = graphs ? graphs->step(b) : eager_gradients(b, out_clip);
    if (!adam) s = clip_and_step(s, clip);
    pending_.push_back(torch::stack({s.loss.to(torch::kFloat), s.grad_norm.to(torch::kFloat), s.ok.to(torch::kFloat)}));
}

std::vector<UpdateResult> Learner::take_results() {
    std::vector<UpdateResult> out;
    if (pending_.empty()) return out;
    const torch::Tensor all = torch::stack(pending_).cpu();
    pending_.clear();
    auto a = all.accessor<float, 2>();
    for (int64_t i = 0; i < all.size(0); ++i)
        out.push_back({a[i][2] > 0.5f ? static_cast<double>(a[i][0]) : std::nan(""), static_cast<double>(a[i][1])});
    return out;
}

Status Learner::evaluate(const BatchMaker& maker, const std::vector<DataLine>& lines,
                         const std::vector<std::vector<size_t>>& batches, EvalResult& out) {
    return evaluate_each(batches.size(), [&](size_t i, Batch& b) { return maker.make(lines, batches[i], b); }, out);
}

Status Learner::evaluate_each(size_t count, const std::function<Status(size_t, Batch&)>& batch_at, EvalResult& out) {
    torch::NoGradGuard ng;
    net->eval();
    EvalResult e;
    torch::Tensor total = torch::zeros({}, torch::TensorOptions().dtype(torch::kDouble).device(device));
    Status s;
    for (size_t i = 0; i < count; ++i) {
        Batch b;
        if (!(s = batch_at(i, b))) break;
        b = b.to(device);
        const NetOutput y = net->forward(b.x, b.text);
        total += (mdn_nll(y.y, b.target, net->hparams().mixtures, net->variant().eos_sign) * b.mask).sum().to(torch::kDouble);
        e.lines += b.lines;
        e.points += b.points;
    }
    net->train();
    const double sum = total.item<double>();
    e.nll_per_line = e.lines ? sum / static_cast<double>(e.lines) : 0;
    e.nll_per_point = e.points ? sum / static_cast<double>(e.points) : 0;
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

