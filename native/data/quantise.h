// The data builder's step from raw lines to the cached dataset: absolute strokes -> 16-bit
// offsets, and the statistics of the training lines that travel into the model header.
#pragma once
#include <string>
#include <vector>

#include "dataset.h"
#include "raw_line.h"

namespace hw {

// Absolute offsets -> quanta. The running position is rounded, not each step, so no drift builds
// up. Fails with `why` when a step does not fit 16 bits or the line has no points.
bool quantise_line(const RawLine& in, float quantum, DataLine& out, std::string& why);

// Standard deviations of dx, dy; mean pen-down step; median `ink_height` of the lines.
Normalisation compute_norm(const std::vector<DataLine>& train, float quantum);
// The characters of the training lines, sorted by code point.
std::u32string collect_alphabet(const std::vector<DataLine>& train);

}  // namespace hw
