// The fonts corpus: text lines written with single-stroke fonts, each line in one style (font,
// slant, size, width, spacing, baseline drift) with per-glyph jitter, a smooth elastic
// distortion, pen-speed sampling along the path and point noise. Deterministic given the seed
// (each line draws from its own generator, so the thread count does not change the result).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "raw_line.h"
#include "rng.h"
#include "stroke_font.h"

namespace hw {

struct FontsOptions {
    size_t lines = 20000;
    uint64_t seed = 1;
    int threads = 2;
    std::string hershey_dir = "/usr/share/hershey-fonts";
    std::string svg_dir;                                   // empty or missing: Hershey .jhf only
    std::string hand_dir;                                  // traced handwriting fonts (make hand-fonts); empty or missing: none
    std::string fortunes_dir = "/usr/share/games/fortunes";
    double generated_share = 0.06;                         // lines made for rare characters
};

struct LineStyle {
    size_t font = 0;          // index into the loaded fonts
    float size = 10;          // x-height, data units
    float slant = 0;          // shear: x -= slant * y
    float width = 1;          // horizontal scale of glyphs
    float spacing = 0;        // extra letter spacing, x-heights
    float word_space = 1;     // scale of the space advance
    float drift = 0;          // baseline wave amplitude, x-heights
    float drift_wave = 10;    // its wavelength, x-heights
    float jitter = 0.02f;     // per-glyph offset sd, x-heights
    float distortion = 0.04f; // elastic field amplitude, x-heights
    float speed = 0.3f;       // pen step on straights, x-heights
    float noise = 0.01f;      // point noise sd, x-heights
    bool valid = false;       // held out for validation
    std::string describe(const std::vector<StrokeFont>& fonts) const;
};

struct FontsCorpus {
    std::vector<StrokeFont> fonts;
    std::vector<LineStyle> styles;
    std::vector<std::string> sources;   // one per style: "fonts:scripts slant=0.21 ..."
    std::vector<RawLine> train, valid;  // source = style index
    SkipLog skipped;
    std::vector<std::string> notes;     // for standard error (e.g. SVG fonts absent)
};

using Progress = std::function<void(size_t done, size_t total)>;

// Loads the preferred .jhf fonts and, when `svg_dir` holds them, the SVG fonts.
Status load_corpus_fonts(const FontsOptions& opt, std::vector<StrokeFont>& fonts, std::vector<std::string>& notes);
// Draws style number `k` (a fixed draw from the seed); 1 in 20 styles is held out for validation.
LineStyle draw_style(const std::vector<StrokeFont>& fonts, uint64_t seed, size_t k);
// Writes one line; false when the font lacks a glyph for some character.
bool write_line(const StrokeFont& font, const LineStyle& style, const std::u32string& text, Rng& rng, RawLine& out);
Status build_fonts_corpus(const FontsOptions& opt, FontsCorpus& out, const Progress& progress);

}  // namespace hw
