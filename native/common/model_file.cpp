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

}  // namespace hw
