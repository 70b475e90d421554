// A small command-line parser: --name value / --name=value options, flags and positionals,
// with clear errors for unknown options and missing values.
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
    // `options` take a value, `flags` do not.
    Args(std::set<std::string> options, std::set<std::string> flags) : options_(std::move(options)), flags_(std::move(flags)) {}
    Status parse(int argc, char** argv, int first);

    bool has(const std::string& name) const { return values_.count(name) || set_flags_.count(name); }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    Status get_int(const std::string& name, long long lo, long long hi, long long& out) const;
    Status get_float(const std::string& name, double lo, double hi, double& out) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::set<std::string> options_, flags_;
    std::map<std::string, std::string> values_;
    std::set<std::string> set_flags_;
    std::vector<std::string> positional_;
};

}  // namespace hw
