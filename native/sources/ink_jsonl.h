// The ink format (docs/INK.md): JSON Lines, one handwritten line per record:
//   {"text": "...", "strokes": [[[x, y], [x, y, t], ...], ...], "writer": "..."}
#pragma once
#include <string>
#include <vector>

#include "ink.h"
#include "status.h"

namespace hw {

struct InkLine {
    std::string text;                 // UTF-8 transcription
    std::vector<InkStroke> strokes;   // absolute coordinates, y down, any unit; time stamps (ms) in
                                      // each stroke's t when the record had them
    std::string writer;               // optional
    size_t line = 0;                  // its line in the file (read_ink_file)
};

// Parses one record; `where` (e.g. "file.jsonl:12") prefixes every message.
Status parse_ink_line(const std::string& json_text, const std::string& where, InkLine& out);
std::string format_ink_line(const InkLine& line);

struct InkReadReport {
    size_t lines_read = 0;
    std::vector<std::string> skipped;  // one message per bad record (path:line: reason)
};

// The most an ink file may hold (bytes): tens of thousands of handwritten lines.
constexpr uint64_t kMaxInkFileBytes = uint64_t(256) << 20;

// Reads a whole file (at most kMaxInkFileBytes): bad records are reported and skipped; a file
// with no good record is an error.
Status read_ink_file(const std::string& path, std::vector<InkLine>& out, InkReadReport& report);
Status write_ink_file(const std::string& path, const std::vector<InkLine>& lines);

}  // namespace hw
