// Turns generated points into pictures and data: SVG, PNG (own rasteriser, stored-deflate PNG) and
// the JSON the CLI prints.
#pragma once
#include <string>
#include <vector>

#include "network.h"

namespace hw {

// A polyline per pen-down stroke, in absolute data units (offsets times the model's scale).
struct Polyline {
    std::vector<float> x, y;
};
std::vector<Polyline> to_polylines(const std::vector<Point>& pts, float scale_x, float scale_y);

struct RenderStyle {
    float stroke_width = 2.0f;   // in output pixels
    float pixels_per_unit = 0;   // 0: fit the ink to `height` pixels
    float height = 120.0f;       // target height of the drawing in pixels (with margins)
    float margin = 16.0f;
    std::string colour = "#1a1a2e";
};

std::string render_svg(const std::vector<Polyline>& lines, const RenderStyle& style, const std::string& title);
// Several lines of writing stacked top to bottom, each with its text as a caption.
std::string render_rows_svg(const std::vector<std::pair<std::string, std::vector<Polyline>>>& rows, float row_height = 90.0f);
// Greyscale PNG, dark ink on white.
std::vector<uint8_t> render_png(const std::vector<Polyline>& lines, const RenderStyle& style);

}  // namespace hw
