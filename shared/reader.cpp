#include "reader.h"

#include <cmath>
#include <limits>

#include "gates.h"
#include "kernels.h"
#include "text.h"

namespace hw {

int ctc_class(const CtcInfo& ctc, int code) { return ctc.blank == 0 ? code + 1 : code; }

int ctc_code(const CtcInfo& ctc, int cls) {
    if (cls == ctc.blank) return -1;
    return ctc.blank == 0 ? cls - 1 : cls;
}

int frame_count(int points, int subsample) { return (points + subsample - 1) / subsample; }

std::vector<int> ctc_collapse(const std::vector<int>& path, int blank) {
    std::vector<int> out;
    int prev = -1;
    for (int c : path) {
        if (c != prev && c != blank) out.push_back(c);
        prev = c;
    }
    return out;
}

namespace {

// The best class of frame t (the first of equal ones).
int best_class(const FrameLogProbs& lp, Eigen::Index t) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < lp.cols(); ++c)
        if (lp(t, c) > lp(t, best)) best = c;
    return static_cast<int>(best);
}

// The characters of CTC classes (none of them the blank).
std::u32string class_text(const Model& m, const std::vector<int>& classes) {
    std::u32string text;
    for (int cls : classes) text += m.alphabet[static_cast<size_t>(ctc_code(m.ctc, cls))];
    return text;
}

// The frames of a line: row f holds points fk .. fk+k-1, each as (dx, dy, pen_up), zeros past
// the line's end.
RowMatrix frames_of(const std::vector<Point>& pts, int k) {
    RowMatrix x = RowMatrix::Zero(frame_count(static_cast<int>(pts.size()), k), kPointDim * k);
    for (size_t i = 0; i < pts.size(); ++i) {
        float* p = x.data() + static_cast<Eigen::Index>(i / k) * x.cols() + kPointDim * static_cast<Eigen::Index>(i % k);
        p[0] = pts[i].dx;
        p[1] = pts[i].dy;
        p[2] = pts[i].pen_up;
    }
    return x;
}

// One direction of one layer over the frames: h_t from [in_t, h_{t-1}] (h_{t+1} when `reverse`),
// written to columns [col, col + H) of row t of `out`.
void run_direction(const LstmWeights& w, Isa isa, const RowMatrix& in, bool reverse, RowMatrix& out, Eigen::Index col) {
    const Eigen::Index H = w.b.size() / 4, F = in.rows(), I = in.cols();
    Vector x(I + H), gates(4 * H), h = Vector::Zero(H), c = Vector::Zero(H);
    for (Eigen::Index i = 0; i < F; ++i) {
        const Eigen::Index t = reverse ? F - 1 - i : i;
        x.head(I) = in.row(t).transpose();
        x.tail(H) = h;
        matvec_add(w.w, x.data(), w.b.data(), gates.data(), isa);
        lstm_update_units(gates.data(), c.data(), h.data(), static_cast<int>(H), isa);
        out.block(t, col, 1, H) = h.transpose();
    }
}

// Each row z becomes z - log(sum(exp(z))), the largest entry taken out first.
void log_softmax_rows(RowMatrix& z) {
    for (Eigen::Index t = 0; t < z.rows(); ++t) {
        const float mx = z.row(t).maxCoeff();
        double sum = 0;
        for (Eigen::Index c = 0; c < z.cols(); ++c) sum += fexp(z(t, c) - mx);
        z.row(t).array() -= mx + static_cast<float>(dlog(sum));
    }
}

Status check_points(const std::vector<Point>& pts) {
    if (pts.empty()) return Status::error("no points to read");
    if (pts.size() > static_cast<size_t>(kMaxReadPoints))
        return Status::error("the line has " + std::to_string(pts.size()) + " points, more than the " +
                             std::to_string(kMaxReadPoints) + " the recognizer reads");
    for (size_t i = 0; i < pts.size(); ++i)
        if (!std::isfinite(pts[i].dx) || !std::isfinite(pts[i].dy) || !std::isfinite(pts[i].pen_up))
            return Status::error("point " + std::to_string(i + 1) + " is not finite");
    return Status::success();
}

// Word [a, b) of the labels judged over its frames in the forced alignment `states` (which visits
// every label, so the word has frames).
void judge_word(const Model& m, const FrameLogProbs& lp, const std::vector<int>& states, const std::vector<int>& labels, size_t a,
                size_t b, WordCheck& w) {
    int first = -1, last = -1;
    for (size_t t = 0; t < states.size(); ++t) {
        if (states[t] % 2 == 0) continue;  // a blank
        const size_t u = static_cast<size_t>(states[t] - 1) / 2;
        if (u == a && first < 0) first = static_cast<int>(t);
        if (u + 1 == b) last = static_cast<int>(t);
    }
    std::vector<int> path;
    for (int t = first; t <= last; ++t) {
        const int best = best_class(lp, t), s = states[static_cast<size_t>(t)];
        path.push_back(best);
        w.gap_nats += static_cast<double>(lp(t, best)) - lp(t, s % 2 == 0 ? m.ctc.blank : labels[static_cast<size_t>(s - 1) / 2]);
    }
    w.first_frame = first;
    w.frames = last - first + 1;
    w.read = class_text(m, ctc_collapse(path, m.ctc.blank));
    w.ok = w.read == w.word && w.gap_nats <= m.ctc.check_nats;
}

}  // namespace

