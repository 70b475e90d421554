// The loss curves of a run as an SVG line plot, from the text of its metrics.csv.
#pragma once
#include <string>

namespace hw {

// Plots valid_nll_per_point and train_nll_per_point against step from the text of a metrics.csv.
// Returns false (and leaves `svg` alone) when the CSV has no data row.
bool plot_metrics(const std::string& csv, std::string& svg);

}  // namespace hw
