#include "exit_codes.h"

#include <cstdio>

#include "text.h"

namespace hw {

int Fail::operator()(int code, const std::string& message) const {
    // Messages quote file names and text as given: their control characters (a bidi override could
    // make the line read differently) are shown as <U+XXXX>.
    std::fprintf(stderr, "%s: %s\n", who, escape_controls(message).c_str());
    return code;
}

}  // namespace hw
