#include "cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli_app.h"

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

Args& Args::describe(std::string description, std::map<std::string, std::string> option_help) {
    description_ = std::move(description);
    help_ = std::move(option_help);
    return *this;
}

Status Args::parse(int argc, char** argv, int first) {
    CLI::App app(description_);
    use_conventions(app);
    if (flags_.count("--help")) app.set_help_flag();  // the command answers --help itself
    std::map<std::string, std::string> raw;
    std::map<std::string, CLI::Option*> given;
    for (const std::string& name : options_) {
        auto it = help_.find(name);
        given[name] = app.add_option(name == "--output" ? "-o,--output" : name, raw[name], it == help_.end() ? "" : it->second)
                          ->type_name("VALUE");
    }
    for (const std::string& name : flags_) {
        auto it = help_.find(name);
        given[name] = app.add_flag(name)->description(it == help_.end() ? "" : it->second);
    }
    Status s = parse_app(app, argc, argv, first);
    if (!s || !(s = take_positionals(app, positional_))) return s;
    for (const auto& [name, opt] : given) {
        if (opt->count() == 0) continue;
        if (options_.count(name)) values_[name] = raw[name];
        else set_flags_.insert(name);
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
