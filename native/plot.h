// The loss curves of a run as an SVG line plot, read back from its metrics.csv.
#pragma once
#include <string>

namespace hw {

// Plots valid_nll_per_point and train_nll_per_point against step. Missing or empty CSV: no plot.
bool plot_metrics(const std::string& csv_path, const std::string& svg_path);

}  // namespace hw
