// Single-stroke fonts: Hershey .jhf files (hershey-fonts-data) and SVG fonts with M/L paths
// (Inkscape's svg_fonts: Hershey and EMS). Both become the same glyph table, y down.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ink.h"
#include "status.h"

namespace hw {

struct Glyph {
    float left = 0, right = 0;         // the advance runs from left to right (font units)
    std::vector<InkStroke> strokes;    // font units, y down
};

struct StrokeFont {
    std::string name;                  // "scripts", "EMSAllure"
    std::map<char32_t, Glyph> glyphs;
    float baseline = 0;                // y of the baseline (font units, y down)
    float x_height = 0;                // font units
    bool has(char32_t c) const { return glyphs.count(c) != 0; }
};

// Parses a .jhf file's text: records in order from ASCII 32, each starting on a line whose first
// five characters are a number, then a three-digit vertex count; a record may wrap onto following
// lines. Bad records are listed in `warnings` (path:line: reason) and skipped.
Status parse_jhf(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings);
// Parses an SVG font (glyph elements with unicode, horiz-adv-x and an M/L path), y up -> y down.
Status parse_svg_font(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings);
// Sets baseline and x_height from the glyph 'x' (its bottom and height); fails without a usable 'x'.
Status measure_font(StrokeFont& font);

}  // namespace hw
