#include "exit_codes.h"

#include <cstdio>

namespace hw {

int Fail::operator()(int code, const std::string& message) const {
    std::fprintf(stderr, "%s: %s\n", who, message.c_str());
    return code;
}

}  // namespace hw
