// Outline fonts (TrueType, OpenType) as single-stroke fonts: each glyph is rendered with FreeType
// at an x-height of about 90 px, thinned to its skeleton, traced into pen strokes in writing
// order (glyph_bitmap, skeleton_graph, pen_order) and mapped back to font units. Glyphs whose
// skeleton is broken are dropped and counted, never written.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "glyph_bitmap.h"
#include "pen_order.h"
#include "status.h"
#include "stroke_font.h"

namespace hw {

struct OutlineOptions {
    float x_height_px = 90;  // rendering size: the x-height in pixels
    int ink_level = 100;     // coverage (of 255) that counts as ink: a little under half keeps hairlines
};

// One rendered glyph: its bitmap and how a pixel maps back to font space.
struct GlyphRaster {
    Bitmap ink;
    float origin_x = 0, origin_y = 0;  // pixel coordinates of the glyph origin (y down)
    float advance_px = 0;
};

// An outline font opened with FreeType and sized so its 'x' is `x_height_px` tall.
class OutlineFace {
public:
    ~OutlineFace();
    static Status open(const std::string& path, const OutlineOptions& opt, std::unique_ptr<OutlineFace>& out);
    bool has(char32_t c) const;
    Status render(char32_t c, GlyphRaster& out) const;
    float units_per_px() const { return 1000.0f / ppem_; }  // output units: 1000 per em
    const std::string& path() const { return path_; }

private:
    OutlineFace() = default;
    void* library_ = nullptr;  // FT_Library and FT_Face, kept out of this header
    void* face_ = nullptr;
    float ppem_ = 0;
    int ink_level_ = 100;
    std::string path_;
};

// How much of a glyph's ink its traced strokes cover when drawn back at the font's stroke width.
struct InkCoverage {
    float share = 0;          // covered ink pixels / ink pixels (reported)
    float largest_gap = 0;    // the largest piece of ink the strokes leave out, in stroke widths squared
    float side_gap = 0;       // how far the ink reaches past the strokes' ends sideways, in stroke widths
    float worst_piece = 0;    // the same for the least covered ink component (an i's dot, a quote mark)
    float stroke_width = 0;   // px: twice the median distance to paper along the skeleton
};

// The gate: a glyph whose strokes leave ink out has lost a stroke (a t's bar, an i's dot, a stem)
// in tracing, and would teach the network a letter without it. The strokes are drawn back with a
// pen of kCoverageReach times the stroke width plus kCoverageSlackPx. What a lost stroke leaves is
// one long piece of ink (a bar: several stroke widths long); what tracing rightly leaves is small
// (the tips of sharp corners, the ends of a brush stroke: about one stroke width squared). So a
// glyph fails when one piece left out is over kMaxInkGap stroke widths squared, when the ink
// reaches more than kMaxSideGap stroke widths past the strokes to the left or right (a t whose bar
// lost a half), or when an ink component (a dot, a mark) is less than kMinPieceCoverage covered.
// Measured over every glyph of the traced hands (docs/DATA.md, "The QA gate").
constexpr float kCoverageReach = 1.25f;
constexpr float kCoverageSlackPx = 1.5f;
constexpr float kMaxInkGap = 3.0f;
constexpr float kMaxSideGap = 1.2f;
constexpr float kMinPieceCoverage = 0.6f;
InkCoverage ink_coverage(const Bitmap& ink, const std::vector<PenStroke>& strokes);
// Why the coverage fails the gate, or "".
std::string coverage_problem(const InkCoverage& c);

// A glyph's pen strokes in pixels, or why it cannot be written.
struct GlyphTrace {
    std::vector<PenStroke> strokes;
    PenOrderInfo info;
    int pieces = 0;           // ink components after cleaning
    InkCoverage coverage;     // of the cleaned ink by the strokes
    std::string problem;      // empty when the glyph is usable
};

// Cleans the bitmap, thins it, traces and orders the strokes, smooths them, and checks the
// result against what character `c` needs (pieces, strokes, size).
GlyphTrace trace_glyph(Bitmap ink, char32_t c, float x_height_px);

// A lower-case glyph is capital-like when shape_similarity with its capital reaches this; a font
// is capitals-only when that holds for kCapitalLikeLetters of "abdeghnqrt" (docs/DATA.md, "The QA gate").
constexpr float kCapitalLikeSimilarity = 0.6f;
constexpr int kCapitalLikeLetters = 6;

struct FontConversion {
    StrokeFont font;                                    // output units (1000 per em), y down
    std::map<char32_t, std::string> dropped;            // glyph -> reason
    std::map<char32_t, int> strokes;                    // converted glyph -> pen strokes
    std::map<char32_t, std::vector<int>> kinds;         // converted glyph -> PenStroke::Kind per stroke
    std::map<char32_t, InkCoverage> coverage;           // every traced glyph (converted or dropped)
    std::string unmeasured;  // why the font has no x-height (its 'x' dropped), or ""
    int capital_like = 0;   // of the 10 letters "abdeghnqrt", how many the font draws as (small) capitals
    // The gate's finding: the font's lower case are capitals (kCapitalLikeLetters or more of the 10).
    bool capitals_only() const { return capital_like >= kCapitalLikeLetters; }
};


// The characters a hand font is traced for: printable ASCII and the Western European letters.
std::u32string hand_font_characters();

// Converts the glyphs of hand_font_characters() of an outline font.
Status convert_outline_font(const std::string& path, const std::string& name, const OutlineOptions& opt, FontConversion& out);

}  // namespace hw
