// The long-text driver: a text written as a page in one hand, the same for `hw sample --text-file`
// (on the CLI's threads) and for the page and the widget (in their worker, through the WASM
// binding). It plans the lines (layout.h), writes the first one, measures the hand's advance and
// plans the page again once when the guess was more than 10 % off, primes the other lines with the
// first one (or a chosen hand), writes them, checks each line and writes a failed one again with
// its next seed, and places the page. It is resumable: start(), then step(n) until done(), with
// the lines' points streamed as events in reading order; nothing here blocks or spawns a thread.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "layout.h"
#include "model.h"

namespace hw {

constexpr int kLineAttempts = 4;  // tries per line before a line that fails the check is kept

// One planned line written with successive seeds (line_seed) until its check passes or the
// attempts are spent (the last attempt is kept then, with its failed check).
class LineWriter {
public:
    Status start(const Model& m, const PlannedLine& line, size_t index, const GenerateOptions& opt, const Priming* prime,
                 int max_attempts);
    // Up to n more points of the current attempt; an attempt that ends is checked, and a failed one
    // starts again with the next seed (restarts() counts those). Returns the points produced.
    Status run(int n, int& produced);
    // The same bookkeeping for points that generator() produced elsewhere (Generator::run_together).
    Status took(std::vector<Point>& pts, std::vector<int>& peaks, std::vector<StepDiagnostics>* diag);

    bool done() const { return done_; }
    Generator& generator() { return gen_; }
    const WrittenLine& written() const { return out_; }  // the current attempt (final once done())
    const std::string& generator_text() const { return gen_text_; }  // priming text first, then the line's
    const std::vector<int>& raw_peaks() const { return raw_peaks_; }  // per point: index in generator_text
    int restarts() const { return restarts_; }
    size_t offset() const { return offset_; }  // code points of priming text before the line's own

private:
    Status begin_attempt();
    Status end_attempt();

    const Model* model_ = nullptr;
    PlannedLine line_;
    size_t index_ = 0, offset_ = 0;
    GenerateOptions opt_;
    Priming prime_;
    bool primed_ = false;
    int max_attempts_ = 1, restarts_ = 0;
    Generator gen_;
    std::string gen_text_;
    std::vector<int> raw_peaks_;  // per point: index in the generator's text
    WrittenLine out_;
    bool done_ = false;
};

// Writes one planned line to the end with a LineWriter (tests, and callers without a page).
Status write_line(const Model& m, const PlannedLine& line, size_t index, const GenerateOptions& opt,
                  const Priming* prime, int max_attempts, WrittenLine& out);

struct PageRequest {
    std::u32string text;             // prepared: every character in the alphabet, newlines kept
    LayoutOptions layout;            // width and margins in writing units; advance 0: measured
    GenerateOptions gen;             // seed: the page's seed; diagnostics: per point
    const Priming* style = nullptr;  // a chosen hand; none: the text's own first line primes the rest
    int max_attempts = kLineAttempts;
    bool events = true;              // record events for take_events (the CLI needs none)
};

struct PageResult {
    std::vector<PlannedLine> plan;
    std::vector<WrittenLine> lines;
    PlacedPage placed;
    float advance = 0;  // the advance per character the plan used (writing units)
};

// What a reader of the page sees, in reading order: a line's events come once every line before it
// is final, so a line's points never interleave with another's.
struct PageEvent {
    enum class Kind {
        Plan,     // the lines are planned (again, after the first line measured the hand): result().plan
        Line,     // line `line` starts: `text` is the generator's (priming text first), `max_steps` its cap
        Points,   // more points of line `line`'s current attempt: `points`, `peaks` (in `text`), `diag`
        Restart,  // line `line` is written again: what was shown of it goes
        LineEnd,  // line `line` is final: result().lines[line]
        Placed,   // every line is placed: result().placed; the page is done
    };
    Kind kind = Kind::Plan;
    size_t line = 0;
    std::string text;  // Line
    int max_steps = 0;  // Line
    int steps = 0;      // Points: points of the attempt so far
    std::vector<Point> points;
    std::vector<int> peaks;  // per point: index in the Line event's text where the window peaked
    std::vector<StepDiagnostics> diag;
};

class PageWriter {
public:
    Status start(const Model& m, const PageRequest& req);
    // Every line being written produces up to n more points (together: one pass over the weights
    // per step for all; each line on its own when diagnostics are asked for), then settle().
    Status step(int n);
    bool done() const { return phase_ == Phase::Done; }
    // Stops writing: the lines in flight and the events not taken are dropped, and done() holds
    // (result() has the final lines so far, unplaced). A page is cancelled when its reader leaves.
    void cancel();
    bool cancelled() const { return cancelled_; }

    // For callers with threads (the CLI): the lines being written, each of which may run on its own
    // thread (run_line touches only its line), then settle() on one thread.
    std::vector<size_t> lines_in_flight() const;
    Status run_line(size_t line, int n);
    // Checks what the lines reached: after the first line, the advance and the rest of the page;
    // after the last, the placement.
    Status settle();

    std::vector<PageEvent> take_events();
    const PageResult& result() const { return result_; }

private:
    enum class Phase { First, Rest, Done };
    Status start_line(size_t i, const Priming* prime);
    Status after_first_line();
    Status replan(float advance, bool& first_changed);
    void note(size_t line, PageEvent e);
    void note_new_points(size_t line, size_t from);
    void line_final(size_t line);
    void release();

    const Model* model_ = nullptr;
    PageRequest req_;
    LayoutOptions lay_;
    PageResult result_;
    Priming own_;  // the first line as the hand of the rest (no chosen hand)
    std::vector<std::unique_ptr<LineWriter>> writers_;
    std::vector<size_t> shown_;     // per line: points of its current attempt already noted
    std::vector<int> restarts_;     // per line: the writer's restarts already noted
    std::vector<bool> final_;
    std::vector<std::vector<PageEvent>> pending_;  // per line, until every line before it is final
    std::vector<PageEvent> events_;                // released, for take_events
    size_t head_ = 0;                              // the first line not yet final
    bool replanned_ = false, cancelled_ = false;
    Phase phase_ = Phase::Done;
};

}  // namespace hw
