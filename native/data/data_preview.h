// A contact sheet of dataset lines: each drawn with its text and source beneath, to look at.
#pragma once
#include <string>

#include "dataset.h"

namespace hw {

// Up to `count` lines spread evenly over train then valid, in two columns.
std::string preview_svg(const Dataset& d, size_t count);

}  // namespace hw
