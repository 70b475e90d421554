// hw sample's JSON: the points of a line (with the core's diagnostics per point when asked) or the
// lines of a page.
#pragma once
#include <string>
#include <vector>

#include "generator.h"
#include "page_writer.h"
#include "model.h"

namespace hw {

// A line: its text, its points [dx, dy, pen_up], the steps, whether it finished, the points left
// out after the end, the model's scale, and (diag given) phi, kappa and the mixture per point.
std::string line_json(const Generator& g, const std::vector<Point>& pts, const Model& m,
                      const std::vector<StepDiagnostics>* diag);
// A page: each line's text, paragraph, points, attention peaks, check and seed, then the measured
// advance, the page count and the scale.
std::string page_json(const PageResult& r, const Model& m, bool diagnostics);

}  // namespace hw
