#include "window_step.h"

#include "window_math.h"

#ifdef HW_WINDOW_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

namespace hw {

#ifdef HW_WINDOW_CUDA
void window_forward_cuda(const float* praw, const float* kprev, const float* text, float* w, float* kappa, float* phi, int B, int K,
                         int U, int V, float scale, bool softplus, cudaStream_t stream);
void window_backward_cuda(const float* praw, const float* kprev, const float* text, const float* gw, const float* gkappa,
                          const float* gphi, float* gpraw, float* gkprev, int B, int K, int U, int V, float scale, bool softplus,
                          cudaStream_t stream);
bool window_step_has_cuda() { return true; }
#else
bool window_step_has_cuda() { return false; }
#endif

namespace {

namespace wm = window_math;

// The shapes and scalars of one call.
struct Dims {
    int B, K, U, V;
    float scale;
    bool softplus;
};

Dims dims_of(const torch::Tensor& praw, const torch::Tensor& text, double scale, bool softplus) {
    return {static_cast<int>(praw.size(0)), static_cast<int>(praw.size(1) / 3), static_cast<int>(text.size(1)),
            static_cast<int>(text.size(2)), static_cast<float>(scale), softplus};
}

void forward_cpu(const float* praw, const float* kprev, const float* text, float* w, float* kappa, float* phi, const Dims& d) {
    std::vector<float> p(static_cast<size_t>(3 * d.K));
    for (int b = 0; b < d.B; ++b) {
        const float* tb = text + static_cast<int64_t>(b) * d.U * d.V;
        float* kb = kappa + b * d.K;
        float* fb = phi + static_cast<int64_t>(b) * (d.U + 1);
        wm::activate_line(praw + b * 3 * d.K, kprev + b * d.K, d.K, d.scale, d.softplus, p.data(), kb);
        for (int u = 0; u <= d.U; ++u) fb[u] = wm::phi_at(p.data(), kb, d.K, u);
        for (int v = 0; v < d.V; ++v) w[b * d.V + v] = wm::window_at(fb, tb, d.U, d.V, v);
    }
}

void backward_cpu(const float* praw, const float* kprev, const float* text, const float* gw, const float* gkappa, const float* gphi,
                  float* gpraw, float* gkprev, const Dims& d) {
    std::vector<float> p(static_cast<size_t>(3 * d.K)), kappa(static_cast<size_t>(d.K)), G(static_cast<size_t>(d.U + 1));
    for (int b = 0; b < d.B; ++b) {
        const float* pr = praw + b * 3 * d.K;
        const float* tb = text + static_cast<int64_t>(b) * d.U * d.V;
        wm::activate_line(pr, kprev + b * d.K, d.K, d.scale, d.softplus, p.data(), kappa.data());
        for (int u = 0; u <= d.U; ++u) G[u] = wm::phi_grad_at(gw + b * d.V, gphi + static_cast<int64_t>(b) * (d.U + 1), tb, d.U, d.V, u);
        float* gp = gpraw + b * 3 * d.K;
        for (int k = 0; k < d.K; ++k) {
            float ga = 0.0f, gb = 0.0f, gk = gkappa[b * d.K + k];
            wm::gaussian_grads(p.data(), kappa.data(), G.data(), d.K, d.U, k, ga, gb, gk);
            gkprev[b * d.K + k] = gk;
            wm::praw_grads(pr, p.data(), d.K, k, ga, gb, gk, d.scale, d.softplus, gp);
        }
    }
}

WindowOut run_forward(const torch::Tensor& praw, const torch::Tensor& kprev, const torch::Tensor& text, const Dims& d) {
    const auto opts = praw.options();
    WindowOut o{torch::empty({d.B, d.V}, opts), torch::empty({d.B, d.K}, opts), torch::empty({d.B, d.U + 1}, opts)};
#ifdef HW_WINDOW_CUDA
    if (praw.is_cuda()) {
        window_forward_cuda(praw.data_ptr<float>(), kprev.data_ptr<float>(), text.data_ptr<float>(), o.w.data_ptr<float>(),
                            o.kappa.data_ptr<float>(), o.phi.data_ptr<float>(), d.B, d.K, d.U, d.V, d.scale, d.softplus,
                            c10::cuda::getCurrentCUDAStream().stream());
        return o;
    }
#endif
    TORCH_CHECK(!praw.is_cuda(), "window_step: built without its CUDA kernels");
    forward_cpu(praw.data_ptr<float>(), kprev.data_ptr<float>(), text.data_ptr<float>(), o.w.data_ptr<float>(), o.kappa.data_ptr<float>(),
                o.phi.data_ptr<float>(), d);
    return o;
}

// An undefined gradient (an output nothing used) is zeros; the others made contiguous.
torch::Tensor grad_or_zeros(const torch::Tensor& g, at::IntArrayRef sizes, const torch::TensorOptions& opts) {
    return g.defined() ? g.contiguous() : torch::zeros(sizes, opts);
}

struct WindowStepFunction : public torch::autograd::Function<WindowStepFunction> {
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& praw,
                                                  const torch::Tensor& kprev, const torch::Tensor& text, double scale, bool softplus) {
        const torch::Tensor p = praw.contiguous(), k = kprev.contiguous(), t = text.contiguous();
        ctx->save_for_backward({p, k, t});
        ctx->saved_data["scale"] = scale;
        ctx->saved_data["softplus"] = softplus;
        const WindowOut o = run_forward(p, k, t, dims_of(p, t, scale, softplus));
        return {o.w, o.kappa, o.phi};
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list g) {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &praw = saved[0], &kprev = saved[1], &text = saved[2];
        const Dims d = dims_of(praw, text, ctx->saved_data["scale"].toDouble(), ctx->saved_data["softplus"].toBool());
        const auto opts = praw.options();
        const torch::Tensor gw = grad_or_zeros(g[0], {d.B, d.V}, opts), gk = grad_or_zeros(g[1], {d.B, d.K}, opts),
                            gphi = grad_or_zeros(g[2], {d.B, d.U + 1}, opts);
        torch::Tensor gpraw = torch::empty_like(praw), gkprev = torch::empty_like(kprev);
#ifdef HW_WINDOW_CUDA
        if (praw.is_cuda()) {
            window_backward_cuda(praw.data_ptr<float>(), kprev.data_ptr<float>(), text.data_ptr<float>(), gw.data_ptr<float>(),
                                 gk.data_ptr<float>(), gphi.data_ptr<float>(), gpraw.data_ptr<float>(), gkprev.data_ptr<float>(), d.B,
                                 d.K, d.U, d.V, d.scale, d.softplus, c10::cuda::getCurrentCUDAStream().stream());
            return {gpraw, gkprev, torch::Tensor(), torch::Tensor(), torch::Tensor()};
        }
#endif
        backward_cpu(praw.data_ptr<float>(), kprev.data_ptr<float>(), text.data_ptr<float>(), gw.data_ptr<float>(), gk.data_ptr<float>(),
                     gphi.data_ptr<float>(), gpraw.data_ptr<float>(), gkprev.data_ptr<float>(), d);
        return {gpraw, gkprev, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

WindowOut window_step(const torch::Tensor& praw, const torch::Tensor& kappa_prev, const torch::Tensor& text, double kappa_scale,
                      bool softplus) {
    TORCH_CHECK(praw.scalar_type() == torch::kFloat && kappa_prev.scalar_type() == torch::kFloat && text.scalar_type() == torch::kFloat,
                "window_step: float32 tensors only");
    const auto out = WindowStepFunction::apply(praw, kappa_prev, text, kappa_scale, softplus);
    return {out[0], out[1], out[2]};
}

}  // namespace hw
