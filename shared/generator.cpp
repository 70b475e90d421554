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
    stepping_ = false;
    steps_ = dropped_ = 0;
    ready_.clear();
    held_.clear();
    replaced_.clear();
    model_ = &m;
    opt_ = opt;
    stop_ = StopRule(opt);
    if (!writes_ink(m.hp.kind)) return Status::error(std::string("a ") + kind_name(m.hp.kind) + " model reads ink; it cannot write");
    if (!(opt.bias >= 0.0f && opt.bias <= 20.0f)) return Status::error("bias must be in [0, 20]");
    if (opt.max_steps < 0) return Status::error("max_steps must not be negative");
    if (!(opt.end_mass >= 0.0f)) return Status::error("end_mass must not be negative");
    if (opt.held_stroke_max < 0) return Status::error("held_stroke_max must not be negative");
    if (opt.last_char_steps < 1) return Status::error("last_char_steps must be at least 1");
    std::vector<int> codes;
    size_t own_chars = 0, prime_chars = 0;
    if (m.hp.kind == ModelKind::Synthesis) {
        // The priming text and the user's text are encoded apart: each has its own length limit,
        // and a position in a message or in replaced() refers to the user's text alone.
        EncodedText own;
        Status s = encode_text(m.alphabet, text, replacement, own);
        if (!s) return s;
        own_chars = own.text.size();
        for (const auto& u : own.unknown) replaced_.push_back({u.position, u.ch});
        text_.clear();
        if (prime && !prime->text.empty()) {
            EncodedText pe, sep;
            if (!(s = encode_text(m.alphabet, prime->text, replacement, pe))) return Status::error("priming text: " + s.message);
            text_ = pe.text;
            codes = pe.codes;
            prime_chars = pe.codes.size();
            if (prime->text.back() != ' ' && !text.empty() && text.front() != ' ') {
                if (!(s = encode_text(m.alphabet, " ", replacement, sep))) return Status::error("priming text: the space after it: " + s.message);
                text_ += sep.text;
                codes.insert(codes.end(), sep.codes.begin(), sep.codes.end());
            }
        }
        text_ += own.text;
        codes.insert(codes.end(), own.codes.begin(), own.codes.end());
    }
    state_ = make_state(m, codes);
    rng_ = Rng(opt.seed);
    last_ = Point{0, 0, 1};
    if (prime) {
        for (const Point& p : prime->points) {
            step(m, state_, last_);
            last_ = p;
        }
        if (prime_chars > 0 && !prime->points.empty()) catch_up_window(state_, static_cast<int>(prime_chars));
    }
    const int per_char = m.max_steps_per_char;
    max_steps_ = opt.max_steps > 0 ? opt.max_steps
                 : m.hp.kind == ModelKind::Synthesis ? per_char * static_cast<int>(own_chars) + 2 * per_char
                                                     : 700;
    stepping_ = true;
    return Status::success();
}

WindowReading read_window(const State& s) {
    WindowReading w;
    const int U = static_cast<int>(s.codes.size());
    for (int u = 0; u < U; ++u) {
        w.mass += s.phi[u];
        if (s.phi[u] > s.phi[w.peak]) w.peak = u;
    }
    w.past = attention_past_end(s);
    w.on_last = U > 0 && w.peak == U - 1;
    return w;
}

int catch_up_window(State& s, int prime_chars) {
    const int lag = (prime_chars - 1) - read_window(s).peak;
    if (lag < kWindowLagAllowed) return 0;
    s.kappa.array() += static_cast<float>(lag);
    return lag;
}

StopDecision StopRule::step(const WindowReading& w, bool pen_up) {
    if (w.on_last) {
        reached_last_ = true;
        ++last_char_steps_;
    }
    ++stroke_steps_;
    const bool collapsed = reached_last_ && w.mass < opt_.end_mass;  // the window was switched off
    const StopDecision d = checking_ ? check_held(w, collapsed, pen_up) : emit(w, collapsed, pen_up);
    if (pen_up) last_char_steps_ = stroke_steps_ = 0;
    return d;
}

StopDecision StopRule::check_held(const WindowReading& w, bool collapsed, bool pen_up) {
    ++held_;
    if (w.past) finished_ = true;  // the window moved on past the text: stop at the next pen lift
    if (collapsed) {
        // The window was switched off while this stroke was drawn: a stray mark after the end.
        held_ = 0;
        finished_ = true;
        return {StopDecision::Drop, true};
    }
    if (pen_up || held_ >= opt_.held_stroke_max) {
        // A real stroke (the last character may have several), or one too long for a stray mark.
        held_ = 0;
        checking_ = pen_up;
        return {StopDecision::Release, pen_up && finished_};
    }
    return {StopDecision::Hold, false};
}

StopDecision StopRule::emit(const WindowReading& w, bool collapsed, bool pen_up) {
    if (finished_ || w.past || collapsed) {
        // The window has left the text: finish the stroke being drawn, then stop.
        finished_ = true;
        return {StopDecision::Emit, pen_up || ++past_end_steps_ >= opt_.tail_steps};
    }
    // This stroke was written at the last character (all of it, when it is shorter than
    // last_char_steps, like a full stop): check the next one.
    if (pen_up && last_char_steps_ >= std::min(opt_.last_char_steps, stroke_steps_) && opt_.held_stroke_max > 0)
        checking_ = true;
    return {StopDecision::Emit, false};
}

