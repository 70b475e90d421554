#include "cli_app.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "exit_codes.h"

namespace hw {

void use_conventions(CLI::App& app) {
    app.allow_extras();
    app.set_help_flag("-h,--help", "print this help and exit");
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->disable_flag_override()->always_capture_default();
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

// CLI11's report of a flag given a value, or of an option given none, in the programs' wording.
static std::string mismatch_message(const std::string& what) {
    if (what.find("flag override") == std::string::npos) return "option " + option_in(what) + " needs a value";
    std::string flag = what.substr(0, what.find(' '));  // CLI11 names a flag without its dashes
    if (flag.rfind("-", 0) != 0) flag = "--" + flag;
    return "option " + flag + " takes no value";
}

Status parse_app(CLI::App& app, int argc, char** argv, int first) {
    app.name(command_name(argc, argv, first));
    try {
        app.parse(argc - first + 1, argv + first - 1);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        std::exit(kExitOk);
    } catch (const CLI::ArgumentMismatch& e) {
        return Status::error(mismatch_message(e.what()));
    } catch (const CLI::ParseError& e) {
        return Status::error(e.what());
    }
    return Status::success();
}

Status take_positionals(const CLI::App& app, std::vector<std::string>& positional) {
    for (const std::string& extra : app.remaining()) {
        if (extra.size() >= 2 && extra[0] == '-') return Status::error("unknown option " + extra.substr(0, extra.find('=')));
        positional.push_back(extra);
    }
    return Status::success();
}

Status parse_command(CLI::App& app, int argc, char** argv, int first) {
    std::vector<std::string> extra;
    Status s = parse_app(app, argc, argv, first);
    if (s && (s = take_positionals(app, extra)) && !extra.empty()) s = Status::error("unexpected argument \"" + extra[0] + "\"");
    if (!s) s.message += "\n(" + app.get_name() + " --help lists the options)";
    return s;
}

// A bound as the help and the errors show it: 0.01, 20, 100000.
static std::string plain(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

CLI::Validator number_in(double lo, double hi) {
    const std::string range = "[" + plain(lo) + ", " + plain(hi) + "]";
    return CLI::Validator(
        [lo, hi, range](std::string& text) {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi)
                return "\"" + text + "\" is not a number in " + range;
            return std::string();
        },
        range);
}

CLI::Validator integer_in(long long lo, long long hi) {
    const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return CLI::Validator(
        [lo, hi, range](std::string& text) {
            char* end = nullptr;
            errno = 0;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi)
                return "\"" + text + "\" is not an integer in " + range;
            text = std::to_string(v);
            return std::string();
        },
        range);
}

CLI::Option* add_read_option(CLI::App& app, const std::string& name, std::function<bool(const std::string&)> read,
                             const std::string& takes, const std::string& help) {
    auto apply = [name, read, takes](const std::string& value) {
        if (!read(value)) throw CLI::ValidationError(name, "must be " + takes + ", not \"" + value + "\"");
    };
    return app.add_option_function<std::string>(name, apply, help)->type_name(takes);
}

}  // namespace hw
