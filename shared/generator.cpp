#include "generator.h"

#include <algorithm>
#include <cmath>

#include "text.h"

namespace hw {

Point sample_point(const Mixture& mix, Rng& rng, bool greedy) {
    const int M = static_cast<int>(mix.pi.size());
    Point p;
    if (greedy) {
        int best = 0;
        for (int k = 1; k < M; ++k)
            if (mix.pi[k] > mix.pi[best]) best = k;
        p.dx = mix.mu1[best];
        p.dy = mix.mu2[best];
        p.pen_up = mix.eos > 0.5f ? 1.0f : 0.0f;
        return p;
    }
    const double u = rng.uniform();
    double acc = 0;
    int k = M - 1;
    for (int j = 0; j < M; ++j) {
        acc += mix.pi[j];
        if (u < acc) { k = j; break; }
    }
    double x, y;
    rng.bivariate_normal(mix.mu1[k], mix.mu2[k], mix.sigma1[k], mix.sigma2[k], mix.rho[k], x, y);
    p.dx = static_cast<float>(x);
    p.dy = static_cast<float>(y);
    p.pen_up = rng.uniform() < mix.eos ? 1.0f : 0.0f;
    return p;
}

Status Generator::start(const Model& m, const std::string& text, const GenerateOptions& opt, const Priming* prime,
                        char32_t replacement) {
    stepping_ = finished_ = reached_last_ = checking_ = false;
    steps_ = past_end_steps_ = dropped_ = last_char_steps_ = 0;
    ready_.clear();
    held_.clear();
    replaced_.clear();
    model_ = &m;
    opt_ = opt;
    if (!(opt.bias >= 0.0f && opt.bias <= 20.0f)) return Status::error("bias must be in [0, 20]");
    if (opt.max_steps < 0) return Status::error("max_steps must not be negative");
    if (!(opt.end_mass >= 0.0f)) return Status::error("end_mass must not be negative");
    if (opt.held_stroke_max < 0) return Status::error("held_stroke_max must not be negative");
    if (opt.last_char_steps < 1) return Status::error("last_char_steps must be at least 1");
    std::vector<int> codes;
    size_t own_chars = 0;
    if (m.hp.kind == ModelKind::Synthesis) {
        std::string full = text;
        if (prime && !prime->text.empty()) {
            full = prime->text;
            if (full.back() != ' ' && !text.empty() && text.front() != ' ') full += ' ';
            full += text;
        }
        EncodedText enc;
        Status s = encode_text(m.alphabet, full, replacement, enc);
        if (!s) return s;
        EncodedText own;
        if (!(s = encode_text(m.alphabet, text, replacement, own))) return s;
        own_chars = own.text.size();
        for (const auto& u : enc.unknown) replaced_.push_back({u.position, u.ch});
        text_ = enc.text;
        codes = enc.codes;
    }
    state_ = make_state(m, codes);
    rng_ = Rng(opt.seed);
    last_ = Point{0, 0, 1};
    if (prime) {
        for (const Point& p : prime->points) {
            step(m, state_, last_);
            last_ = p;
        }
    }
    const int per_char = m.max_steps_per_char;
    max_steps_ = opt.max_steps > 0 ? opt.max_steps
                 : m.hp.kind == ModelKind::Synthesis ? per_char * static_cast<int>(own_chars) + 2 * per_char
                                                     : 700;
    stepping_ = true;
    return Status::success();
}

void Generator::advance() {
    const Model& m = *model_;
    step(m, state_, last_);
    mixture_from_output(m, state_.y, opt_.bias, mix_);
    Pending q;
    q.point = sample_point(mix_, rng_, opt_.greedy);
    last_ = q.point;
    ++steps_;
    const bool synthesis = m.hp.kind == ModelKind::Synthesis;
    const int U = synthesis ? static_cast<int>(state_.codes.size()) : 0;
    if (opt_.diagnostics) {
        q.diag.mixture = mix_;
        if (synthesis) {
            q.diag.phi.assign(state_.phi.data(), state_.phi.data() + U);
            q.diag.kappa.assign(state_.kappa.data(), state_.kappa.data() + state_.kappa.size());
        }
    }
    const bool pen_up = q.point.pen_up > 0.5f;
    if (!synthesis) {
        ready_.push_back(std::move(q));
        if (steps_ >= max_steps_) stepping_ = false;
        return;
    }
    // Where the window is: its peak over the text and one past it, and its mass on the text.
    float mass = 0;
    int best = 0;
    for (int u = 0; u < U; ++u) {
        mass += state_.phi[u];
        if (state_.phi[u] > state_.phi[best]) best = u;
    }
    const bool past = attention_past_end(state_);
    q.peak = past || U == 0 ? U : best;
    if (U > 0 && best == U - 1) {
        reached_last_ = true;
        ++last_char_steps_;
    }
    const bool collapsed = reached_last_ && mass < opt_.end_mass;  // the window was switched off
    if (checking_) {
        held_.push_back(std::move(q));
        if (past) finished_ = true;  // the window moved on past the text: stop at the next pen lift
        if (collapsed) {
            // The window was switched off while this stroke was drawn: a stray mark after the end.
            dropped_ += static_cast<int>(held_.size());
            steps_ -= static_cast<int>(held_.size());
            held_.clear();
            finished_ = true;
            stepping_ = false;
            return;
        }
        if (pen_up || static_cast<int>(held_.size()) >= opt_.held_stroke_max) {
            // A real stroke (the last character may have several), or one too long for a stray
            // mark: let it through.
            release_held();
            checking_ = pen_up;
            if (pen_up && finished_) stepping_ = false;
        }
    } else {
        ready_.push_back(std::move(q));
        if (finished_ || past || collapsed) {
            // The window has left the text: finish the stroke being drawn, then stop.
            finished_ = true;
            if (pen_up || ++past_end_steps_ >= opt_.tail_steps) stepping_ = false;
        } else if (pen_up && last_char_steps_ >= opt_.last_char_steps && opt_.held_stroke_max > 0) {
            checking_ = true;  // this stroke was written at the last character: check the next one
        }
    }
    if (pen_up) last_char_steps_ = 0;
    if (stepping_ && steps_ >= max_steps_) {
        release_held();
        stepping_ = false;
    }
}

void Generator::release_held() {
    for (Pending& h : held_) ready_.push_back(std::move(h));
    held_.clear();
}

int Generator::run(int max_points, std::vector<Point>& out, std::vector<StepDiagnostics>* diag,
                   std::vector<int>* peaks) {
    int produced = 0;
    while (produced < max_points) {
        if (ready_.empty()) {
            if (!stepping_) break;
            advance();
            continue;
        }
        Pending& q = ready_.front();
        out.push_back(q.point);
        if (diag && opt_.diagnostics) diag->push_back(std::move(q.diag));
        if (peaks) peaks->push_back(q.peak);
        ready_.pop_front();
        ++produced;
    }
    return produced;
}

}  // namespace hw
