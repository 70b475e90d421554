// Shared pieces of the data builder: lines before quantisation, the log of skipped items, the
// conversion to the cached 16-bit offsets, and the statistics that travel into the model header.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dataset.h"
#include "generator.h"

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

// The pen step user ink is re-sampled to (data units): about what the fonts corpus writes.
constexpr float kInkPointSpacing = 2.2f;

size_t point_count(const RawLine& line);
// Absolute offsets -> quanta. The running position is rounded, not each step, so no drift builds
// up. Fails with `why` when a step does not fit 16 bits or the line has no points.
bool quantise_line(const RawLine& in, float quantum, DataLine& out, std::string& why);
// Back to absolute strokes (data units), for the statistics and the preview.
std::vector<InkStroke> line_strokes(const DataLine& line, float quantum);

// Standard deviations of dx, dy; mean pen-down step; median `ink_height` of the lines.
Normalisation compute_norm(const std::vector<DataLine>& train, float quantum);
// The characters of the training lines, sorted by code point.
std::u32string collect_alphabet(const std::vector<DataLine>& train);

// Median `ink_height` over lines (0 when there are none).
float median_line_height(const std::vector<RawLine>& lines);
void scale_lines(std::vector<RawLine>& lines, float factor);
// Re-samples a polyline every `spacing` units of arc length (ends kept).
InkStroke resample_uniform(const InkStroke& s, float spacing);

}  // namespace hw
