// User ink (docs/INK.md, read by ink_jsonl.h) as a data source: for fine-tuning on your own handwriting.
#pragma once
#include <string>

#include "raw_line.h"

namespace hw {

// Reads one JSONL file: bad records are skipped with their path:line; the file is scaled so its
// median line height is kTargetLineHeight and paced like the corpus (shared/ink: pace_strokes, with
// the records' own time stamps when they have them) to a mean step of kInkPointSpacing (devices
// sample at very different rates). One line in ten goes to validation when there are at least ten.
// Lines over `max_points` points after pacing are skipped (counted), as IAM's are (--max-points).
Status read_ink_source(const std::string& path, SourceLines& out, size_t max_points = 1200);

}  // namespace hw
