// Turns ink (the core's strokes, in data units) into pictures: SVG and PNG (own rasteriser,
// stored-deflate PNG). Returns strings and bytes; the caller writes the files.
#pragma once
#include <string>
#include <vector>

#include "ink.h"

namespace hw {

// Text made safe for SVG/XML character data and attribute values (& < > " ' escaped).
std::string xml_escape(const std::string& s);

struct RenderStyle {
    float stroke_width = 2.0f;   // in output pixels
    float pixels_per_unit = 0;   // 0: fit the ink to `height` pixels
    float height = 120.0f;       // target height of the drawing in pixels (with margins)
    float margin = 16.0f;
    std::string colour = "#1a1a2e";
};

std::string render_svg(const std::vector<InkStroke>& lines, const RenderStyle& style, const std::string& title);
// Several lines of writing stacked top to bottom, each with its text as a caption.
std::string render_rows_svg(const std::vector<std::pair<std::string, std::vector<InkStroke>>>& rows, float row_height = 90.0f);
// Greyscale PNG, dark ink on white.
std::vector<uint8_t> render_png(const std::vector<InkStroke>& lines, const RenderStyle& style);

}  // namespace hw
