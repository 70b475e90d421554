// hw sample --text-file: a long text written as a page in one hand. The line planning, the check
// of each line and the placement are the core's (shared/layout.h); this file drives them: it
// measures the hand's advance, writes the lines on worker threads that end with the page, and
// turns the placed page into a sheet in millimetres for the exports.
#pragma once
#include <string>
#include <vector>

#include "layout.h"
#include "model.h"
#include "sheet.h"

namespace hw {

struct PageRequest {
    std::u32string text;           // prepared: every character in the alphabet, newlines kept
    LayoutOptions layout;          // width and margins in writing units; advance 0: measured
    GenerateOptions gen;           // seed: the page's seed
    const Priming* style = nullptr;  // a chosen hand; none: the text's own first line primes the rest
    int max_attempts = 4;
    int threads = 1;
};

struct PageResult {
    std::vector<PlannedLine> plan;
    std::vector<WrittenLine> lines;
    PlacedPage placed;
    float advance = 0;  // measured advance per character (writing units)
};

Status write_page(const Model& m, const PageRequest& req, PageResult& out);

// The placed page in millimetres: `mm_per_unit` from the x-height asked for.
Sheet page_sheet(const PlacedPage& page, float mm_per_unit, float width_mm, float height_mm, const std::string& title);

}  // namespace hw
