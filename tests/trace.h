// Teacher-forced traces of the core and their comparison with a reference (LibTorch, or the
// golden fixtures LibTorch wrote), shared by the parity and fixture tests.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "generator.h"
#include "reader.h"
#include "text.h"

namespace hw::test {

// Per step: named rows of numbers (eos, pi, mu1, mu2, sigma1, sigma2, rho, phi, kappa).
struct Trace {
    std::vector<std::string> names = {"eos", "pi", "mu1", "mu2", "sigma1", "sigma2", "rho", "phi", "kappa"};
    std::vector<std::vector<std::vector<float>>> steps;  // [T][name][values]
};

inline Trace core_trace(const Model& m, const std::vector<int>& codes, const std::vector<Point>& inputs) {
    Trace tr;
    State s = make_state(m, codes);
    Mixture mix;
    for (const Point& x : inputs) {
        step(m, s, x);
        mixture_from_output(m, s.y, 0.0f, mix);
        std::vector<std::vector<float>> row = {{mix.eos}, mix.pi, mix.mu1, mix.mu2, mix.sigma1, mix.sigma2, mix.rho};
        if (m.hp.kind == ModelKind::Synthesis) {
            row.emplace_back(s.phi.data(), s.phi.data() + s.phi.size());
            row.emplace_back(s.kappa.data(), s.kappa.data() + s.kappa.size());
        } else {
            row.emplace_back();
            row.emplace_back();
        }
        tr.steps.push_back(row);
    }
    return tr;
}

inline nlohmann::json trace_to_json(const Trace& tr) {
    nlohmann::json j = nlohmann::json::object();
    for (size_t n = 0; n < tr.names.size(); ++n) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& st : tr.steps) rows.push_back(st[n]);
        j[tr.names[n]] = rows;
    }
    return j;
}

inline Trace trace_from_json(const nlohmann::json& j) {
    Trace tr;
    const size_t T = j.at("eos").size();
    tr.steps.resize(T);
    for (size_t t = 0; t < T; ++t)
        for (const auto& name : tr.names) tr.steps[t].push_back(j.at(name).at(t).get<std::vector<float>>());
    return tr;
}

// The recognizer's output as a trace: one step per frame holding its log-probabilities.
inline Trace log_prob_trace(const RowMatrix& lp) {
    Trace tr;
    tr.names = {"log_probs"};
    for (Eigen::Index t = 0; t < lp.rows(); ++t) tr.steps.push_back({std::vector<float>(lp.row(t).data(), lp.row(t).data() + lp.cols())});
    return tr;
}

// The same from a fixture's rows ([frames][classes]).
inline Trace log_prob_trace(const nlohmann::json& rows) {
    Trace tr;
    tr.names = {"log_probs"};
    for (const auto& r : rows) tr.steps.push_back({r.get<std::vector<float>>()});
    return tr;
}

struct Mismatch {
    long count = 0;
    double worst_abs = 0, worst_rel = 0;
    std::string first;  // where the first mismatch is
};

// A value matches if within `rel` relative OR `abs` absolute error.
inline Mismatch compare_traces(const Trace& ref, const Trace& got, double rel, double abs_tol) {
    Mismatch r;
    if (ref.steps.size() != got.steps.size()) {
        r.count = 1;
        r.first = "step counts differ";
        return r;
    }
    for (size_t t = 0; t < ref.steps.size(); ++t)
        for (size_t n = 0; n < ref.names.size(); ++n) {
            const auto& a = ref.steps[t][n];
            const auto& b = got.steps[t][n];
            if (a.size() != b.size()) {
                if (!r.count++) r.first = ref.names[n] + " sizes differ at step " + std::to_string(t);
                continue;
            }
            for (size_t k = 0; k < a.size(); ++k) {
                const double d = std::fabs(static_cast<double>(a[k]) - b[k]);
                const double rl = d / std::max(1e-30, std::fabs(static_cast<double>(a[k])));
                r.worst_abs = std::max(r.worst_abs, d);
                if (d > abs_tol) r.worst_rel = std::max(r.worst_rel, rl);
                if (d > abs_tol && rl > rel && !r.count++)
                    r.first = ref.names[n] + "[" + std::to_string(k) + "] at step " + std::to_string(t) + ": " +
                              std::to_string(a[k]) + " vs " + std::to_string(b[k]);
            }
        }
    return r;
}

// A smooth pseudo-handwriting input sequence (offsets in normalised units, pen lifts now and then).
inline std::vector<Point> wiggle_inputs(int T, uint64_t seed) {
    Rng rng(seed);
    std::vector<Point> pts;
    pts.push_back({0, 0, 1});
    for (int t = 1; t < T; ++t) {
        Point p;
        p.dx = static_cast<float>(0.3 * std::sin(t * 0.3) + 0.2 + 0.1 * rng.normal());
        p.dy = static_cast<float>(0.5 * std::cos(t * 0.25) + 0.1 * rng.normal());
        p.pen_up = (t % 23 == 0) ? 1.0f : 0.0f;
        pts.push_back(p);
    }
    return pts;
}

inline nlohmann::json points_to_json(const std::vector<Point>& pts) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& p : pts) a.push_back({p.dx, p.dy, p.pen_up});
    return a;
}

inline std::vector<Point> points_from_json(const nlohmann::json& a) {
    std::vector<Point> pts;
    for (const auto& p : a) pts.push_back({p.at(0).get<float>(), p.at(1).get<float>(), p.at(2).get<float>()});
    return pts;
}

// The sampled trajectory a fixture pins down: generation with a fixed seed and bias.
inline std::vector<Point> sample_trajectory(const Model& m, const std::string& text, uint64_t seed, float bias, int max_steps,
                                            bool& finished) {
    Generator g;
    GenerateOptions opt;
    opt.seed = seed;
    opt.bias = bias;
    opt.max_steps = max_steps;
    std::vector<Point> pts;
    if (!g.start(m, text, opt).ok) return pts;
    while (!g.done()) g.run(1000, pts);
    finished = g.finished();
    return pts;
}

}  // namespace hw::test
