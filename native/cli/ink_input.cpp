#include "ink_input.h"

#include <cstdio>

namespace hw {

Status read_ink_reporting(const std::string& path, std::vector<InkLine>& lines, size_t& skipped) {
    InkReadReport report;
    const Status s = read_ink_file(path, lines, report);
    for (const std::string& msg : report.skipped) std::fprintf(stderr, "%s\n", msg.c_str());
    skipped = report.skipped.size();
    return s;
}

}  // namespace hw
