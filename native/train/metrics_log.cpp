#include "metrics_log.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "files.h"

namespace hw {

const char* const kMetricsHeader = "step,epoch,train_nll_per_point,valid_nll_per_line,valid_nll_per_point,updates_per_s,skipped,valid_cer";

namespace {

long header_commas() { return std::count(kMetricsHeader, kMetricsHeader + std::strlen(kMetricsHeader), ','); }

// The step of a complete row, or -1 when the row is not one (the header, a torn or odd line). A
// row from before the valid_cer column (one comma fewer) is complete too.
long row_step(const std::string& row) {
    const long commas = std::count(row.begin(), row.end(), ',');
    if (commas != header_commas() && commas != header_commas() - 1) return -1;
    const std::string first = row.substr(0, row.find(','));
    if (first.empty() || first.size() > 12 || first.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stol(first);
}

}  // namespace

std::string metrics_up_to(const std::string& csv, long step) {
    std::string out = std::string(kMetricsHeader) + "\n";
    size_t at = 0;
    long last = -1;
    for (size_t nl; (nl = csv.find('\n', at)) != std::string::npos; at = nl + 1) {
        const std::string row = csv.substr(at, nl - at);
        const long s = row_step(row);
        if (s > last && s <= step) {
            out += row + (std::count(row.begin(), row.end(), ',') < header_commas() ? ",\n" : "\n");  // an old row: no CER
            last = s;
        }
    }
    return out;
}

Status MetricsLog::open(const std::string& path, long step) {
    path_ = path;
    std::vector<uint8_t> bytes;
    bool found = false;
    Status s = read_file_if_present(path, kMaxMetricsBytes, bytes, found);
    if (!s) return s;
    if (!(s = write_file_atomic(path, metrics_up_to(std::string(bytes.begin(), bytes.end()), step)))) return s;
    out_.open(path, std::ios::app);
    return check();
}

Status MetricsLog::append(const TrainPosition& p, double train_loss, const EvalResult& e, double rate) {
    out_ << p.step << "," << p.epoch << "," << train_loss << "," << e.nll_per_line << "," << e.nll_per_point << "," << rate << ","
         << p.skipped << ",";
    if (e.cer() >= 0) out_ << e.cer();  // the recognizer's; empty for the others
    out_ << "\n";
    out_.flush();
    return check();
}

Status MetricsLog::check() const {
    return out_ ? Status::success() : Status::error(path_ + ": cannot write (" + std::strerror(errno) + ")");
}

}  // namespace hw
