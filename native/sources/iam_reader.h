// IAM-OnDB as a data source: lineStrokes/**.xml (StrokeSet/Stroke/Point x y time), the
// transcriptions ascii/**.txt (the lines after "CSR:"), the official split files and, where
// original/ is present, the writer of each form.
#pragma once
#include <string>
#include <vector>

#include "raw_line.h"

namespace hw {

struct IamOptions {
    size_t max_points = 1200;     // longer lines are dropped (counted)
    float max_step_heights = 8;   // a pen-down step longer than this many line heights is a
                                  // tablet glitch: the line is dropped (counted)
};

struct IamInfo {
    size_t forms = 0, xml_files = 0, writers = 0;
    std::string split;            // "official" or "hash (no split files found)"
    float scale = 0;              // data units per IAM unit
};

// Pairs line NN of a form's transcription with its -NN.xml; unpaired items are reported and skipped.
Status read_iam_source(const std::string& dir, const IamOptions& opt, SourceLines& out, IamInfo& info);

// The pieces, exposed for the tests and the fuzzer.
Status parse_iam_strokes(const std::string& xml, const std::string& path, std::vector<InkStroke>& strokes, SkipLog& skipped);
std::vector<std::string> parse_iam_transcription(const std::string& text);  // the lines after CSR:

}  // namespace hw
