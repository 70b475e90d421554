// metrics.csv: a row per evaluation of a run. A resumed run first drops the rows past the step of
// the checkpoint it resumes from (evaluations it will make again), so no step appears twice.
#pragma once
#include <fstream>
#include <string>

#include "learner.h"
#include "status.h"
#include "train_position.h"

namespace hw {

extern const char* const kMetricsHeader;  // the column names, without the newline
// The most metrics.csv is read to (a row per evaluation is ~100 bytes: a million evaluations).
constexpr uint64_t kMaxMetricsBytes = uint64_t(128) << 20;

// The text of metrics.csv for a run at `step`: the header, then the complete rows of `csv` (ended
// by a newline, every column there) whose step is at most `step`, in their order; a row whose step
// is not above the row kept before it (a duplicate left by an older trainer) is dropped. A row
// written before the valid_cer column existed is kept with that column empty.
std::string metrics_up_to(const std::string& csv, long step);

class MetricsLog {
public:
    // Rewrites PATH (temp + rename) with metrics_up_to(its text, step), then opens it for appending.
    Status open(const std::string& path, long step);
    Status append(const TrainPosition& p, double train_loss, const EvalResult& e, double rate);

private:
    Status check() const;
    std::ofstream out_;
    std::string path_;
};

}  // namespace hw
