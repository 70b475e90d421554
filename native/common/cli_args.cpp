#include "cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace hw {

std::vector<std::string> split_list(const std::string& text, char sep) {
    std::vector<std::string> items;
    size_t start = 0;
    for (;;) {
        const size_t end = text.find(sep, start);
        items.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return items;
        start = end + 1;
    }
}

Status Args::parse(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.size() < 2 || a[0] != '-' || a == "-") {
            positional_.push_back(a);
            continue;
        }
        std::string name = a, value;
        bool has_value = false;
        const size_t eq = a.find('=');
        if (eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_value = true;
        }
        if (name == "-o") name = "--output";
        if (flags_.count(name)) {
            if (has_value) return Status::error("option " + name + " takes no value");
            set_flags_.insert(name);
        } else if (options_.count(name)) {
            if (!has_value) {
                if (i + 1 >= argc) return Status::error("option " + name + " needs a value");
                value = argv[++i];
            }
            values_[name] = value;
        } else {
            return Status::error("unknown option " + name);
        }
    }
    return Status::success();
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

Status Args::get_int(const std::string& name, long long lo, long long hi, long long& out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::success();
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end != '\0' || errno != 0 || v < lo || v > hi)
        return Status::error("option " + name + " = \"" + it->second + "\" is not an integer in [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + "]");
    out = v;
    return Status::success();
}

Status Args::get_float(const std::string& name, double lo, double hi, double& out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::success();
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi)
        return Status::error("option " + name + " = \"" + it->second + "\" is not a number in [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + "]");
    out = v;
    return Status::success();
}

}  // namespace hw
