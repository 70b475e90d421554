// The programs' command-line options, parsed by CLI11: --name value / --name=value options, flags
// and positionals, with the programs' own wording for errors (unknown option, missing value) and
// --help on every command. The options are named in a set and read by name after parsing;
// cli_app.h binds them to typed variables instead (hw's commands), on the same conventions.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "status.h"

namespace hw {

// The items of a separated list ("a,b,c"), empty ones included: "" gives one empty item and
// "a," two, so each caller decides what an empty item means.
std::vector<std::string> split_list(const std::string& text, char sep = ',');

class Args {
public:
    // `options` take a value, `flags` do not; "--output" is also "-o". A command that lists
    // "--help" among its flags answers it itself; for any other, parse() prints the help that
    // CLI11 composes (the description and the option texts given to describe()) on standard
    // output and ends the program with exit code 0.
    Args(std::set<std::string> options, std::set<std::string> flags) : options_(std::move(options)), flags_(std::move(flags)) {}
    // What --help shows: a description of the command (its usage lines) and a text per option.
    Args& describe(std::string description, std::map<std::string, std::string> option_help = {});
    Status parse(int argc, char** argv, int first);

    bool has(const std::string& name) const { return values_.count(name) || set_flags_.count(name); }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    Status get_int(const std::string& name, long long lo, long long hi, long long& out) const;
    Status get_float(const std::string& name, double lo, double hi, double& out) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::set<std::string> options_, flags_;
    std::string description_;
    std::map<std::string, std::string> help_;
    std::map<std::string, std::string> values_;
    std::set<std::string> set_flags_;
    std::vector<std::string> positional_;
};

}  // namespace hw
