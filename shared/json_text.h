// JSON text that never aborts. nlohmann's dump() throws type_error 316 on a string that is not
// valid UTF-8 (a Latin-1 file name, a --meta value); where exceptions are off (the core, WASM) that
// is an abort, and in the trainer it ended a run at its first save with its updates lost. Every
// JSON the project writes goes through here: each invalid byte becomes U+FFFD, the rest is kept.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace hw {

inline std::string json_text(const nlohmann::json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hw
