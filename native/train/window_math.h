// The attention window of the synthesis network for one line of a batch, as plain arithmetic that
// both the CPU loops (window_step.cpp) and the CUDA kernels (window_cuda.cu) call, so the GPU runs
// the code the CPU tests check. Layout per line: praw[3K] (the window layer's output: alpha, beta,
// kappa increments before the activation), kappa[K], text[U][V] one-hot, phi[U + 1].
#pragma once
#include <cmath>

#if defined(__CUDACC__)
#define HW_HD __host__ __device__
#else
#define HW_HD
#endif

namespace hw {
namespace window_math {

// exp, or softplus as torch computes it (beta 1, threshold 20).
HW_HD inline float activate(float x, bool softplus) {
    if (!softplus) return expf(x);
    return x > 20.0f ? x : log1pf(expf(x));
}

// d activate / d x, given x and its activation p.
HW_HD inline float activate_grad(float x, float p, bool softplus) { return softplus ? 1.0f / (1.0f + expf(-x)) : p; }

// One line's activations p[3K] and its new positions: kappa_k = kappa_prev_k + scale * p[2K + k].
HW_HD inline void activate_line(const float* praw, const float* kprev, int K, float scale, bool softplus, float* p, float* kappa) {
    for (int j = 0; j < 3 * K; ++j) p[j] = activate(praw[j], softplus);
    for (int k = 0; k < K; ++k) kappa[k] = kprev[k] + scale * p[2 * K + k];
}

#if defined(__CUDACC__)
// activate_line with a block's threads (p and kappa in shared memory), synchronised after each part.
__device__ inline void activate_block(const float* praw, const float* kprev, int K, float scale, bool softplus, float* p, float* kappa) {
    for (int j = threadIdx.x; j < 3 * K; j += blockDim.x) p[j] = activate(praw[j], softplus);
    __syncthreads();
    for (int k = threadIdx.x; k < K; k += blockDim.x) kappa[k] = kprev[k] + scale * p[2 * K + k];
    __syncthreads();
}
#endif

// phi(u) = sum_k alpha_k exp(-beta_k (kappa_k - u)^2), in the reference's order (k ascending).
HW_HD inline float phi_at(const float* p, const float* kappa, int K, int u) {
    float s = 0.0f;
    for (int k = 0; k < K; ++k) {
        const float d = kappa[k] - static_cast<float>(u);
        s += p[k] * expf(-p[K + k] * (d * d));
    }
    return s;
}

// w_v = sum_{u < U} phi_u text[u][v].
HW_HD inline float window_at(const float* phi, const float* text, int U, int V, int v) {
    float s = 0.0f;
    for (int u = 0; u < U; ++u) s += phi[u] * text[u * V + v];
    return s;
}

// dL/dphi_u from the window vector's gradient (positions u < U) and phi's own (gphi may be null).
HW_HD inline float phi_grad_at(const float* gw, const float* gphi, const float* text, int U, int V, int u) {
    float s = gphi ? gphi[u] : 0.0f;
    if (u < U)
        for (int v = 0; v < V; ++v) s += gw[v] * text[u * V + v];
    return s;
}

// The gradients of Gaussian k: d/d alpha_k, d/d beta_k, and d/d kappa_k (the new position,
// `gkappa_k` already holding what later steps sent back), from G[u] = dL/dphi_u, u = 0..U.
HW_HD inline void gaussian_grads(const float* p, const float* kappa, const float* G, int K, int U, int k, float& galpha,
                                 float& gbeta, float& gkappa_k) {
    float ga = 0.0f, gb = 0.0f, gk = 0.0f;
    const float alpha = p[k], beta = p[K + k];
    for (int u = 0; u <= U; ++u) {
        const float d = kappa[k] - static_cast<float>(u);
        const float e = expf(-beta * (d * d));
        const float ge = G[u] * alpha * e;
        ga += G[u] * e;
        gb -= ge * (d * d);
        gk -= ge * 2.0f * beta * d;
    }
    galpha = ga;
    gbeta = gb;
    gkappa_k += gk;
}

// The gradients of Gaussian k's three window-layer outputs (alpha, beta, the kappa increment
// before their activation: gp[k], gp[K + k], gp[2K + k]) from those of alpha, beta and kappa_k.
HW_HD inline void praw_grads(const float* praw, const float* p, int K, int k, float galpha, float gbeta, float gkappa, float scale,
                             bool softplus, float* gp) {
    gp[k] = galpha * activate_grad(praw[k], p[k], softplus);
    gp[K + k] = gbeta * activate_grad(praw[K + k], p[K + k], softplus);
    gp[2 * K + k] = scale * gkappa * activate_grad(praw[2 * K + k], p[2 * K + k], softplus);
}

}  // namespace window_math
}  // namespace hw