// A sampled point as the generator hands it out: finite, each offset within kMaxSampledOffset.
static Point bounded(Point p) {
    if (!std::isfinite(p.dx) || !std::isfinite(p.dy)) return Point{0, 0, 1};
    p.dx = std::min(kMaxSampledOffset, std::max(-kMaxSampledOffset, p.dx));
    p.dy = std::min(kMaxSampledOffset, std::max(-kMaxSampledOffset, p.dy));
    return p;
}

Generator::Pending Generator::next_point() {
    const Model& m = *model_;
    mixture_from_output(m, state_.y, opt_.bias, mix_);
    Pending q;
    q.point = bounded(sample_point(mix_, rng_, opt_.greedy));
    last_ = q.point;
    if (opt_.diagnostics) {
        q.diag.mixture = mix_;
        if (m.hp.kind == ModelKind::Synthesis) {
            q.diag.phi.assign(state_.phi.data(), state_.phi.data() + state_.codes.size());
            q.diag.kappa.assign(state_.kappa.data(), state_.kappa.data() + state_.kappa.size());
        }
    }
    return q;
}

void Generator::advance() {
    step(*model_, state_, last_);
    after_step();
}

void Generator::after_step() {
    Pending q = next_point();
    ++steps_;
    if (model_->hp.kind != ModelKind::Synthesis) {
        ready_.push_back(std::move(q));
        if (steps_ >= max_steps_) stepping_ = false;
        return;
    }
    const WindowReading w = read_window(state_);
    const int U = static_cast<int>(state_.codes.size());
    q.peak = w.past || U == 0 ? U : w.peak;
    const bool pen_up = q.point.pen_up > 0.5f;
    apply(stop_.step(w, pen_up), std::move(q));
    if (stepping_ && steps_ >= max_steps_) {
        release_held();
        stepping_ = false;
    }
}

void Generator::apply(const StopDecision& d, Pending q) {
    if (d.kind == StopDecision::Emit) ready_.push_back(std::move(q));
    else held_.push_back(std::move(q));
    if (d.kind == StopDecision::Release) release_held();
    if (d.kind == StopDecision::Drop) {
        dropped_ += static_cast<int>(held_.size());
        steps_ -= static_cast<int>(held_.size());
        held_.clear();
    }
    if (d.stop) stepping_ = false;
}

void Generator::release_held() {
    for (Pending& h : held_) ready_.push_back(std::move(h));
    held_.clear();
}

int Generator::hand_out(int produced, int max_points, std::vector<Point>& out, std::vector<StepDiagnostics>* diag,
                        std::vector<int>* peaks) {
    for (; produced < max_points && !ready_.empty(); ++produced) {
        Pending& q = ready_.front();
        out.push_back(q.point);
        if (diag && opt_.diagnostics) diag->push_back(std::move(q.diag));
        if (peaks) peaks->push_back(q.peak);
        ready_.pop_front();
    }
    return produced;
}

int Generator::run(int max_points, std::vector<Point>& out, std::vector<StepDiagnostics>* diag,
                   std::vector<int>* peaks) {
    int produced = hand_out(0, max_points, out, diag, peaks);
    while (wants_step(produced, max_points)) {
        advance();
        produced = hand_out(produced, max_points, out, diag, peaks);
    }
    return produced;
}

void Generator::run_together(Generator* const* gens, int count, int max_points, std::vector<Point>* out,
                             std::vector<int>* peaks) {
    constexpr int kGroup = 16;  // generators per pass; a larger count runs in several passes
    for (int first = 0; first < count; first += kGroup) {
        const int n = std::min(kGroup, count - first);
        Generator* const* g = gens + first;
        int produced[kGroup] = {};
        bool repeat[kGroup] = {};  // a generator listed twice runs again after the batch, as in turn
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < i; ++j) repeat[i] = repeat[i] || g[i] == g[j];
        for (;;) {
            State* states[kGroup];
            Point inputs[kGroup];
            Generator* stepping[kGroup];
            int k = 0;
            for (int i = 0; i < n; ++i) {
                if (repeat[i]) continue;
                produced[i] = g[i]->hand_out(produced[i], max_points, out[first + i], nullptr, peaks ? &peaks[first + i] : nullptr);
                if (!g[i]->wants_step(produced[i], max_points)) continue;
                if (g[i]->model_ != g[0]->model_) {
                    produced[i] += g[i]->run(max_points - produced[i], out[first + i], nullptr, peaks ? &peaks[first + i] : nullptr);
                    continue;
                }
                states[k] = &g[i]->state_, inputs[k] = g[i]->last_, stepping[k++] = g[i];
            }
            if (k == 0) break;
            step_batch(*g[0]->model_, states, inputs, k);
            for (int i = 0; i < k; ++i) stepping[i]->after_step();
        }
        for (int i = 0; i < n; ++i)
            if (repeat[i]) g[i]->run(max_points, out[first + i], nullptr, peaks ? &peaks[first + i] : nullptr);
    }
}

}  // namespace hw
