// The attention window step on CUDA: one block per line of the batch, the arithmetic of
// window_math.h (the code the CPU tests check), shared memory for the line's activations,
// positions and phi. Launched on the caller's stream, so a CUDA graph captures it.
#include <cuda_runtime.h>

#include "window_math.h"

namespace hw {

namespace {

namespace wm = window_math;
constexpr int kThreads = 128;

// Shared memory of a block: p[3K], kappa[K], then phi or its gradient [U + 1].

__global__ void window_forward_kernel(const float* praw, const float* kprev, const float* text, float* w, float* kappa_out,
                                      float* phi_out, int K, int U, int V, float scale, bool softplus) {
    extern __shared__ float sh[];
    float *p = sh, *kappa = sh + 3 * K, *phi = kappa + K;
    const int b = blockIdx.x;
    wm::activate_block(praw + b * 3 * K, kprev + b * K, K, scale, softplus, p, kappa);
    for (int k = threadIdx.x; k < K; k += blockDim.x) kappa_out[b * K + k] = kappa[k];
    for (int u = threadIdx.x; u <= U; u += blockDim.x) {
        phi[u] = wm::phi_at(p, kappa, K, u);
        phi_out[static_cast<long long>(b) * (U + 1) + u] = phi[u];
    }
    __syncthreads();
    const float* tb = text + static_cast<long long>(b) * U * V;
    for (int v = threadIdx.x; v < V; v += blockDim.x) w[b * V + v] = wm::window_at(phi, tb, U, V, v);
}

__global__ void window_backward_kernel(const float* praw, const float* kprev, const float* text, const float* gw, const float* gkappa,
                                       const float* gphi, float* gpraw, float* gkprev, int K, int U, int V, float scale, bool softplus) {
    extern __shared__ float sh[];
    float *p = sh, *kappa = sh + 3 * K, *G = kappa + K;
    const int b = blockIdx.x;
    const float* pr = praw + b * 3 * K;
    wm::activate_block(pr, kprev + b * K, K, scale, softplus, p, kappa);
    const float* tb = text + static_cast<long long>(b) * U * V;
    for (int u = threadIdx.x; u <= U; u += blockDim.x)
        G[u] = wm::phi_grad_at(gw + b * V, gphi + static_cast<long long>(b) * (U + 1), tb, U, V, u);
    __syncthreads();
    float* gp = gpraw + b * 3 * K;
    for (int k = threadIdx.x; k < K; k += blockDim.x) {
        float ga = 0.0f, gb = 0.0f, gk = gkappa[b * K + k];
        wm::gaussian_grads(p, kappa, G, K, U, k, ga, gb, gk);
        gkprev[b * K + k] = gk;
        wm::praw_grads(pr, p, K, k, ga, gb, gk, scale, softplus, gp);
    }
}

size_t shared_bytes(int K, int U) { return sizeof(float) * static_cast<size_t>(4 * K + U + 1); }

}  // namespace

void window_forward_cuda(const float* praw, const float* kprev, const float* text, float* w, float* kappa, float* phi, int B, int K,
                         int U, int V, float scale, bool softplus, cudaStream_t stream) {
    window_forward_kernel<<<B, kThreads, shared_bytes(K, U), stream>>>(praw, kprev, text, w, kappa, phi, K, U, V, scale, softplus);
}

void window_backward_cuda(const float* praw, const float* kprev, const float* text, const float* gw, const float* gkappa,
                          const float* gphi, float* gpraw, float* gkprev, int B, int K, int U, int V, float scale, bool softplus,
                          cudaStream_t stream) {
    window_backward_kernel<<<B, kThreads, shared_bytes(K, U), stream>>>(praw, kprev, text, gw, gkappa, gphi, gpraw, gkprev, K, U, V,
                                                                         scale, softplus);
}

}  // namespace hw
