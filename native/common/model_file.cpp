#include "model_file.h"

#include <vector>

#include "files.h"

namespace hw {

Status load_model_file(const std::string& path, Model& out) {
    std::vector<uint8_t> bytes;
    Status s = read_file(path, bytes);
    if (!s) return s;
    if (!(s = load_model(bytes.data(), bytes.size(), out))) return Status::error(path + ": " + s.message);
    return s;
}

}  // namespace hw
