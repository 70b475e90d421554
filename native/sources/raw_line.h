// What a source reader hands to the data builder: lines of absolute strokes before quantisation,
// the log of skipped items, and the common scale every source is brought to.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ink.h"

namespace hw {

// Every source is scaled so that the median `ink_height` of its lines is this many data units:
// the fonts corpus writes with an x-height of 10 units, which gives about this value, and the
// 16-bit offsets (quantum 0.01) then have headroom for steps up to 327 units.
constexpr float kTargetLineHeight = 15.0f;

// A line before quantisation: absolute points in data units, y down, one polyline per stroke.
struct RawLine {
    std::string text;                // UTF-8
    std::vector<InkStroke> strokes;
    uint32_t source = 0;             // index into the source list of whoever made it
};

// Skipped items: a count per reason, and the first messages ("path:line: reason") for the summary.
struct SkipLog {
    std::map<std::string, size_t> counts;
    std::vector<std::string> messages;
    size_t max_messages = 40;
    void add(const std::string& reason, const std::string& message = "");
    void merge(const SkipLog& other);
    size_t total() const;
};

// What one source reader hands to the builder: lines split into train and valid, each line's
// `source` indexing `sources` ("iam:writer 10023", "ink:me.jsonl"), and what it skipped.
struct SourceLines {
    std::vector<RawLine> train, valid;
    std::vector<std::string> sources;
    SkipLog skipped;
};

// The mean pen step user ink is paced to (data units): about what the fonts corpus writes (1.86 with
// the traced hands, seed 9).
constexpr float kInkPointSpacing = 1.9f;

size_t point_count(const RawLine& line);

// Median `ink_height` over lines (0 when there are none).
float median_line_height(const std::vector<RawLine>& lines);
// The median of the values (0 when there are none).
float median(std::vector<float> v);
void scale_lines(std::vector<RawLine>& lines, float factor);
}  // namespace hw
