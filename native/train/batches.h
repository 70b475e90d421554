// Training batches: lines bucketed by length (sorted, cut into batches, batch order shuffled each
// epoch), padded, with a mask over the real points. Inputs are the start token (0, 0, 1) followed
// by the line's points; targets are the points (Graves: predict x_{t+1} from x_1..x_t). The
// recognizer reads the targets (the line's own points) and learns the text's CTC classes.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "dataset.h"
#include "status.h"

namespace hw {

struct Batch {
    torch::Tensor x;       // [T, B, 3] inputs, normalised offsets
    torch::Tensor target;  // [T, B, 3]
    torch::Tensor mask;    // [T, B] 1 where a real point is predicted
    torch::Tensor text;    // [B, U, V] one-hot (synthesis)
    torch::Tensor labels;  // [sum of label_lengths] int64 CTC classes of the lines' texts, one line after another (recognizer)
    std::vector<int64_t> lengths;        // points of each line
    std::vector<int64_t> label_lengths;  // characters of each line's text (recognizer)
    int64_t points = 0;    // real points in the batch
    int64_t lines = 0;
    Batch to(const torch::Device& d) const;
};

// Indices of `lines` (the first `count` only, when given) grouped into batches of similar length,
// each at most `batch_size` lines and at most `max_points` padded points (T * B).
std::vector<std::vector<size_t>> bucket_batches(const std::vector<DataLine>& lines, size_t batch_size, int64_t max_points,
                                                size_t count = SIZE_MAX);

// Keeps the lines of more than one point whose text is UTF-8, not empty and written in `alphabet`;
// returns how many were dropped.
size_t keep_writable_lines(std::vector<DataLine>& lines, const std::u32string& alphabet);

// Maps each line's text through the model alphabet; a character missing from it is an error.
struct BatchMaker {
    const Dataset* data = nullptr;
    std::u32string alphabet;  // the model's
    bool with_text = true;     // the one-hot text (synthesis)
    bool with_labels = false;  // the CTC classes of the text (recognizer), the blank where `ctc` says
    CtcInfo ctc;
    // Fails naming the line whose text is not UTF-8 or holds a character outside the alphabet.
    Status make(const std::vector<DataLine>& lines, const std::vector<size_t>& idx, Batch& out) const;
};

}  // namespace hw
