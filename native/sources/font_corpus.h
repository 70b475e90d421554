// The fonts corpus: text lines written with single-stroke fonts, each line by one writer (a
// LineStyle: font, slant, size, width, spacing, baseline drift, and a hand's kinematics: speed,
// smoothness, overshoot, tremor, how the pen slows) with every letter varied (a per-glyph affine
// and shape noise), slant and size wandering along the line, dots and bars sometimes written after
// the word, a smooth elastic distortion, pen-speed sampling in time and point noise. Deterministic given the seed
// (each line draws from its own generator, so the thread count does not change the result).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ink.h"
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
    double foreign_share = 0.2;                            // German, Spanish, Italian, Portuguese lines (when installed)
    // Two texts written on one line by one writer, as priming sees them: the window learns to go
    // on from one text to another in the same hand without writing the first one's tail again.
    double pair_share = 0.15;
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
    // The writer's hand (pen_kinematics.h) and pen-speed profile (ink.h).
    float smooth = 0.05f;     // corner rounding: low-pass radius, x-heights
    float overshoot = 0.05f;  // run-on past sharp turns, x-heights
    float tremor = 0.005f;    // wobble amplitude, x-heights
    float tremor_period = 8;  // its period, samples
    PenProfile pen;           // how the pen slows in curves and at stroke ends
    // Every letter differs: sd of its scale, of its extra slant, of its shape noise (x-heights).
    float glyph_scale = 0.04f, glyph_slant = 0.04f, glyph_shape = 0.02f;
    float delay_marks = 0.3f; // chance that a word's i/j dots and t bars are written after the word
    float wander_slant = 0.04f, wander_size = 0.04f;  // slow wander of slant and size along the line
    float wander_wave = 15;   // its wavelength, x-heights
    bool valid = false;       // held out for validation
    std::string describe(const std::vector<StrokeFont>& fonts) const;
};

// What writing a line did, for the corpus's statistics.
struct LineInfo {
    size_t marks = 0;    // i/j dots and t bars written as their own stroke
    size_t delayed = 0;  // of those, written after the word
};

// Per font (writer family): lines, mean speed (pen step on straights, x-heights), pen lifts per
// character (strokes per non-space character), mean slant, and the share of dots and bars written
// after their word.
struct WriterStats {
    size_t lines = 0;
    double speed = 0, lifts_per_char = 0, slant = 0, delayed_marks = 0;
};

struct FontsCorpus {
    std::vector<StrokeFont> fonts;
    std::vector<LineStyle> styles;
    std::vector<std::string> sources;   // one per style: "fonts:scripts slant=0.21 ..."
    std::vector<RawLine> train, valid;  // source = style index
    SkipLog skipped;
    std::vector<std::string> notes;     // for standard error (e.g. SVG fonts absent)
    std::vector<LineInfo> train_info, valid_info;  // one per line of train and valid
};

// Statistics per font name over every line of the corpus (train and valid), sorted by name.
std::map<std::string, WriterStats> writer_stats(const FontsCorpus& c);

using Progress = std::function<void(size_t done, size_t total)>;

// Loads the preferred .jhf fonts and, when `svg_dir` holds them, the SVG fonts.
Status load_corpus_fonts(const FontsOptions& opt, std::vector<StrokeFont>& fonts, std::vector<std::string>& notes);
// Draws style number `k` (a fixed draw from the seed); 1 in 20 styles is held out for validation.
LineStyle draw_style(const std::vector<StrokeFont>& fonts, uint64_t seed, size_t k);
// Writes one line; false when the font lacks a glyph for some character.
bool write_line(const StrokeFont& font, const LineStyle& style, const std::u32string& text, Rng& rng, RawLine& out,
                LineInfo* info = nullptr);

Status build_fonts_corpus(const FontsOptions& opt, FontsCorpus& out, const Progress& progress);

}  // namespace hw
