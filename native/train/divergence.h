// The divergence watch. A run whose loss has blown up (Adam can take a destructive step even with
// clipped gradients) should go back to its best weights instead of spending the rest of its
// updates on a broken network. The watch tells when: a smoothed training loss that has risen
// `margin` nats/point above the best it has been, or too many skipped batches in a short window.
#pragma once
#include <limits>
#include <string>

namespace hw {

class DivergenceWatch {
public:
    static constexpr long kWarmup = 50;        // finite updates before the smoothed loss counts
    static constexpr long kSkipWindow = 100;   // skipped batches are counted per window of updates
    static constexpr long kMaxSkips = 20;      // this many skips within one window is a divergence

    explicit DivergenceWatch(double margin) : margin_(margin) {}  // margin <= 0: never fires

    // Takes the loss of the update that brought the run to `step` (NaN: a skipped batch); returns
    // why the run has diverged, or an empty string while it has not.
    std::string observe(double loss, long step);
    // After a rollback the smoothing starts again; the best smoothed loss is kept.
    void restart();

private:
    double margin_;
    double smooth_ = std::numeric_limits<double>::quiet_NaN();
    double best_smooth_ = 1e30;
    long finite_ = 0;
    long window_skips_ = 0;
};

}  // namespace hw
