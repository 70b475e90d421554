#include "flat_adam.h"

#include <cstdio>

namespace hw {

namespace {
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;

int64_t total_elements(const std::vector<torch::Tensor>& params) {
    int64_t n = 0;
    for (const auto& p : params) n += p.numel();
    return n;
}

// Views of `flat` shaped like each parameter, in order.
std::vector<torch::Tensor> views_like(const torch::Tensor& flat, const std::vector<torch::Tensor>& params) {
    std::vector<torch::Tensor> views;
    int64_t at = 0;
    for (const auto& p : params) {
        views.push_back(flat.slice(0, at, at + p.numel()).view(p.sizes()));
        at += p.numel();
    }
    return views;
}
}  // namespace

FlatAdam::FlatAdam(const std::vector<torch::Tensor>& params, double lr, double clip)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(params)}, std::make_unique<torch::optim::AdamOptions>(lr)),
      params_(params), clip_(clip) {
    TORCH_CHECK(!params.empty(), "FlatAdam: no parameters");
    const auto opts = params.front().options().requires_grad(false);
    const int64_t n = total_elements(params);
    grad_ = torch::zeros({n}, opts);
    m_ = torch::zeros({n}, opts);
    v_ = torch::zeros({n}, opts);
    step_ = torch::zeros({}, opts);
    lr_ = torch::full({}, lr, opts);
    views_ = views_like(grad_, params);
    attach_gradients();
}

void FlatAdam::attach_gradients() {
    torch::NoGradGuard ng;
    for (size_t i = 0; i < params_.size(); ++i) params_[i].mutable_grad() = views_[i];
    grad_.zero_();
}

void FlatAdam::set_learning_rate(double lr) {
    for (auto& g : param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    lr_.fill_(lr);
}

void FlatAdam::reset_moments() {
    m_.zero_();
    v_.zero_();
    step_.zero_();
}

StepStats FlatAdam::update(const torch::Tensor& loss) {
    torch::NoGradGuard ng;
    StepStats s;
    s.loss = loss.detach();
    s.grad_norm = grad_.norm();
    const torch::Tensor ok = (torch::isfinite(s.grad_norm) & torch::isfinite(s.loss)).to(grad_.scalar_type());
    s.ok = ok;
    // clip_grad_norm_: scale by clip / (norm + 1e-6) when that is below 1; a skipped update
    // scales by 0 and turns what was not finite into 0, so the moments below stay as they were.
    const torch::Tensor coef = torch::clamp_max(clip_ / (s.grad_norm + 1e-6), 1.0) * ok;
    grad_.mul_(torch::nan_to_num(coef, 0.0, 0.0, 0.0)).nan_to_num_(0.0, 0.0, 0.0);
    step_.add_(ok);
    m_.lerp_(grad_, ok * (1.0 - kBeta1));
    v_.mul_(1.0 - ok * (1.0 - kBeta2)).addcmul_(grad_, grad_, 1.0 - kBeta2);
    // Bias corrections of a step count still 0 (no finite update yet) are clamped; ok is 0 then.
    const torch::Tensor bc1 = torch::clamp_min(1.0 - torch::pow(kBeta1, step_), 1e-12);
    const torch::Tensor bc2 = torch::clamp_min(1.0 - torch::pow(kBeta2, step_), 1e-12);
    torch::Tensor delta = v_.sqrt().div_(bc2.sqrt()).add_(kEps);
    delta = torch::div(m_, delta).mul_(-(lr_ * ok) / bc1);
    torch::_foreach_add_(params_, views_like(delta, params_));
    return s;
}

torch::Tensor FlatAdam::step(LossClosure closure) {
    TORCH_CHECK(!closure, "FlatAdam: no closures");
    update(torch::zeros({}, grad_.options()));
    return {};
}

void FlatAdam::save(torch::serialize::OutputArchive& archive) const {
    archive.write("flat_adam_m", m_, true);
    archive.write("flat_adam_v", v_, true);
    archive.write("flat_adam_step", step_, true);
}

// A checkpoint of an older trainer (torch::optim::Adam's state) has no flat moments: the run goes
// on with fresh ones and says so.
void FlatAdam::load(torch::serialize::InputArchive& archive) {
    torch::Tensor m, v, step;
    torch::NoGradGuard ng;
    if (archive.try_read("flat_adam_m", m, true) && archive.try_read("flat_adam_v", v, true) &&
        archive.try_read("flat_adam_step", step, true) && m.numel() == m_.numel() && v.numel() == v_.numel()) {
        m_.copy_(m);
        v_.copy_(v);
        step_.copy_(step);
        return;
    }
    reset_moments();
    std::fprintf(stderr, "train: the checkpoint holds no flat Adam moments (an older trainer): starting them afresh\n");
}

}  // namespace hw
