// Training batches: lines bucketed by length (sorted, cut into batches, batch order shuffled each
// epoch), padded, with a mask over the real points. Inputs are the start token (0, 0, 1) followed
// by the line's points; targets are the points (Graves: predict x_{t+1} from x_1..x_t).
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dataset.h"
#include "status.h"

namespace hw {

struct Batch {
    torch::Tensor x;       // [T, B, 3] inputs, normalised offsets
    torch::Tensor target;  // [T, B, 3]
    torch::Tensor mask;    // [T, B] 1 where a real point is predicted
    torch::Tensor text;    // [B, U, V] one-hot (synthesis)
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
    bool with_text = true;
    // Fails naming the line whose text is not UTF-8 or holds a character outside the alphabet.
    Status make(const std::vector<DataLine>& lines, const std::vector<size_t>& idx, Batch& out) const;
    // The same from lines of several sets (rehearsal.h); a failure names the line's place in the batch.
    Status make(const std::vector<const DataLine*>& lines, Batch& out) const;

private:
    Status make_named(const std::vector<const DataLine*>& lines, const std::function<std::string(size_t)>& name, Batch& out) const;
};

}  // namespace hw
