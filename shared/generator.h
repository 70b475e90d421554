// Sampling (eqs. 61-62), priming (section 5.5) and the generation loop with the stop rule (5.3).
#pragma once
#include <deque>
#include <string>
#include <vector>

#include "ink.h"
#include "network.h"
#include "rng.h"

namespace hw {

// The largest offset (normalised units) the generator hands out: a sample beyond it (a mixture
// with an overflowing sigma) is clamped, and a non-finite one becomes 0 with the pen lifted, so no
// front end ever meets a non-finite number. Real samples are below ~50.
constexpr float kMaxSampledOffset = 1000.0f;

// Draws the next point from a mixture; greedy takes the most likely component's mean and lifts
// the pen when e > 0.5.
Point sample_point(const Mixture& mix, Rng& rng, bool greedy);

// Diagnostics of one step, produced only on request.
struct StepDiagnostics {
    std::vector<float> phi;    // [U] window weights over the text (synthesis)
    std::vector<float> kappa;  // [K] window positions (synthesis)
    Mixture mixture;           // the biased mixture the point was drawn from
};

struct GenerateOptions {
    float bias = 0.0f;
    uint64_t seed = 0;
    bool greedy = false;
    int max_steps = 0;         // 0: the model's max_steps_per_char * characters (+ a margin)
    int tail_steps = 30;       // after the window passes the end, wait at most this long for a pen lift
    // The window has been switched off when its weights over the text sum to less than this
    // after it has reached the last character (a written line ends so); generation stops.
    float end_mass = 0.05f;
    // A stroke written with the window on the last character for at least `last_char_steps`
    // steps (or for all of its steps, when it is shorter: a full stop) may complete the text. The strokes after it are held back until the pen lifts; one
    // during which the window is switched off is a stray mark after the end and is dropped. A
    // held stroke longer than `held_stroke_max` points is let through (0: hold nothing back).
    int last_char_steps = 3;
    int held_stroke_max = 60;
    bool diagnostics = false;
};

// Ink that primes the network (section 5.5): points in normalised units and the text they show.
struct Priming {
    std::vector<Point> points;
    std::string text;  // UTF-8
};

// Where the window is after a synthesis step.
struct WindowReading {
    int peak = 0;          // index of the character with the largest weight
    float mass = 0;        // the weights' sum over the text
    bool past = false;     // past the end of the text (attention_past_end)
    bool on_last = false;  // the peak is on the last character
};
WindowReading read_window(const State& s);

// After priming, the window should rest on the priming text's last character. When it lags
// behind (the network read the priming ink more slowly than it was written), the network would
// write the rest of the priming text again before the user's ("ed. Meet me" after "House was
// crowded."). A lag of kWindowLagAllowed characters or more moves every window position forward
// by the lag; returns the characters moved (0: none).
constexpr int kWindowLagAllowed = 2;
int catch_up_window(State& s, int prime_chars);

// What the stop rule decides for one point of a synthesis line.
struct StopDecision {
    enum Kind {
        Emit,     // hand the point out
        Hold,     // keep it back with the stroke under check
        Release,  // the held stroke and this point are real: hand them out
        Drop,     // the held stroke and this point are a stray mark after the end: drop them
    };
    Kind kind = Emit;
    bool stop = false;  // stop stepping after this point
};

// Graves' end-of-text rule (section 5.3) with the check for a stray stroke after the last
// character (GenerateOptions). Fed one step at a time; knows nothing of the network.
class StopRule {
public:
    explicit StopRule(const GenerateOptions& opt = GenerateOptions{}) : opt_(opt) {}
    StopDecision step(const WindowReading& w, bool pen_up);
    bool finished() const { return finished_; }  // the window reached the end of the text

private:
    StopDecision check_held(const WindowReading& w, bool collapsed, bool pen_up);
    StopDecision emit(const WindowReading& w, bool collapsed, bool pen_up);

    GenerateOptions opt_;
    int held_ = 0, past_end_steps_ = 0, last_char_steps_ = 0, stroke_steps_ = 0;
    bool finished_ = false, reached_last_ = false, checking_ = false;
};

// Incremental generation for front ends that draw as points arrive (the web worker, the CLI).
class Generator {
public:
    // Text is UTF-8; characters outside the alphabet are an error naming them, unless
    // `replacement` (a character of the alphabet) is given. Unconditional models ignore text.
    Status start(const Model& m, const std::string& text, const GenerateOptions& opt,
                 const Priming* prime = nullptr, char32_t replacement = 0);

    // Produces up to `max_points` more points (appended to `out`); returns how many. With
    // opt.diagnostics, `diag` gets one entry per point; `peaks` gets, per point, the index in
    // text() where the window weights peaked at that step (U: past the end; synthesis only).
    int run(int max_points, std::vector<Point>& out, std::vector<StepDiagnostics>* diag = nullptr,
            std::vector<int>* peaks = nullptr);

    // Several generators, each started, produce up to `max_points` more points each (appended to
    // out[i], and the window's peaks to peaks[i] when peaks is given): exactly what calling run()
    // on each in turn gives, bit for bit, but their network steps are taken together (step_batch),
    // one pass over the weights per step for all of them. A generator of another model than the
    // first one's runs on its own, and one listed again runs again after the others (as run() in
    // turn would). No diagnostics are collected here.
    static void run_together(Generator* const* gens, int count, int max_points, std::vector<Point>* out,
                             std::vector<int>* peaks = nullptr);

    bool done() const { return !stepping_ && ready_.empty(); }
    bool finished() const { return stop_.finished(); }  // the window reached the end of the text
    int steps() const { return steps_; }  // points produced (dropped stray points not counted)
    int dropped() const { return dropped_; }  // points of a stray stroke after the end, not produced
    int max_steps() const { return max_steps_; }
    const std::u32string& text() const { return text_; }
    const std::vector<std::pair<size_t, char32_t>>& replaced() const { return replaced_; }
    const State& state() const { return state_; }

private:
    struct Pending {
        Point point;
        int peak = 0;
        StepDiagnostics diag;
    };
    void advance();       // one network step and sample, queued in ready_ or held_
    void after_step();    // the rest of advance() once the network has stepped
    Pending next_point(); // the sample after a network step, with diagnostics when asked
    // Hands out ready points until `produced` reaches max_points; returns the new count.
    int hand_out(int produced, int max_points, std::vector<Point>& out, std::vector<StepDiagnostics>* diag,
                 std::vector<int>* peaks);
    bool wants_step(int produced, int max_points) const { return produced < max_points && ready_.empty() && stepping_; }
    void apply(const StopDecision& d, Pending q);
    void release_held();  // the held stroke is real: queue it for run()

    const Model* model_ = nullptr;
    GenerateOptions opt_;
    State state_;
    Rng rng_;
    StopRule stop_;
    Mixture mix_;
    Point last_;
    std::u32string text_;
    std::vector<std::pair<size_t, char32_t>> replaced_;
    std::deque<Pending> ready_;   // produced, not yet handed out by run()
    std::vector<Pending> held_;   // the stroke under check after the window reached the last character
    int steps_ = 0, max_steps_ = 0, dropped_ = 0;
    bool stepping_ = false;       // the network still steps (done() also waits for ready_ to drain)
};

}  // namespace hw
