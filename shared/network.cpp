#include "network.h"

#include "gates.h"
#include "kernels.h"

namespace hw {

State make_state(const Model& m, const std::vector<int>& codes) {
    State s;
    const auto& hp = m.hp;
    const int layers = hp.kind == ModelKind::Clockwork ? 1 : hp.layers;
    s.h.assign(layers, Vector::Zero(hp.hidden));
    s.c.assign(layers, Vector::Zero(hp.hidden));
    s.y = Vector::Zero(MdnLayout(hp.mixtures).size());
    s.out_in = Vector::Zero(output_input_width(hp));
    if (hp.kind == ModelKind::Synthesis) {
        s.kappa = Vector::Zero(hp.window);
        s.w = Vector::Zero(hp.alphabet);
        s.codes = codes;
        s.phi = Vector::Zero(static_cast<Eigen::Index>(codes.size()) + 1);
        s.win = Vector::Zero(3 * hp.window);
    }
    return s;
}

// Standard LSTM cell (no peepholes), gates i, f, g, o; in = [input, h_{t-1}] already filled.
// lstm_update: c and h from the gate pre-activations in s.gates (gates.h: SIMD lanes, scalar bits).
static void lstm_update(State& s, int layer, int hidden, Isa isa) {
    lstm_update_units(s.gates.data(), s.c[layer].data(), s.h[layer].data(), hidden, isa);
}

static void lstm_cell(const LstmWeights& w, Isa isa, State& s, int layer, int hidden) {
    s.gates.resize(4 * hidden);
    matvec_add(w.w, s.in.data(), w.b.data(), s.gates.data(), isa);
    lstm_update(s, layer, hidden, isa);
}

// Fills s.in with the concatenation of the given pieces.
static void gather(State& s, std::initializer_list<std::pair<const float*, int>> parts) {
    int n = 0;
    for (const auto& p : parts) n += p.second;
    s.in.resize(n);
    int k = 0;
    for (const auto& p : parts)
        for (int j = 0; j < p.second; ++j) s.in[k++] = p.first[j];
}

static float window_fn(const Model& m, float v) {
    return m.variant.window_fn == WindowFn::Exp ? fexp(v) : fsoftplus(v);
}

// Window weights below this are zero. The weights of characters far from the pen are otherwise
// tiny (down to subnormal), and so are their products with the LSTM weights: subnormal arithmetic
// is 2-3x slower on x86, natively and in WebAssembly. Against weights that sum to about 1 the
// difference is far below float precision.
constexpr float kPhiFloor = 1e-20f;

// Eqs. 46-51: phi(t, u) = sum_k alpha_k exp(-beta_k (kappa_k - u)^2), w_t = sum_u phi(t, u) c_u.
// window_weights: phi and w from the window layer's output in s.win.
static void window_weights(const Model& m, State& s) {
    const int K = m.hp.window, V = m.hp.alphabet;
    float alpha[HParamLimits::max_window], beta[HParamLimits::max_window];
    for (int k = 0; k < K; ++k) {
        alpha[k] = window_fn(m, s.win[k]);
        beta[k] = window_fn(m, s.win[K + k]);
        s.kappa[k] += m.variant.kappa_scale * window_fn(m, s.win[2 * K + k]);
    }
    const int U = static_cast<int>(s.codes.size());
    s.w.setZero(V);
    for (int u = 0; u <= U; ++u) {
        float phi = 0;
        for (int k = 0; k < K; ++k) {
            const float d = s.kappa[k] - static_cast<float>(u);
            phi += alpha[k] * fexp(-beta[k] * d * d);
        }
        if (phi < kPhiFloor) phi = 0;
        s.phi[u] = phi;
        if (u < U) s.w[s.codes[u]] += phi;
    }
}

static void window_step(const Model& m, State& s) {
    matvec_add(m.window_w, s.h[0].data(), m.window_b.data(), s.win.data(), m.isa);
    window_weights(m, s);
}

static void output_layer(const Model& m, State& s) {
    matvec_add(m.mdn_w, s.out_in.data(), m.mdn_b.data(), s.y.data(), m.isa);
}

static void step_synthesis(const Model& m, State& s, const float* x) {
    const int H = m.hp.hidden, V = m.hp.alphabet;
    gather(s, {{x, kPointDim}, {s.w.data(), V}, {s.h[0].data(), H}});
    lstm_cell(m.lstm[0], m.isa, s, 0, H);
    window_step(m, s);
    for (int l = 1; l < m.hp.layers; ++l) {
        gather(s, {{x, kPointDim}, {s.h[l - 1].data(), H}, {s.w.data(), V}, {s.h[l].data(), H}});
        lstm_cell(m.lstm[l], m.isa, s, l, H);
    }
    for (int l = 0; l < m.hp.layers; ++l) s.out_in.segment(l * H, H) = s.h[l];
    output_layer(m, s);
}

static void step_unconditional(const Model& m, State& s, const float* x) {
    const int H = m.hp.hidden;
    for (int l = 0; l < m.hp.layers; ++l) {
        if (l == 0) gather(s, {{x, kPointDim}, {s.h[0].data(), H}});
        else gather(s, {{x, kPointDim}, {s.h[l - 1].data(), H}, {s.h[l].data(), H}});
        lstm_cell(m.lstm[l], m.isa, s, l, H);
    }
    for (int l = 0; l < m.hp.layers; ++l) s.out_in.segment(l * H, H) = s.h[l];
    output_layer(m, s);
}

// Clockwork RNN: group g (periods 2^g) updates when step % 2^g == 0 and reads from the groups
// j >= g (as slow or slower); the others keep their value.
static void step_clockwork(const Model& m, State& s, const float* x) {
    const int N = m.hp.hidden, G = m.hp.groups, size = N / G;
    gather(s, {{x, kPointDim}, {s.h[0].data(), N}});
    s.gates.resize(N);
    const int cols = kPointDim + N;
    for (int g = 0; g < G; ++g) {
        if (s.step % (1L << g) != 0) continue;
        // Rows of group g, columns: the input and hidden units of groups g..G-1.
        for (int r = g * size; r < (g + 1) * size; ++r) {
            float pre;
            matvec_add(m.cw_w.data() + static_cast<int64_t>(r) * cols, s.in.data(), m.cw_b.data() + r, &pre, 1, kPointDim);
            const float* wrow = m.cw_w.data() + static_cast<int64_t>(r) * cols + kPointDim + g * size;
            float rec;
            const float zero = 0;
            matvec_add(wrow, s.in.data() + kPointDim + g * size, &zero, &rec, 1, N - g * size);
            s.gates[r] = pre + rec;
        }
    }
    for (int g = 0; g < G; ++g) {
        if (s.step % (1L << g) != 0) continue;
        for (int r = g * size; r < (g + 1) * size; ++r) s.h[0][r] = ftanh(s.gates[r]);
    }
    s.out_in = s.h[0];
    output_layer(m, s);
}

// ---- several states at once: the same operations, each matrix product over all of them ----

constexpr int kStepBatch = 16;  // states per pass (step_batch takes more in several passes)

// One matrix of the step for n states: in(state) and out(state) name its input and output.
template <class In, class Out>
static void matvec_states(const WeightMatrix& W, const Vector& b, Isa isa, State* const* S, int n, In in, Out out) {
    const float* xs[kStepBatch];
    float* ys[kStepBatch];
    for (int i = 0; i < n; ++i) xs[i] = in(*S[i]), ys[i] = out(*S[i]);
    matvec_add_batch(W, xs, b.data(), ys, n, isa);
}

// The LSTM layers, window and output of step_synthesis / step_unconditional for n <= kStepBatch.
static void step_states(const Model& m, State* const* S, const float (*x)[kPointDim], int n) {
    const int H = m.hp.hidden, V = m.hp.alphabet;
    const bool synthesis = m.hp.kind == ModelKind::Synthesis;
    const auto in = [](State& s) { return s.in.data(); };
    const auto gates = [H](State& s) { s.gates.resize(4 * H); return s.gates.data(); };
    for (int l = 0; l < m.hp.layers; ++l) {
        for (int i = 0; i < n; ++i) {
            State& s = *S[i];
            if (synthesis && l == 0) gather(s, {{x[i], kPointDim}, {s.w.data(), V}, {s.h[0].data(), H}});
            else if (synthesis) gather(s, {{x[i], kPointDim}, {s.h[l - 1].data(), H}, {s.w.data(), V}, {s.h[l].data(), H}});
            else if (l == 0) gather(s, {{x[i], kPointDim}, {s.h[0].data(), H}});
            else gather(s, {{x[i], kPointDim}, {s.h[l - 1].data(), H}, {s.h[l].data(), H}});
        }
        matvec_states(m.lstm[l].w, m.lstm[l].b, m.isa, S, n, in, gates);
        for (int i = 0; i < n; ++i) lstm_update(*S[i], l, H, m.isa);
        if (synthesis && l == 0) {
            matvec_states(m.window_w, m.window_b, m.isa, S, n, [](State& s) { return s.h[0].data(); },
                          [](State& s) { return s.win.data(); });
            for (int i = 0; i < n; ++i) window_weights(m, *S[i]);
        }
    }
    for (int i = 0; i < n; ++i)
        for (int l = 0; l < m.hp.layers; ++l) S[i]->out_in.segment(l * H, H) = S[i]->h[l];
    matvec_states(m.mdn_w, m.mdn_b, m.isa, S, n, [](State& s) { return s.out_in.data(); },
                  [](State& s) { return s.y.data(); });
    for (int i = 0; i < n; ++i) ++S[i]->step;
}

void step_batch(const Model& m, State* const* states, const Point* x, int count) {
    if (m.hp.kind == ModelKind::Clockwork || !writes_ink(m.hp.kind)) {
        for (int i = 0; i < count; ++i) step(m, *states[i], x[i]);
        return;
    }
    for (int first = 0; first < count; first += kStepBatch) {
        const int n = count - first < kStepBatch ? count - first : kStepBatch;
        float in[kStepBatch][kPointDim];
        for (int i = 0; i < n; ++i) {
            const Point& p = x[first + i];
            in[i][0] = p.dx, in[i][1] = p.dy, in[i][2] = p.pen_up;
        }
        step_states(m, states + first, in, n);
    }
}

void step(const Model& m, State& s, const Point& p) {
    const float x[kPointDim] = {p.dx, p.dy, p.pen_up};
    switch (m.hp.kind) {
        case ModelKind::Synthesis: step_synthesis(m, s, x); break;
        case ModelKind::Unconditional: step_unconditional(m, s, x); break;
        case ModelKind::Clockwork: step_clockwork(m, s, x); break;
        case ModelKind::Recognizer: break;  // reads whole lines (reader.h); Generator and score refuse it
    }
    ++s.step;
}

bool attention_past_end(const State& s) {
    const int U = static_cast<int>(s.codes.size());
    if (U == 0 || s.phi.size() != U + 1) return false;
    for (int u = 0; u < U; ++u)
        if (s.phi[u] >= s.phi[U]) return false;
    return true;
}

void mixture_from_output(const Model& m, const Vector& y, float bias, Mixture& out) {
    const MdnLayout L(m.hp.mixtures);
    const int M = L.m;
    out.pi.resize(M); out.mu1.resize(M); out.mu2.resize(M);
    out.sigma1.resize(M); out.sigma2.resize(M); out.rho.resize(M);
    float mx = y[L.pi()] * (1 + bias);
    for (int k = 1; k < M; ++k) mx = y[L.pi() + k] * (1 + bias) > mx ? y[L.pi() + k] * (1 + bias) : mx;
    float sum = 0;
    for (int k = 0; k < M; ++k) {
        out.pi[k] = fexp(y[L.pi() + k] * (1 + bias) - mx);
        sum += out.pi[k];
    }
    for (int k = 0; k < M; ++k) {
        out.pi[k] /= sum;
        out.mu1[k] = y[L.mu1() + k];
        out.mu2[k] = y[L.mu2() + k];
        out.sigma1[k] = fexp(y[L.sigma1() + k] - bias);
        out.sigma2[k] = fexp(y[L.sigma2() + k] - bias);
        out.rho[k] = ftanh(y[L.rho() + k]);
    }
    out.eos = fsigmoid(static_cast<float>(m.variant.eos_sign) * y[L.eos()]);
}

}  // namespace hw
