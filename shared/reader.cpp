#include "reader.h"

#include <cmath>

#include "gates.h"
#include "kernels.h"

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

}  // namespace

std::vector<int> best_path(const FrameLogProbs& lp) {
    std::vector<int> path;
    for (Eigen::Index t = 0; t < lp.rows(); ++t) path.push_back(best_class(lp, t));
    return path;
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

}  // namespace hw
