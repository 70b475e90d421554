// The recognizer (issue 23): a bidirectional LSTM over frames of on-line ink (k consecutive points
// of normalised offsets and pen lifts joined into one frame) with a linear CTC output over the
// model alphabet and the blank. The trainer's network (native/train/nets.cpp) computes the same;
// tests/test_parity.cpp holds the two to it.
#pragma once
#include <string>
#include <vector>

#include "network.h"

namespace hw {

// Per frame log-probabilities of the CTC classes, [frames, V+1] (each row's exponentials sum to 1).
using FrameLogProbs = RowMatrix;

// The CTC class of alphabet index `code`, and the alphabet index of class `cls` (-1: the blank).
int ctc_class(const CtcInfo& ctc, int code);
int ctc_code(const CtcInfo& ctc, int cls);

// Frames of a line of `points` points joined `subsample` at a time (the last frame padded with
// zero points).
int frame_count(int points, int subsample);

// The longest line the recognizer reads, in points.
constexpr int kMaxReadPoints = 1 << 20;

// The labelling of a path: runs of one class merged, then blanks dropped. `path` holds one class
// per frame.
std::vector<int> ctc_collapse(const std::vector<int>& path, int blank);

// The best class of each frame (the first of equal ones).
std::vector<int> best_path(const FrameLogProbs& lp);

class Recognizer {
public:
    // Takes a model of kind recognizer, which must outlive this object.
    [[nodiscard]] Status load(const Model& m);
    bool loaded() const { return m_ != nullptr; }
    const Model& model() const { return *m_; }

    // The log-probabilities of every frame of a line: `points` as normalised offsets (the
    // dataset's units divided by norm.scale, as every network takes them; prepare_ink gives them
    // from strokes). Fails on an empty line, a non-finite point or more than kMaxReadPoints.
    [[nodiscard]] Status read(const std::vector<Point>& points, FrameLogProbs& out) const;

    // The best path's labelling as text (ctc_collapse of best_path, classes to characters).
    std::u32string greedy_decode(const FrameLogProbs& lp) const;

private:
    const Model* m_ = nullptr;
};

}  // namespace hw
