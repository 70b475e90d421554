// Turns ink (the core's strokes, in data units) into SVG pictures (PNG and PDF: native/render/
// raster.h, through cairo; pages in millimetres: sheet.h). Returns strings; the caller writes the
// files. The page's canvas draws the same curves (pen_runs in sheet.h).
#pragma once
#include <string>
#include <vector>

#include "ink.h"

namespace hw {

// The ink's colour of every picture and page (the page's colour picker starts at it).
constexpr const char* kInkColour = "#1b2a4a";

// Text made safe for SVG/XML character data and attribute values (& < > " ' escaped).
std::string xml_escape(const std::string& s);

struct RenderStyle {
    float stroke_width = 2.0f;   // in output pixels
    float pixels_per_unit = 0;   // 0: fit the ink to `height` pixels
    float height = 120.0f;       // target height of the drawing in pixels (with margins)
    float margin = 16.0f;
    std::string colour = kInkColour;
    bool pressure = false;       // variable width from the pen's speed (sheet.h, pen_runs)
};

// Smoothed strokes (Catmull-Rom curves through the points, sheet.h pen_runs).
std::string render_svg(const std::vector<InkStroke>& lines, const RenderStyle& style, const std::string& title);
// Several lines of writing stacked top to bottom, each with its text as a caption.
std::string render_rows_svg(const std::vector<std::pair<std::string, std::vector<InkStroke>>>& rows, float row_height = 90.0f);
// The frame render_svg fits the ink into: the picture's size in pixels, pixels per ink unit and
// the ink's top-left corner (a point maps to ((x - min_x) * k + margin, (y - min_y) * k + margin)).
void ink_frame(const std::vector<InkStroke>& lines, const RenderStyle& style, float& width, float& height, float& k,
               float& min_x, float& min_y);

}  // namespace hw
