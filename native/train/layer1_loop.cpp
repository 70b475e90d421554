#include "layer1_loop.h"

#include <vector>

#include "layer1_math.h"

#ifdef HW_WINDOW_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

namespace hw {

namespace lm = layer1_math;
namespace wm = window_math;
using torch::Tensor;

#ifdef HW_WINDOW_CUDA
void layer1_forward_cuda(const lm::StepForward& s, const lm::Dims& d, cudaStream_t stream);
void layer1_backward_cuda(const lm::StepBackward& s, const lm::Dims& d, cudaStream_t stream);
bool layer1_loop_runs_on(const torch::Device&) { return true; }
#else
bool layer1_loop_runs_on(const torch::Device& d) { return !d.is_cuda(); }
#endif

namespace {

float* f(const Tensor& t) { return t.data_ptr<float>(); }

// ---- one step on the CPU: line by line, sums in index order ----------------------------------

// The window layer's output for one line: praw = W_win h + b_win.
void window_layer(const lm::Dims& d, const float* h, const float* w_win, const float* b_win, float* praw) {
    for (int r = 0; r < 3 * d.K; ++r) {
        float acc = 0.0f;
        for (int j = 0; j < d.H; ++j) acc += w_win[r * d.H + j] * h[j];
        praw[r] = acc + b_win[r];
    }
}

void forward_cpu(const lm::StepForward& s, const lm::Dims& d) {
    const int H = d.H, V = d.V, K = d.K;
    std::vector<float> p(static_cast<size_t>(3 * K)), phi(static_cast<size_t>(d.U + 1));
    for (int b = 0; b < d.B; ++b) {
        float* sn = s.s_next + static_cast<int64_t>(b) * (V + H);
        for (int j = 0; j < H; ++j) {
            float c = 0.0f;
            sn[V + j] = lm::cell_forward(s.pre + static_cast<int64_t>(b) * 4 * H, s.c_prev[b * H + j], H, j, s.act + static_cast<int64_t>(b) * 4 * H, c);
            s.c[b * H + j] = c;
            s.h_out[b * H + j] = sn[V + j];
        }
        window_layer(d, sn + V, s.w_win, s.b_win, s.praw + b * 3 * K);
        float* kb = s.kappa + b * K;
        wm::activate_line(s.praw + b * 3 * K, s.kappa_prev + b * K, K, d.scale, d.softplus, p.data(), kb);
        for (int u = 0; u <= d.U; ++u) phi[u] = wm::phi_at(p.data(), kb, K, u);
        const float* tb = s.text + static_cast<int64_t>(b) * d.U * V;
        for (int v = 0; v < V; ++v) sn[v] = s.w_out[b * V + v] = wm::window_at(phi.data(), tb, d.U, V, v);
    }
}

// Per-line working space of the backward step on the CPU.
struct LineScratch {
    std::vector<float> dw, p, kappa, G;
    explicit LineScratch(const lm::Dims& d)
        : dw(static_cast<size_t>(d.V)), p(static_cast<size_t>(3 * d.K)), kappa(static_cast<size_t>(d.K)), G(static_cast<size_t>(d.U + 1)) {}
};

// The window's gradients for line b from dw (in x.dw): dpraw (into dp) and dkappa carried back.
void window_backward_line(const lm::StepBackward& s, const lm::Dims& d, int b, LineScratch& x, float* dp) {
    const int K = d.K;
    std::vector<float> &p = x.p, &kappa = x.kappa, &G = x.G;
    const float* dw = x.dw.data();
    const float* pr = s.praw + b * 3 * K;
    wm::activate_line(pr, s.kappa_prev + b * K, K, d.scale, d.softplus, p.data(), kappa.data());
    const float* tb = s.text + static_cast<int64_t>(b) * d.U * d.V;
    for (int u = 0; u <= d.U; ++u) G[u] = wm::phi_grad_at(dw, nullptr, tb, d.U, d.V, u);
    for (int k = 0; k < K; ++k) {
        float ga = 0.0f, gb = 0.0f, gk = s.dkappa[b * K + k];
        wm::gaussian_grads(p.data(), kappa.data(), G.data(), K, d.U, k, ga, gb, gk);
        s.dkappa[b * K + k] = gk;
        wm::praw_grads(pr, p.data(), K, k, ga, gb, gk, d.scale, d.softplus, dp);
    }
}

void backward_cpu(const lm::StepBackward& s, const lm::Dims& d) {
    const int H = d.H, V = d.V, K = d.K;
    LineScratch x(d);
    for (int b = 0; b < d.B; ++b) {
        const float* dsn = s.ds_next + static_cast<int64_t>(b) * (V + H);
        for (int v = 0; v < V; ++v) x.dw[v] = s.dw_above[b * V + v] + dsn[v];
        float* dp = s.dpraw + b * 3 * K;
        window_backward_line(s, d, b, x, dp);
        const int64_t g0 = static_cast<int64_t>(b) * 4 * H;
        for (int j = 0; j < H; ++j) {
            float dh = s.dh_above[b * H + j] + dsn[V + j];
            for (int r = 0; r < 3 * K; ++r) dh += s.w_win[r * H + j] * dp[r];
            lm::cell_backward(s.act + g0, s.c[b * H + j], s.c_prev[b * H + j], dh, H, j, s.dc[b * H + j], s.dgates + g0);
        }
    }
}

void step_forward(const lm::StepForward& s, const lm::Dims& d, bool cuda) {
#ifdef HW_WINDOW_CUDA
    if (cuda) return layer1_forward_cuda(s, d, c10::cuda::getCurrentCUDAStream().stream());
#endif
    TORCH_CHECK(!cuda, "layer1_loop: built without its CUDA kernels");
    forward_cpu(s, d);
}

void step_backward(const lm::StepBackward& s, const lm::Dims& d, bool cuda) {
#ifdef HW_WINDOW_CUDA
    if (cuda) return layer1_backward_cuda(s, d, c10::cuda::getCurrentCUDAStream().stream());
#endif
    TORCH_CHECK(!cuda, "layer1_loop: built without its CUDA kernels");
    backward_cpu(s, d);
}

// ---- the loops --------------------------------------------------------------------------------

// What the forward loop keeps for the backward one: s [T + 1, B, V + H] (s[t] = [w_{t-1}, h_{t-1}],
// the input of step t's product), c and kappa [T + 1, B, .] (index 0: zeros), act and praw [T, B, .].
struct Saved {
    Tensor s, c, act, praw, kappa;
};

lm::Dims dims_of(const Tensor& text, const Tensor& w_hh, const Tensor& w_win, double scale, bool softplus) {
    return {static_cast<int>(text.size(0)), static_cast<int>(w_hh.size(1)), static_cast<int>(w_win.size(0) / 3),
            static_cast<int>(text.size(1)), static_cast<int>(text.size(2)), static_cast<float>(scale), softplus};
}

// [W_ih's window columns | W_hh]: [4H, V + H], the weights of s[t] in step t's gates.
Tensor recurrent_weights(const Tensor& w_ih, const Tensor& w_hh) { return torch::cat({w_ih.slice(1, 3), w_hh}, 1); }

Layer1Out forward_loop(const Tensor& x, const Tensor& text, const Layer1Weights& w, const lm::Dims& d, Saved& k) {
    const int64_t T = x.size(0), B = d.B, H = d.H, V = d.V, K = d.K;
    const auto o = x.options();
    k = {torch::zeros({T + 1, B, V + H}, o), torch::zeros({T + 1, B, H}, o), torch::empty({T, B, 4 * H}, o),
         torch::empty({T, B, 3 * K}, o), torch::zeros({T + 1, B, K}, o)};
    Layer1Out out{torch::empty({T, B, H}, o), torch::empty({T, B, V}, o)};
    // The gates' share of the points and the biases, for all steps in one product.
    const Tensor gx = torch::addmm(w.b_ih + w.b_hh, x.reshape({T * B, 3}), w.w_ih.slice(1, 0, 3).t()).view({T, B, 4 * H});
    const Tensor wt = recurrent_weights(w.w_ih, w.w_hh).t();
    Tensor pre = torch::empty({B, 4 * H}, o);
    const Tensor w_win = w.w_win.contiguous(), b_win = w.b_win.contiguous();
    for (int64_t t = 0; t < T; ++t) {
        at::addmm_out(pre, gx[t], k.s[t], wt);
        const lm::StepForward s{f(pre), f(k.c[t]), f(k.kappa[t]), f(text), f(w_win), f(b_win), f(k.act[t]), f(k.c[t + 1]),
                                f(k.s[t + 1]), f(out.h[t]), f(out.w[t]), f(k.praw[t]), f(k.kappa[t + 1])};
        step_forward(s, d, x.is_cuda());
    }
    return out;
}

// The gradients of W_ih, W_hh, the (shared) bias, W_win and b_win, from dh [T, B, H] and dw
// [T, B, V]: the loop sends each step's gate and window-layer gradients back, then a few products
// over all steps give the weights'.
std::vector<Tensor> backward_loop(const Tensor& x, const Tensor& text, const Layer1Weights& w, const lm::Dims& d, const Saved& k,
                                  const Tensor& dh, const Tensor& dw) {
    const int64_t T = x.size(0), B = d.B, H = d.H, V = d.V, K = d.K;
    const auto o = x.options();
    Tensor dg = torch::empty({T, B, 4 * H}, o), dp = torch::empty({T, B, 3 * K}, o), ds = torch::zeros({B, V + H}, o);
    Tensor dkappa = torch::zeros({B, K}, o), dc = torch::zeros({B, H}, o);
    const Tensor wr = recurrent_weights(w.w_ih, w.w_hh), w_win = w.w_win.contiguous();
    for (int64_t t = T - 1; t >= 0; --t) {
        if (t < T - 1) at::mm_out(ds, dg[t + 1], wr);
        const lm::StepBackward s{f(ds), f(dh[t]), f(dw[t]), f(k.act[t]), f(k.c[t + 1]), f(k.c[t]), f(k.praw[t]), f(k.kappa[t]),
                                 f(text), f(w_win), f(dkappa), f(dc), f(dp[t]), f(dg[t])};
        step_backward(s, d, x.is_cuda());
    }
    const Tensor g2 = dg.view({T * B, 4 * H}), p2 = dp.view({T * B, 3 * K});
    const Tensor dwr = g2.t().mm(k.s.slice(0, 0, T).reshape({T * B, V + H}));
    const Tensor dw_ih = torch::cat({g2.t().mm(x.reshape({T * B, 3})), dwr.slice(1, 0, V)}, 1);
    const Tensor h_all = k.s.slice(0, 1, T + 1).reshape({T * B, V + H}).slice(1, V);
    const Tensor db = g2.sum(0);
    return {dw_ih, dwr.slice(1, V).contiguous(), db, db.clone(), p2.t().mm(h_all), p2.sum(0)};
}

Tensor grad_or_zeros(const Tensor& g, at::IntArrayRef sizes, const torch::TensorOptions& o) {
    return g.defined() ? g.contiguous() : torch::zeros(sizes, o);
}

struct Layer1Function : public torch::autograd::Function<Layer1Function> {
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const Tensor& x, const Tensor& text,
                                                  const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh,
                                                  const Tensor& w_win, const Tensor& b_win, double scale, bool softplus) {
        const Tensor xc = x.contiguous(), tc = text.contiguous();
        const Layer1Weights w{w_ih, w_hh, b_ih, b_hh, w_win, b_win};
        Saved k;
        const Layer1Out out = forward_loop(xc, tc, w, dims_of(tc, w_hh, w_win, scale, softplus), k);
        ctx->save_for_backward({xc, tc, w_ih, w_hh, w_win});
        ctx->saved_data["scale"] = scale;
        ctx->saved_data["softplus"] = softplus;
        for (const auto& [name, t] : {std::pair{"s", k.s}, {"c", k.c}, {"act", k.act}, {"praw", k.praw}, {"kappa", k.kappa}})
            ctx->saved_data[name] = t;
        return {out.h, out.w};
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list g) {
        const auto v = ctx->get_saved_variables();
        const Tensor &x = v[0], &text = v[1];
        const Layer1Weights w{v[2], v[3], Tensor(), Tensor(), v[4], Tensor()};
        const Saved k{ctx->saved_data["s"].toTensor(), ctx->saved_data["c"].toTensor(), ctx->saved_data["act"].toTensor(),
                      ctx->saved_data["praw"].toTensor(), ctx->saved_data["kappa"].toTensor()};
        const lm::Dims d = dims_of(text, v[3], v[4], ctx->saved_data["scale"].toDouble(), ctx->saved_data["softplus"].toBool());
        const int64_t T = x.size(0);
        const Tensor dh = grad_or_zeros(g[0], {T, d.B, d.H}, x.options()), dw = grad_or_zeros(g[1], {T, d.B, d.V}, x.options());
        const auto grads = backward_loop(x, text, w, d, k, dh, dw);
        return {Tensor(), Tensor(), grads[0], grads[1], grads[2], grads[3], grads[4], grads[5], Tensor(), Tensor()};
    }
};

}  // namespace

Layer1Out layer1_loop(const Tensor& x, const Tensor& text, const Layer1Weights& w, double kappa_scale, bool softplus) {
    TORCH_CHECK(x.scalar_type() == torch::kFloat && text.scalar_type() == torch::kFloat, "layer1_loop: float32 tensors only");
    TORCH_CHECK(x.dim() == 3 && x.size(2) == 3 && text.dim() == 3 && text.size(0) == x.size(1), "layer1_loop: x [T, B, 3], text [B, U, V]");
    TORCH_CHECK(w.w_ih.size(1) == 3 + text.size(2), "layer1_loop: W_ih takes 3 + V inputs");
    TORCH_CHECK(layer1_loop_runs_on(x.device()), "layer1_loop: built without its CUDA kernels");
    const auto out = Layer1Function::apply(x, text, w.w_ih, w.w_hh, w.b_ih, w.b_hh, w.w_win, w.b_win, kappa_scale, softplus);
    return {out[0], out[1]};
}

}  // namespace hw
