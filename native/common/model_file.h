// Loading a .hwm model file: the one place native code reads a model from disk.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.h"
#include "status.h"

namespace hw {

// Reads a model file's bytes: the prefix (magic, version, header length) is checked before the
// rest is read, and files over kHwmMaxFileBytes are refused. Messages start with the path.
Status read_model_bytes(const std::string& path, std::vector<uint8_t>& out);

// Reads and loads PATH; every message starts with the path.
Status load_model_file(const std::string& path, Model& out);

// The entries of `hw convert --meta KEY=VALUE[,KEY=VALUE...]`, added to `meta`. Items are split at
// commas outside JSON brackets, braces and strings, so a value may be any JSON (a=[1,2]). A value
// that starts like a JSON array, object or string must be one; any other value that is not JSON
// (a bare word) is a string.
Status parse_meta_entries(const std::string& text, nlohmann::json& meta);

}  // namespace hw
