// Status: the core's only way to report failure (no exceptions cross or live inside the core).
#pragma once
#include <string>
#include <utility>

namespace hw {

struct [[nodiscard]] Status {
    bool ok = true;
    std::string message;

    static Status success() { return Status{}; }
    static Status error(std::string msg) { return Status{false, std::move(msg)}; }
    explicit operator bool() const { return ok; }
};

}  // namespace hw
