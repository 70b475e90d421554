// State (per sample) and the step functions of the three networks.
#pragma once
#include <vector>

#include "model.h"

namespace hw {

// One point of a trajectory: an offset in normalised units (y down) and the pen lifted after it.
struct Point {
    float dx = 0, dy = 0;
    float pen_up = 0;  // 0 or 1
};

// The mixture the network predicts for the next point (eqs. 17-23), bias already applied.
struct Mixture {
    std::vector<float> pi, mu1, mu2, sigma1, sigma2, rho;  // [M] each
    float eos = 0;                                          // probability that the pen lifts
};

// What changes per step. Copyable: a primed state can be copied and reused.
struct State {
    std::vector<Vector> h, c;   // per layer [H] (clockwork: h[0] only)
    Vector kappa;               // [K] window positions
    Vector w;                   // [V] window vector w_{t-1}
    Vector y;                   // [6M+1] raw output of the last step
    std::vector<int> codes;     // [U] alphabet index per character
    Vector phi;                 // [U+1] window weights of the last step (the extra one is u = U)
    long step = 0;              // steps taken

    // Scratch buffers, kept here so a step allocates nothing.
    Vector in, gates, win, out_in;
};

// A zero state. For synthesis, `codes` is the text (indices into the model's alphabet).
State make_state(const Model& m, const std::vector<int>& codes = {});

// Advances one step with input point x_t (normalised offsets); leaves y (raw output) in the state.
void step(const Model& m, State& s, const Point& x);

// Advances several states of one model one step together, states[i] with input x[i]: each ends
// with exactly the bits that step(m, *states[i], x[i]) gives, but every weight matrix is read once
// per step for all of them (matvec_add_batch). Synthesis and unconditional models step as a batch,
// clockwork ones one after another. Allocates nothing.
void step_batch(const Model& m, State* const* states, const Point* x, int count);

// The window has passed the end of the text: phi(U) exceeds phi(u) for every u < U (Graves 5.3).
bool attention_past_end(const State& s);

// Mixture from the raw output y with sampling bias b (eqs. 61-62; b = 0 gives eqs. 18-22).
void mixture_from_output(const Model& m, const Vector& y, float bias, Mixture& out);

}  // namespace hw
