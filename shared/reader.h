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

// The best path that labels the frames with `labels` (CTC: the labels in order, each over one or
// more frames, blanks before, between and after them; a class repeated in `labels` needs a blank
// between): per frame its state in the extended sequence (blank, l1, blank, l2, ..., lU, blank),
// state s holding labels[(s - 1) / 2] when odd, and its log-likelihood. False when no path of the
// frames gives the labels, or the table would pass kMaxAlignmentCells.
constexpr int64_t kMaxAlignmentCells = int64_t(1) << 24;  // 16 MB of back pointers: 200 characters over 40,000 frames
bool forced_alignment(const FrameLogProbs& lp, const std::vector<int>& labels, int blank, std::vector<int>& states, double& score);

// One word of a checked line (a run of characters between spaces).
struct WordCheck {
    std::u32string word;       // as the model alphabet writes it (typography mapped)
    size_t position = 0;       // index of its first character in the encoded line (code points)
    int first_frame = 0;       // its frames in the forced alignment of the whole line
    int frames = 0;            // 0 when the line cannot be aligned with its text
    std::u32string read;       // the greedy decoding of those frames
    double gap_nats = 0;       // the best path's log-likelihood over those frames minus the forced path's
    bool ok = false;           // read == word and gap_nats <= the model's ctc.check_nats
};

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

    // Whether the ink says `text` (UTF-8, encoded with the model alphabet as the synthesis network
    // encodes it; a character outside it is an error naming it), word by word: the line is
    // force-aligned with its text, and each word is judged over its own frames (WordCheck::ok).
    // A line whose frames no path can label with the text fails in every word (frames = 0).
    [[nodiscard]] Status check(const std::string& text, const std::vector<Point>& points, std::vector<WordCheck>& out) const;
    [[nodiscard]] Status check_frames(const std::string& text, const FrameLogProbs& lp, std::vector<WordCheck>& out) const;

private:
    const Model* m_ = nullptr;
};

}  // namespace hw
