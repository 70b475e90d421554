// The ink format (docs/INK.md): JSON Lines, one handwritten line per record:
//   {"text": "...", "strokes": [[[x, y], [x, y, t], ...], ...], "writer": "..."}
// The one reader of the format, in the core: the native programs read ink files through it
// (native/sources/ink_file.h) and the page through the WASM binding. Its JSON parsing stays in
// ink_jsonl.cpp (nlohmann/json is not in this header).
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
    size_t line = 0;                  // its line in the file (read_ink_jsonl)
};

// Parses one record; `where` (e.g. "file.jsonl:12") prefixes every message.
Status parse_ink_line(const std::string& json_text, const std::string& where, InkLine& out);
std::string format_ink_line(const InkLine& line);

struct InkReadReport {
    size_t lines_read = 0;
    std::vector<std::string> skipped;  // one message per bad record (NAME:LINE: reason)
};

// The records of a JSONL text: each line (a CR before the newline dropped) that holds more than
// blanks, with its line number.
struct InkRecordText {
    size_t line = 0;
    std::string json;
};
std::vector<InkRecordText> ink_records(const std::string& text);

// Reads every record of a JSONL text (`name`: its file, for the messages): good ones into `out`,
// each bad one reported in `report` and skipped.
void read_ink_jsonl(const std::string& text, const std::string& name, std::vector<InkLine>& out, InkReadReport& report);
// The records as JSONL text (a newline after each).
std::string format_ink_jsonl(const std::vector<InkLine>& lines);

}  // namespace hw
