#include "cli_args.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "exit_codes.h"

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

// "prog sub" from argv[0] (its file name) and the command words before `first`.
static std::string command_name(int argc, char** argv, int first) {
    std::string name = argc > 0 ? argv[0] : "hw";
    const size_t slash = name.rfind('/');
    if (slash != std::string::npos) name = name.substr(slash + 1);
    for (int i = 1; i < first && i < argc; ++i) name += std::string(" ") + argv[i];
    return name;
}

// CLI11's message for a missing value starts with the option's name and a colon.
static std::string option_in(const std::string& message) {
    const size_t colon = message.find(':');
    return colon == std::string::npos ? message : message.substr(0, colon);
}

Status Args::parse(int argc, char** argv, int first) {
    CLI::App app(description_, command_name(argc, argv, first));
    app.allow_extras();
    const bool own_help = flags_.count("--help") > 0;
    if (own_help) app.set_help_flag();
    else app.set_help_flag("-h,--help", "print this help and exit");
    std::map<std::string, std::string> raw;
    std::map<std::string, CLI::Option*> given;
    for (const std::string& name : options_) {
        auto it = help_.find(name);
        given[name] = app.add_option(name == "--output" ? "-o,--output" : name, raw[name], it == help_.end() ? "" : it->second)
                          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                          ->type_name("VALUE");
    }
    for (const std::string& name : flags_) {
        auto it = help_.find(name);
        given[name] = app.add_flag(name)->description(it == help_.end() ? "" : it->second)->disable_flag_override();
    }
    try {
        app.parse(argc - first + 1, argv + first - 1);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        std::exit(kExitOk);
    } catch (const CLI::ArgumentMismatch& e) {
        const std::string what = e.what();
        if (what.find("flag override") != std::string::npos) {
            std::string flag = what.substr(0, what.find(' '));  // CLI11 names a flag without its dashes
            if (flag.rfind("-", 0) != 0) flag = "--" + flag;
            return Status::error("option " + flag + " takes no value");
        }
        return Status::error("option " + option_in(what) + " needs a value");
    } catch (const CLI::ParseError& e) {
        return Status::error(e.what());
    }
    for (const std::string& extra : app.remaining()) {
        if (extra.size() >= 2 && extra[0] == '-') return Status::error("unknown option " + extra.substr(0, extra.find('=')));
        positional_.push_back(extra);
    }
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
