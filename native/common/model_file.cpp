#include "model_file.h"

#include <vector>

#include "files.h"
#include "hwm_format.h"

namespace hw {

static Status prefix_of_model(const uint8_t* data, size_t size) {
    uint32_t header_len = 0;
    return check_hwm_prefix(data, size, header_len);
}

Status read_model_bytes(const std::string& path, std::vector<uint8_t>& out) {
    return read_file_bounded(path, kHwmMaxFileBytes, out, kHwmPrefix, prefix_of_model);
}

Status load_model_file(const std::string& path, Model& out) {
    std::vector<uint8_t> bytes;
    Status s = read_model_bytes(path, bytes);
    if (!s) return s;
    if (!(s = load_model(bytes.data(), bytes.size(), out))) return Status::error(path + ": " + s.message);
    return s;
}

// The items of a comma-separated list whose items may hold JSON: commas inside brackets, braces
// or strings do not split.
static std::vector<std::string> split_json_items(const std::string& text) {
    std::vector<std::string> items(1);
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == ',' && depth == 0) {
            items.emplace_back();
            continue;
        }
        items.back() += c;
    }
    return items;
}

Status parse_meta_entries(const std::string& text, nlohmann::json& meta) {
    for (const std::string& item : split_json_items(text)) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return Status::error("--meta: \"" + item + "\" is not KEY=JSON");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        Status s = check_json_nesting(value, kHwmMaxJsonDepth);
        if (!s) return Status::error("--meta: the value of " + key + ": " + s.message);
        nlohmann::json v = nlohmann::json::parse(value, nullptr, false);
        if (v.is_discarded() && !value.empty() && (value[0] == '[' || value[0] == '{' || value[0] == '"'))
            return Status::error("--meta: the value of " + key + " is not valid JSON: " + value);
        meta[key] = v.is_discarded() ? nlohmann::json(value) : v;  // a bare word is a string
    }
    return Status::success();
}

}  // namespace hw
