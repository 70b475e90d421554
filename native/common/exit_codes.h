// Exit codes and error reports of the native programs. One rule everywhere:
//   2  the user can fix it: a bad argument, a bad input file, an output path that cannot be written;
//   1  an internal failure: a bug, an external program that failed, memory.
#pragma once
#include <string>

namespace hw {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

// Prints "<who>: <message>" on standard error and returns `code`, so a command can
// `return fail(kExitBadInput, "...")`. Each command holds one, named after itself.
struct Fail {
    const char* who;
    int operator()(int code, const std::string& message) const;
};

}  // namespace hw
