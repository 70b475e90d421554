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

// A glyph's pen strokes in pixels, or why it cannot be written.
struct GlyphTrace {
    std::vector<PenStroke> strokes;
    PenOrderInfo info;
    int pieces = 0;           // ink components after cleaning
    std::string problem;      // empty when the glyph is usable
};

// Cleans the bitmap, thins it, traces and orders the strokes, smooths them, and checks the
// result against what character `c` needs (pieces, strokes, size).
GlyphTrace trace_glyph(Bitmap ink, char32_t c, float x_height_px);

struct FontConversion {
    StrokeFont font;                                    // output units (1000 per em), y down
    std::map<char32_t, std::string> dropped;            // glyph -> reason
    std::map<char32_t, int> strokes;                    // converted glyph -> pen strokes
    std::map<char32_t, std::vector<int>> kinds;         // converted glyph -> PenStroke::Kind per stroke
};

// Converts the printable ASCII glyphs (space to '~') of an outline font.
Status convert_outline_font(const std::string& path, const std::string& name, const OutlineOptions& opt, FontConversion& out);

}  // namespace hw