std::vector<int> best_path(const FrameLogProbs& lp) {
    std::vector<int> path;
    for (Eigen::Index t = 0; t < lp.rows(); ++t) path.push_back(best_class(lp, t));
    return path;
}

bool forced_alignment(const FrameLogProbs& lp, const std::vector<int>& labels, int blank, std::vector<int>& states, double& score) {
    const int64_t F = lp.rows(), S = 2 * static_cast<int64_t>(labels.size()) + 1;
    states.clear();
    if (F == 0 || F > kMaxAlignmentCells / S) return false;
    const auto label = [&](int64_t s) { return s % 2 == 0 ? blank : labels[static_cast<size_t>(s - 1) / 2]; };
    const double none = -std::numeric_limits<double>::infinity();
    std::vector<double> prev(static_cast<size_t>(S), none), cur(static_cast<size_t>(S));
    std::vector<uint8_t> back(static_cast<size_t>(F * S), 0);  // how many states back frame t's state s came from
    prev[0] = lp(0, blank);
    if (S > 1) prev[1] = lp(0, label(1));
    for (int64_t t = 1; t < F; ++t) {
        for (int64_t s = 0; s < S; ++s) {
            double best = prev[static_cast<size_t>(s)];
            uint8_t from = 0;
            if (s >= 1 && prev[static_cast<size_t>(s - 1)] > best) best = prev[static_cast<size_t>(s - 1)], from = 1;
            if (s >= 3 && s % 2 == 1 && label(s) != label(s - 2) && prev[static_cast<size_t>(s - 2)] > best)
                best = prev[static_cast<size_t>(s - 2)], from = 2;
            cur[static_cast<size_t>(s)] = best + lp(t, label(s));
            back[static_cast<size_t>(t * S + s)] = from;
        }
        prev.swap(cur);
    }
    int64_t s = S > 1 && prev[static_cast<size_t>(S - 2)] > prev[static_cast<size_t>(S - 1)] ? S - 2 : S - 1;
    if (prev[static_cast<size_t>(s)] == none) return false;
    score = prev[static_cast<size_t>(s)];
    states.assign(static_cast<size_t>(F), 0);
    for (int64_t t = F - 1; t >= 0; --t) {
        states[static_cast<size_t>(t)] = static_cast<int>(s);
        s -= back[static_cast<size_t>(t * S + s)];
    }
    return true;
}

Status Recognizer::load(const Model& m) {
    m_ = nullptr;
    if (m.hp.kind != ModelKind::Recognizer)
        return Status::error(std::string("a ") + kind_name(m.hp.kind) + " model cannot read ink (a recognizer model can)");
    m_ = &m;
    return Status::success();
}

Status Recognizer::read(const std::vector<Point>& points, FrameLogProbs& out) const {
    if (!m_) return Status::error("no recognizer model is loaded");
    Status s = check_points(points);
    if (!s) return s;
    const HParams& hp = m_->hp;
    RowMatrix in = frames_of(points, hp.subsample);
    for (int l = 0; l < hp.layers; ++l) {
        RowMatrix next(in.rows(), 2 * hp.hidden);
        run_direction(m_->lstm[2 * l], m_->isa, in, false, next, 0);
        run_direction(m_->lstm[2 * l + 1], m_->isa, in, true, next, hp.hidden);
        in.swap(next);
    }
    out.resize(in.rows(), ctc_classes(hp));
    for (Eigen::Index t = 0; t < in.rows(); ++t)
        matvec_add(m_->ctc_w, in.row(t).data(), m_->ctc_b.data(), out.row(t).data(), m_->isa);
    log_softmax_rows(out);
    return Status::success();
}

std::u32string Recognizer::greedy_decode(const FrameLogProbs& lp) const {
    if (!m_) return U"";
    return class_text(*m_, ctc_collapse(best_path(lp), m_->ctc.blank));
}

Status Recognizer::check(const std::string& text, const std::vector<Point>& points, std::vector<WordCheck>& out) const {
    FrameLogProbs lp;
    Status s = read(points, lp);
    if (!s) return s;
    return check_frames(text, lp, out);
}

Status Recognizer::check_frames(const std::string& text, const FrameLogProbs& lp, std::vector<WordCheck>& out) const {
    out.clear();
    if (!m_) return Status::error("no recognizer model is loaded");
    EncodedText enc;
    Status s = encode_text(m_->alphabet, text, 0, enc);
    if (!s) return s;
    std::vector<int> labels, states;
    for (int code : enc.codes) labels.push_back(ctc_class(m_->ctc, code));
    double score = 0;
    const bool aligned = forced_alignment(lp, labels, m_->ctc.blank, states, score);
    for (size_t a = 0; a < enc.text.size();) {
        if (enc.text[a] == U' ') { ++a; continue; }
        size_t b = a;
        while (b < enc.text.size() && enc.text[b] != U' ') ++b;
        WordCheck w;
        w.word = enc.text.substr(a, b - a);
        w.position = a;
        if (aligned) judge_word(*m_, lp, states, labels, a, b, w);
        out.push_back(std::move(w));
        a = b;
    }
    return Status::success();
}

}  // namespace hw
