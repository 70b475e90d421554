#include "divergence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hw {

std::string DivergenceWatch::observe(double loss, long step) {
    if (std::isfinite(loss)) {
        smooth_ = std::isnan(smooth_) ? loss : 0.95 * smooth_ + 0.05 * loss;
        if (++finite_ >= kWarmup) best_smooth_ = std::min(best_smooth_, smooth_);
    } else {
        ++window_skips_;
    }
    if (step % kSkipWindow == 0) window_skips_ = 0;
    if (margin_ <= 0) return "";
    if (finite_ >= kWarmup && smooth_ > best_smooth_ + margin_) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "smoothed loss %.3f/pt against a best of %.3f", smooth_, best_smooth_);
        return buf;
    }
    if (window_skips_ >= kMaxSkips) return std::to_string(window_skips_) + " skipped batches within " + std::to_string(kSkipWindow) + " updates";
    return "";
}

void DivergenceWatch::restart() {
    smooth_ = std::numeric_limits<double>::quiet_NaN();
    finite_ = 0;
    window_skips_ = 0;
}

}  // namespace hw
