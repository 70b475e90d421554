// One step of layer 1 and the window on CUDA (layer1_loop.cpp runs the loop): one block per line,
// the arithmetic of layer1_math.h and window_math.h, shared memory for the line's h, window
// activations, positions and phi. Forward: the cell, the window layer (a warp per output), the
// window. Backward: the window's gradients, dh (above + next step + the window layer), the cell's.
// Launched on the caller's stream, so a CUDA graph captures them.
#include <cuda_runtime.h>

#include "layer1_math.h"

namespace hw {

namespace {

namespace lm = layer1_math;
namespace wm = window_math;
constexpr int kThreads = 256;

__device__ float warp_sum(float s) {
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    return s;
}

// out[r] = b[r] + sum_j m[r][j] v[j] for r < rows (m row-major [rows][n]), a warp per row.
__device__ void rows_times(const float* m, const float* b, const float* v, int rows, int n, float* out) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
    for (int r = warp; r < rows; r += warps) {
        float s = 0.0f;
        for (int j = lane; j < n; j += 32) s += m[static_cast<long long>(r) * n + j] * v[j];
        s = warp_sum(s);
        if (lane == 0) out[r] = s + b[r];
    }
}

// Shared memory: h[H], praw[3K], p[3K], kappa[K], phi[U + 1].
__global__ void layer1_forward_kernel(lm::StepForward s, lm::Dims d) {
    extern __shared__ float sh[];
    float *h = sh, *praw = h + d.H, *p = praw + 3 * d.K, *kappa = p + 3 * d.K, *phi = kappa + d.K;
    const int b = blockIdx.x, H = d.H, V = d.V, K = d.K;
    float* sn = s.s_next + static_cast<long long>(b) * (V + H);
    for (int j = threadIdx.x; j < H; j += blockDim.x) {
        float c = 0.0f;
        h[j] = lm::cell_forward(s.pre + static_cast<long long>(b) * 4 * H, s.c_prev[b * H + j], H, j, s.act + static_cast<long long>(b) * 4 * H, c);
        s.c[b * H + j] = c;
        sn[V + j] = h[j];
        s.h_out[b * H + j] = h[j];
    }
    __syncthreads();
    rows_times(s.w_win, s.b_win, h, 3 * K, H, praw);
    __syncthreads();
    for (int r = threadIdx.x; r < 3 * K; r += blockDim.x) s.praw[b * 3 * K + r] = praw[r];
    wm::activate_block(praw, s.kappa_prev + b * K, K, d.scale, d.softplus, p, kappa);
    for (int k = threadIdx.x; k < K; k += blockDim.x) s.kappa[b * K + k] = kappa[k];
    for (int u = threadIdx.x; u <= d.U; u += blockDim.x) phi[u] = wm::phi_at(p, kappa, K, u);
    __syncthreads();
    const float* tb = s.text + static_cast<long long>(b) * d.U * V;
    for (int v = threadIdx.x; v < V; v += blockDim.x) {
        const float w = wm::window_at(phi, tb, d.U, V, v);
        sn[v] = w;
        s.w_out[b * V + v] = w;
    }
}

// Shared memory: dw[V], p[3K], kappa[K], G[U + 1], dpraw[3K].
__global__ void layer1_backward_kernel(lm::StepBackward s, lm::Dims d) {
    extern __shared__ float sh[];
    const int b = blockIdx.x, H = d.H, V = d.V, K = d.K;
    float *dw = sh, *p = dw + V, *kappa = p + 3 * K, *G = kappa + K, *dp = G + d.U + 1;
    const float* dsn = s.ds_next + static_cast<long long>(b) * (V + H);
    for (int v = threadIdx.x; v < V; v += blockDim.x) dw[v] = s.dw_above[b * V + v] + dsn[v];
    const float* pr = s.praw + b * 3 * K;
    wm::activate_block(pr, s.kappa_prev + b * K, K, d.scale, d.softplus, p, kappa);  // synchronises dw too
    const float* tb = s.text + static_cast<long long>(b) * d.U * V;
    for (int u = threadIdx.x; u <= d.U; u += blockDim.x) G[u] = wm::phi_grad_at(dw, nullptr, tb, d.U, V, u);
    __syncthreads();
    for (int k = threadIdx.x; k < K; k += blockDim.x) {
        float ga = 0.0f, gb = 0.0f, gk = s.dkappa[b * K + k];
        wm::gaussian_grads(p, kappa, G, K, d.U, k, ga, gb, gk);
        s.dkappa[b * K + k] = gk;
        wm::praw_grads(pr, p, K, k, ga, gb, gk, d.scale, d.softplus, dp);
    }
    __syncthreads();
    for (int r = threadIdx.x; r < 3 * K; r += blockDim.x) s.dpraw[b * 3 * K + r] = dp[r];
    const long long g0 = static_cast<long long>(b) * 4 * H;
    for (int j = threadIdx.x; j < H; j += blockDim.x) {
        float dh = s.dh_above[b * H + j] + dsn[V + j];
        for (int r = 0; r < 3 * K; ++r) dh += s.w_win[r * H + j] * dp[r];
        float dc = s.dc[b * H + j];
        lm::cell_backward(s.act + g0, s.c[b * H + j], s.c_prev[b * H + j], dh, H, j, dc, s.dgates + g0);
        s.dc[b * H + j] = dc;
    }
}

}  // namespace

void layer1_forward_cuda(const layer1_math::StepForward& s, const layer1_math::Dims& d, cudaStream_t stream) {
    const size_t bytes = sizeof(float) * static_cast<size_t>(d.H + 7 * d.K + d.U + 1);
    layer1_forward_kernel<<<d.B, kThreads, bytes, stream>>>(s, d);
}

void layer1_backward_cuda(const layer1_math::StepBackward& s, const layer1_math::Dims& d, cudaStream_t stream) {
    const size_t bytes = sizeof(float) * static_cast<size_t>(d.V + 7 * d.K + d.U + 1);
    layer1_backward_kernel<<<d.B, kThreads, bytes, stream>>>(s, d);
}

}  // namespace hw
