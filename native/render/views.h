// Graves' figures of a written line as one SVG (figs. 12-14 of the paper): the strokes coloured by
// the character the window attended, with the stroke-end probability as line weight and the
// next-point density (the mixture's components as ellipses, shaded by their weights) along the
// pen's path; the window weights phi over time as a heatmap beside the text; the mixture weights
// pi over time.
#pragma once
#include <string>
#include <vector>

#include "generator.h"

namespace hw {

// `diag` and `peaks` have one entry per point (Generator::run with diagnostics); `peaks` index the
// generator's text, `text` is that text. scale_x/scale_y turn offsets into ink units.
std::string views_svg(const std::u32string& text, const std::vector<Point>& points, const std::vector<StepDiagnostics>& diag,
                      const std::vector<int>& peaks, float scale_x, float scale_y);

}  // namespace hw
