// Ink files (docs/INK.md) on disk, read and written through the core's reader (ink_jsonl.h).
#pragma once
#include <string>
#include <vector>

#include "ink_jsonl.h"

namespace hw {

// Reads a whole file: bad records are reported and skipped; a file with no good record is an error.
Status read_ink_file(const std::string& path, std::vector<InkLine>& out, InkReadReport& report);
Status write_ink_file(const std::string& path, const std::vector<InkLine>& lines);

}  // namespace hw
