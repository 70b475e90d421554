// One time step of the synthesis network's layer 1 and attention window for one line of a batch,
// as plain arithmetic shared by the CPU loops (layer1_loop.cpp) and the CUDA kernels
// (layer1_cuda.cu), so the GPU runs what the CPU tests check against autograd. The matrix products
// of the recurrence are not here: layer1_loop.cpp does them for the whole batch per step.
#pragma once
#include "window_math.h"

namespace hw {
namespace layer1_math {

// The shapes and scalars of one loop.
struct Dims {
    int B, H, K, U, V;  // lines, hidden units, Gaussians, characters, alphabet
    float scale;        // kappa's scale (Variant::kappa_scale)
    bool softplus;      // the window's activation: softplus, else exp
};

// Forward, one step t for every line b. Layouts per line: gates [4H] in LSTMCell's order (i, f,
// g, o); s [V + H] (the window vector, then h: the input of the next step's product).
struct StepForward {
    const float* pre;         // [B, 4H] gates before their activations (the product, biases included)
    const float* c_prev;      // [B, H]
    const float* kappa_prev;  // [B, K]
    const float* text;        // [B, U, V] one-hot
    const float* w_win;       // [3K, H] the window layer
    const float* b_win;       // [3K]
    float* act;               // [B, 4H] gates after their activations (kept for the backward pass)
    float* c;                 // [B, H]
    float* s_next;            // [B, V + H]
    float* h_out;             // [B, H]
    float* w_out;             // [B, V]
    float* praw;              // [B, 3K] the window layer's output
    float* kappa;             // [B, K]
};

// Backward, one step t for every line b, from the gradients of its outputs.
struct StepBackward {
    const float* ds_next;   // [B, V + H] the next step's gate gradients times [W_ih (window part) | W_hh]
    const float* dh_above;  // [B, H] from the layers above and the mixture
    const float* dw_above;  // [B, V]
    const float* act;       // [B, 4H]
    const float* c;         // [B, H]
    const float* c_prev;    // [B, H]
    const float* praw;      // [B, 3K]
    const float* kappa_prev;
    const float* text;
    const float* w_win;
    float* dkappa;  // [B, K] in: what later steps sent back to kappa_t; out: to kappa_{t-1}
    float* dc;      // [B, H] in: to c_t from step t + 1; out: to c_{t-1}
    float* dpraw;   // [B, 3K]
    float* dgates;  // [B, 4H] before the activations
};

HW_HD inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// Unit j of the cell: the activated gates (written to act4[0, H, 2H, 3H]) and the new c; returns h.
HW_HD inline float cell_forward(const float* pre, float c_prev, int H, int j, float* act, float& c) {
    const float i = sigmoid(pre[j]), f = sigmoid(pre[H + j]), g = tanhf(pre[2 * H + j]), o = sigmoid(pre[3 * H + j]);
    act[j] = i, act[H + j] = f, act[2 * H + j] = g, act[3 * H + j] = o;
    c = f * c_prev + i * g;
    return o * tanhf(c);
}

// Unit j backward: from dh (all of it) and dc (from step t + 1), the gate gradients before their
// activations; dc becomes the gradient of c_{t-1}.
HW_HD inline void cell_backward(const float* act, float c, float c_prev, float dh, int H, int j, float& dc, float* dgates) {
    const float i = act[j], f = act[H + j], g = act[2 * H + j], o = act[3 * H + j];
    const float tc = tanhf(c);
    const float dct = dc + dh * o * (1.0f - tc * tc);
    dgates[j] = dct * g * i * (1.0f - i);
    dgates[H + j] = dct * c_prev * f * (1.0f - f);
    dgates[2 * H + j] = dct * i * (1.0f - g * g);
    dgates[3 * H + j] = dh * tc * o * (1.0f - o);
    dc = dct * f;
}

}  // namespace layer1_math
}  // namespace hw
