// Dataset persistence with cereal (portable binary), written atomically.
#include <sstream>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "dataset.h"
#include "files.h"
#include "text.h"

namespace hw {

template <class Archive>
void serialize(Archive& ar, DataLine& l) {
    ar(l.text, l.dx, l.dy, l.pen_up, l.source);
}

template <class Archive>
void serialize(Archive& ar, Normalisation& n) {
    ar(n.scale_x, n.scale_y, n.point_spacing, n.line_height);
}

Status save_dataset(const Dataset& d, const std::string& path) {
    std::ostringstream out;
    {
        cereal::PortableBinaryOutputArchive ar(out);
        const std::string magic = "HWDS";
        const std::string alphabet = utf8_encode(d.alphabet);
        ar(magic, Dataset::kVersion, d.quantum, alphabet, const_cast<Normalisation&>(d.norm), d.sources, d.train, d.valid);
    }
    return write_file_atomic(path, out.str());
}

Status load_dataset(const std::string& path, Dataset& d) {
    std::string bytes;
    Status s = read_text_file(path, bytes);
    if (!s) return s;
    try {
        std::istringstream in(bytes);
        cereal::PortableBinaryInputArchive ar(in);
        std::string magic, alphabet;
        uint32_t version = 0;
        ar(magic);
        if (magic != "HWDS") return Status::error(path + ": not a dataset file (bad magic)");
        ar(version);
        if (version != Dataset::kVersion) return Status::error(path + ": dataset version " + std::to_string(version) + " is not supported");
        ar(d.quantum, alphabet, d.norm, d.sources, d.train, d.valid);
        if (!(s = utf8_decode(alphabet, d.alphabet))) return Status::error(path + ": alphabet: " + s.message);
    } catch (const std::exception& e) {
        return Status::error(path + ": the dataset is truncated or corrupt (" + e.what() + ")");
    }
    for (const auto* set : {&d.train, &d.valid})
        for (const auto& l : *set)
            if (l.dy.size() != l.dx.size() || l.pen_up.size() != l.dx.size() || l.source >= std::max<size_t>(1, d.sources.size()))
                return Status::error(path + ": a line's arrays disagree in length or its source is out of range");
    return Status::success();
}

}  // namespace hw
