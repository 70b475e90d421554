// Ink records read for a command (sample --prime-ink, score --ink), with the one rule for the
// records the reader skips: each is reported on standard error as FILE:LINE: what.
#pragma once
#include <string>
#include <vector>

#include "ink_file.h"

namespace hw {

// `skipped`: how many records were reported and left out.
Status read_ink_reporting(const std::string& path, std::vector<InkLine>& lines, size_t& skipped);

}  // namespace hw
