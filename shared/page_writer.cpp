#include "page_writer.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "text.h"

namespace hw {

// ---- one line --------------------------------------------------------------------------------

Status LineWriter::start(const Model& m, const PlannedLine& line, size_t index, const GenerateOptions& opt,
                         const Priming* prime, int max_attempts) {
    model_ = &m;
    line_ = line;
    index_ = index;
    opt_ = opt;
    primed_ = prime != nullptr;
    prime_ = prime ? *prime : Priming{};
    max_attempts_ = std::max(1, max_attempts);
    restarts_ = 0;
    done_ = false;
    return begin_attempt();
}

Status LineWriter::begin_attempt() {
    GenerateOptions o = opt_;
    o.seed = line_seed(opt_.seed, index_, restarts_);
    gen_ = Generator{};
    Status s = gen_.start(*model_, utf8_encode(line_.text), o, primed_ ? &prime_ : nullptr);
    if (!s) return Status::error("line " + std::to_string(index_ + 1) + ": " + s.message);
    offset_ = gen_.text().size() - line_.text.size();
    gen_text_ = utf8_encode(gen_.text());
    raw_peaks_.clear();
    out_ = WrittenLine{};
    out_.attempts = restarts_ + 1;
    out_.seed = o.seed;
    return s;
}

// The attempt's check; a failed one is written again with the next seed while attempts are left.
Status LineWriter::end_attempt() {
    out_.check = check_line(line_.text, offset_, raw_peaks_, gen_.finished());
    out_.finished = gen_.finished();
    if (out_.check.ok || restarts_ + 1 >= max_attempts_) {
        done_ = true;
        return Status::success();
    }
    ++restarts_;
    return begin_attempt();
}

Status LineWriter::run(int n, int& produced) {
    produced = 0;
    if (done_) return Status::success();
    std::vector<Point> pts;
    std::vector<int> peaks;
    std::vector<StepDiagnostics> diag;
    gen_.run(n, pts, opt_.diagnostics ? &diag : nullptr, &peaks);
    produced = static_cast<int>(pts.size());
    return took(pts, peaks, opt_.diagnostics ? &diag : nullptr);
}

Status LineWriter::took(std::vector<Point>& pts, std::vector<int>& peaks, std::vector<StepDiagnostics>* diag) {
    out_.points.insert(out_.points.end(), pts.begin(), pts.end());
    const int own = static_cast<int>(offset_);
    for (int p : peaks) out_.peaks.push_back(p < own ? -1 : p - own);
    raw_peaks_.insert(raw_peaks_.end(), peaks.begin(), peaks.end());
    if (diag) out_.diag.insert(out_.diag.end(), std::make_move_iterator(diag->begin()), std::make_move_iterator(diag->end()));
    return gen_.done() ? end_attempt() : Status::success();
}

Status write_line(const Model& m, const PlannedLine& line, size_t index, const GenerateOptions& opt, const Priming* prime,
                  int max_attempts, WrittenLine& out) {
    LineWriter w;
    Status s = w.start(m, line, index, opt, prime, max_attempts);
    for (int got = 0; s && !w.done();) s = w.run(4096, got);
    if (s) out = w.written();
    return s;
}

// ---- the page --------------------------------------------------------------------------------

namespace {

PageEvent event(PageEvent::Kind kind, size_t line = 0) {
    PageEvent e;
    e.kind = kind;
    e.line = line;
    return e;
}

// A first guess of the advance per character before any ink: the chosen hand's, else about one
// x-height.
float guess_advance(const Model& m, const Priming* style) {
    if (style && !style->points.empty()) {
        const float a = measure_advance(offsets_to_strokes(style->points, m.norm.scale_x, m.norm.scale_y),
                                        utf8_length(style->text));
        if (a > 0) return a;
    }
    return m.norm.line_height / kLineHeightPerXHeight;
}

}  // namespace

Status PageWriter::start(const Model& m, const PageRequest& req) {
    model_ = &m;
    req_ = req;
    result_ = PageResult{};
    events_.clear();
    head_ = 0;
    replanned_ = cancelled_ = false;
    phase_ = Phase::Done;
    lay_ = req.layout;
    lay_.advance = lay_.advance > 0 ? lay_.advance : guess_advance(m, req.style);
    Status s = plan_lines(req.text, lay_, result_.plan);
    if (!s) return s;
    result_.advance = lay_.advance;
    writers_.clear();
    writers_.resize(result_.plan.size());
    shown_.assign(result_.plan.size(), 0);
    restarts_.assign(result_.plan.size(), 0);
    final_.assign(result_.plan.size(), false);
    pending_.assign(result_.plan.size(), {});
    result_.lines.assign(result_.plan.size(), WrittenLine{});
    note(0, event(PageEvent::Kind::Plan));
    phase_ = Phase::First;
    return start_line(0, req.style);
}

Status PageWriter::start_line(size_t i, const Priming* prime) {
    writers_[i] = std::make_unique<LineWriter>();
    Status s = writers_[i]->start(*model_, result_.plan[i], i, req_.gen, prime, req_.max_attempts);
    if (!s) return s;
    shown_[i] = 0;
    restarts_[i] = 0;
    PageEvent e = event(PageEvent::Kind::Line, i);
    e.text = writers_[i]->generator_text();
    e.max_steps = writers_[i]->generator().max_steps();
    note(i, std::move(e));
    return s;
}

std::vector<size_t> PageWriter::lines_in_flight() const {
    std::vector<size_t> out;
    for (size_t i = 0; i < writers_.size(); ++i)
        if (writers_[i] && !final_[i] && !writers_[i]->done()) out.push_back(i);
    return out;
}

Status PageWriter::run_line(size_t line, int n) {
    LineWriter& w = *writers_[line];
    for (int left = n; left > 0 && !w.done();) {
        int got = 0;
        Status s = w.run(left, got);
        if (!s) return s;
        left -= got;
    }
    return Status::success();
}

Status PageWriter::step(int n) {
    if (done()) return Status::success();
    const std::vector<size_t> live = lines_in_flight();
    if (req_.gen.diagnostics || live.size() < 2) {
        for (size_t i : live) {
            int got = 0;
            Status s = writers_[i]->run(n, got);
            if (!s) return s;
        }
        return settle();
    }
    std::vector<Generator*> gens;
    for (size_t i : live) gens.push_back(&writers_[i]->generator());
    std::vector<std::vector<Point>> pts(live.size());
    std::vector<std::vector<int>> peaks(live.size());
    Generator::run_together(gens.data(), static_cast<int>(gens.size()), n, pts.data(), peaks.data());
    for (size_t k = 0; k < live.size(); ++k) {
        Status s = writers_[live[k]]->took(pts[k], peaks[k], nullptr);
        if (!s) return s;
    }
    return settle();
}

Status PageWriter::settle() {
    for (size_t i = 0; i < writers_.size(); ++i)
        if (writers_[i] && !final_[i]) note_new_points(i, shown_[i]);
    if (phase_ == Phase::First) return writers_[0]->done() ? after_first_line() : Status::success();
    if (phase_ != Phase::Rest) return Status::success();
    for (size_t i = 0; i < writers_.size(); ++i)
        if (writers_[i] && !final_[i] && writers_[i]->done()) line_final(i);
    if (std::find(final_.begin(), final_.end(), false) != final_.end()) return Status::success();
    result_.placed = place_lines(*model_, result_.plan, result_.lines, lay_);
    note(result_.plan.size() - 1, event(PageEvent::Kind::Placed));
    phase_ = Phase::Done;
    return Status::success();
}

// The first line is written: the hand's own advance, measured on it, plans the page again (once)
// when the guess was off by more than 10 %; then the other lines start, primed with it.
Status PageWriter::after_first_line() {
    const WrittenLine& first = writers_[0]->written();
    const float measured = measure_advance(offsets_to_strokes(first.points, model_->norm.scale_x, model_->norm.scale_y),
                                           result_.plan[0].text.size());
    if (!replanned_ && req_.layout.advance <= 0 && measured > 0 && std::fabs(measured / lay_.advance - 1) > 0.1f) {
        bool first_changed = false;
        Status s = replan(measured, first_changed);
        if (!s || first_changed) return s;
    }
    line_final(0);
    own_ = priming_from_line(result_.lines[0], result_.plan[0]);
    phase_ = Phase::Rest;
    for (size_t i = 1; i < result_.plan.size(); ++i) {
        Status s = start_line(i, req_.style ? req_.style : &own_);
        if (!s) return s;
    }
    return settle();  // a one-line page is placed at once
}

Status PageWriter::replan(float advance, bool& first_changed) {
    replanned_ = true;
    const std::u32string first = result_.plan[0].text;
    lay_.advance = advance;
    result_.advance = advance;
    Status s = plan_lines(req_.text, lay_, result_.plan);
    if (!s) return s;
    const size_t n = result_.plan.size();
    writers_.resize(n);
    shown_.resize(n, 0);
    restarts_.resize(n, 0);
    final_.assign(n, false);
    pending_.resize(n);
    result_.lines.assign(n, WrittenLine{});
    note(0, event(PageEvent::Kind::Plan));
    first_changed = result_.plan[0].text != first;
    if (!first_changed) return s;
    note(0, event(PageEvent::Kind::Restart, 0));
    return start_line(0, req_.style);
}

// Events of the head line go out at once; a later line's wait until every line before it is final.
void PageWriter::note(size_t line, PageEvent e) {
    if (!req_.events) return;
    if (line <= head_ || e.kind == PageEvent::Kind::Plan || e.kind == PageEvent::Kind::Placed) {
        events_.push_back(std::move(e));
        return;
    }
    std::vector<PageEvent>& wait = pending_[line];
    if (e.kind == PageEvent::Kind::Restart) {  // nothing of it was shown: its points so far just go
        wait.erase(std::remove_if(wait.begin(), wait.end(), [](const PageEvent& p) { return p.kind == PageEvent::Kind::Points; }),
                   wait.end());
        return;
    }
    wait.push_back(std::move(e));
}

// The points of line i's current attempt from `from` on (after a restart: from its start).
void PageWriter::note_new_points(size_t i, size_t from) {
    const LineWriter& w = *writers_[i];
    if (w.restarts() != restarts_[i]) {
        restarts_[i] = w.restarts();
        note(i, event(PageEvent::Kind::Restart, i));
        from = 0;
    }
    const WrittenLine& now = w.written();
    shown_[i] = now.points.size();
    if (from >= now.points.size() || !req_.events) return;
    PageEvent e = event(PageEvent::Kind::Points, i);
    e.steps = static_cast<int>(now.points.size());
    e.points.assign(now.points.begin() + static_cast<long>(from), now.points.end());
    e.peaks.assign(w.raw_peaks().begin() + static_cast<long>(from), w.raw_peaks().end());
    if (now.diag.size() == now.points.size()) e.diag.assign(now.diag.begin() + static_cast<long>(from), now.diag.end());
    note(i, std::move(e));
}

void PageWriter::line_final(size_t i) {
    result_.lines[i] = writers_[i]->written();
    final_[i] = true;
    note(i, event(PageEvent::Kind::LineEnd, i));
    writers_[i].reset();  // its generator is no longer needed
    release();
}

// The head moves past final lines; each new head's waiting events go out.
void PageWriter::release() {
    while (head_ < final_.size() && final_[head_]) {
        ++head_;
        if (head_ >= pending_.size()) break;
        for (PageEvent& e : pending_[head_]) events_.push_back(std::move(e));
        pending_[head_].clear();
    }
}

void PageWriter::cancel() {
    writers_.clear();
    pending_.clear();
    events_.clear();
    cancelled_ = true;
    phase_ = Phase::Done;
}

std::vector<PageEvent> PageWriter::take_events() {
    std::vector<PageEvent> out;
    out.swap(events_);
    return out;
}

}  // namespace hw
