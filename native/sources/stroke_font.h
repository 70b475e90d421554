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

// How a font enters the fonts corpus (font_corpus.h): its tables for the Hershey and SVG fonts,
// the hands manifest (hand_manifest.h) for the traced hands.
struct CorpusTraits {
    double weight = 1;       // share of the style draws
    bool script = false;     // joined-up: a glyph's exit meets the next glyph's entry
    bool italic = false;     // already slanted: less extra shear
    bool held_out = false;   // a whole writer kept for validation
};

struct StrokeFont {
    std::string name;                  // "scripts", "EMSAllure"
    CorpusTraits traits;
    std::map<char32_t, Glyph> glyphs;
    float baseline = 0;                // y of the baseline (font units, y down)
    float x_height = 0;                // font units
    bool has(char32_t c) const { return glyphs.count(c) != 0; }
    // A hand that writes capitals only (its lower-case glyphs were small capitals, dropped when
    // traced): it writes upper-cased text, labelled upper-cased, since the label is what the ink says.
    bool capitals_only() const {
        for (char32_t c = U'a'; c <= U'z'; ++c)
            if (has(c)) return false;
        for (char32_t c = U'A'; c <= U'Z'; ++c)
            if (has(c)) return true;
        return false;
    }
};

// A capitals-only font's x-height as a share of its capital height.
constexpr float kCapitalsXHeight = 0.7f;

// Parses a .jhf file's text: records in order from ASCII 32, each starting on a line whose first
// five characters are a number, then a three-digit vertex count; a record may wrap onto following
// lines. Bad records are listed in `warnings` (path:line: reason) and skipped.
Status parse_jhf(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings);
// Parses an SVG font (glyph elements with unicode, horiz-adv-x and an M/L path), y up -> y down.
Status parse_svg_font(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings);
// Sets baseline and x_height from the glyph 'x' (its bottom and height), or for a capitals-only font
// from 'X' (kCapitalsXHeight of its height); fails without a usable glyph.
Status measure_font(StrokeFont& font);

}  // namespace hw
