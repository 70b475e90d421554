// The programs' command lines in CLI11, typed: each option is declared once, on the variable it
// sets, with its help text and its check, so the --help that CLI11 composes from the declarations
// cannot drift from what is parsed. On top of CLI11 this gives the programs' conventions: the
// command named "prog sub" in its help, -h/--help first, an option given twice keeping its last
// value, a flag refusing a value, and the programs' own wording for errors. (Args, cli_args.h,
// parses the untyped way on the same conventions.)
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "status.h"

namespace hw {

// Sets the conventions on `app`; call it before adding options.
void use_conventions(CLI::App& app);

// Parses argv[first..] into the app's bindings; the app is named after argv[0] and the command
// words before `first`. --help prints the help CLI11 composes on standard output and ends the
// program with exit code 0. Errors come back in the programs' wording ("option --x needs a value",
// "option --x takes no value") or in CLI11's, which names the option. Words no option or
// positional took stay in app.remaining().
Status parse_app(CLI::App& app, int argc, char** argv, int first);

// The words parse_app left over: one that starts with '-' is an unknown option (an error); the
// others are appended to `positional`.
Status take_positionals(const CLI::App& app, std::vector<std::string>& positional);

// parse_app for a command whose positionals are bound too: a word left over is an error, and
// every error ends with where the options are listed ("hw sample --help").
Status parse_command(CLI::App& app, int argc, char** argv, int first);

// The check of a number option: a finite number in [lo, hi], as strtod reads it. Use with check().
CLI::Validator number_in(double lo, double hi);
// The check of an integer option: a decimal integer in [lo, hi]. Use with transform(), which
// writes the value back in plain decimal, since CLI11 alone would read "010" as octal.
CLI::Validator integer_in(long long lo, long long hi);

// An option that `read` turns into its destinations, for values that are not a plain number or
// text (a paper size, a character...). A value `read` refuses is an error naming the option and
// `takes`, which is also the value's name in the help.
CLI::Option* add_read_option(CLI::App& app, const std::string& name, std::function<bool(const std::string&)> read,
                             const std::string& takes, const std::string& help);

}  // namespace hw
