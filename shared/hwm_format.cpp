#include "hwm_format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "crc32.h"

namespace hw {

using nlohmann::json;

static size_t align_up(size_t v) { return (v + kHwmAlign - 1) / kHwmAlign * kHwmAlign; }

static void split_rows(const std::vector<int64_t>& shape, int64_t& rows, int64_t& cols) {
    rows = shape.size() >= 2 ? shape[0] : 1;
    cols = 1;
    for (size_t i = shape.size() >= 2 ? 1 : 0; i < shape.size(); ++i) cols *= shape[i];
}

static void encode_tensor(const NamedTensor& t, DType d, std::vector<uint8_t>& out) {
    int64_t rows, cols;
    split_rows(t.shape, rows, cols);
    const TypeTraits& type = type_traits(d);
    out.resize(static_cast<size_t>(type.stored_bytes(static_cast<uint64_t>(rows), static_cast<uint64_t>(cols))));
    type.from_float(t.values.data(), rows, cols, out.data());
}

Status write_hwm(const json& header_in, const std::vector<NamedTensor>& tensors, DType precision,
                 std::vector<uint8_t>& out) {
    json header = header_in;
    json dir = json::array();
    std::vector<std::vector<uint8_t>> blobs;
    size_t offset = 0;
    for (const auto& t : tensors) {
        int64_t count = 1;
        for (int64_t d : t.shape) count *= d;
        if (count != static_cast<int64_t>(t.values.size()))
            return Status::error("tensor " + t.name + ": shape does not match its " + std::to_string(t.values.size()) + " values");
        for (float v : t.values)
            if (!std::isfinite(v)) return Status::error("tensor " + t.name + " holds a non-finite value");
        const DType d = stored_dtype(precision, t.shape.size());
        blobs.emplace_back();
        encode_tensor(t, d, blobs.back());
        dir.push_back({{"name", t.name}, {"dtype", dtype_name(d)}, {"shape", t.shape},
                       {"offset", offset}, {"nbytes", blobs.back().size()}});
        offset = align_up(offset + blobs.back().size());
    }
    header["tensors"] = dir;
    header["blob_bytes"] = offset;
    const std::string text = header.dump();
    const size_t blob_start = align_up(kHwmPrefix + text.size());
    out.assign(blob_start + offset + 4, 0);
    std::memcpy(out.data(), kHwmMagic, 4);
    const uint32_t version = kHwmVersion, hlen = static_cast<uint32_t>(text.size());
    std::memcpy(&out[4], &version, 4);
    std::memcpy(&out[8], &hlen, 4);
    std::memcpy(&out[kHwmPrefix], text.data(), text.size());
    for (size_t i = 0; i < blobs.size(); ++i)
        std::memcpy(&out[blob_start + dir[i]["offset"].get<size_t>()], blobs[i].data(), blobs[i].size());
    const uint32_t crc = crc32(out.data(), out.size() - 4);
    std::memcpy(&out[out.size() - 4], &crc, 4);
    return Status::success();
}

// ---- reader ---------------------------------------------------------------------------------

static uint32_t read_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

static bool get_uint(const json& obj, const char* key, uint64_t max, uint64_t& out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_unsigned()) {
        if (it != obj.end() && it->is_number_integer() && it->get<int64_t>() >= 0) {
            out = static_cast<uint64_t>(it->get<int64_t>());
            return out <= max;
        }
        return false;
    }
    out = it->get<uint64_t>();
    return out <= max;
}

static Status read_entry(const json& e, size_t index, uint64_t blob_bytes, NamedTensor& t, DType& dtype,
                         uint64_t& offset, uint64_t& nbytes) {
    const std::string where = "tensors[" + std::to_string(index) + "]";
    if (!e.is_object()) return Status::error("header field " + where + " is not an object");
    auto name = e.find("name");
    if (name == e.end() || !name->is_string() || name->get<std::string>().empty())
        return Status::error("header field " + where + ".name is missing or not a string");
    t.name = name->get<std::string>();
    const std::string tw = "tensor " + t.name + ": ";
    auto dt = e.find("dtype");
    if (dt == e.end() || !dt->is_string() || !parse_dtype(dt->get<std::string>(), dtype))
        return Status::error(tw + "field dtype is missing or unknown (expected f32, f16 or int8)");
    auto shape = e.find("shape");
    if (shape == e.end() || !shape->is_array() || shape->empty() || shape->size() > 4)
        return Status::error(tw + "field shape is missing or not an array of 1 to 4 dimensions");
    t.shape.clear();
    int64_t count = 1;
    for (const auto& d : *shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > (1 << 24))
            return Status::error(tw + "field shape holds a dimension that is not an integer in [1, 2^24]");
        t.shape.push_back(d.get<int64_t>());
        count *= t.shape.back();
        if (count > (int64_t(1) << 31)) return Status::error(tw + "field shape has more than 2^31 elements");
    }
    if (!get_uint(e, "offset", blob_bytes, offset)) return Status::error(tw + "field offset is missing or beyond the blob");
    if (offset % kHwmAlign != 0) return Status::error(tw + "field offset " + std::to_string(offset) + " is not aligned to 64 bytes");
    if (!get_uint(e, "nbytes", blob_bytes, nbytes)) return Status::error(tw + "field nbytes is missing or beyond the blob");
    int64_t rows, cols;
    split_rows(t.shape, rows, cols);
    const uint64_t expect = type_traits(dtype).stored_bytes(static_cast<uint64_t>(rows), static_cast<uint64_t>(cols));
    if (nbytes != expect)
        return Status::error(tw + "field nbytes = " + std::to_string(nbytes) + " but " + dtype_name(dtype) + " " +
                             "of that shape needs " + std::to_string(expect));
    if (offset + nbytes > blob_bytes) return Status::error(tw + "data runs past the end of the blob");
    return Status::success();
}

static Status decode_tensor(const uint8_t* p, DType d, NamedTensor& t) {
    int64_t rows, cols;
    split_rows(t.shape, rows, cols);
    const size_t n = static_cast<size_t>(rows * cols);
    t.values.resize(n);
    if (!type_traits(d).to_float(p, rows, cols, t.values.data()))
        return Status::error("tensor " + t.name + ": a row has a non-finite " + dtype_name(d) + " scale");
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(t.values[i]))
            return Status::error("tensor " + t.name + ": element " + std::to_string(i) + " is not finite");
    return Status::success();
}

Status check_hwm_prefix(const uint8_t* data, size_t size, uint32_t& header_len) {
    if (size < kHwmPrefix)
        return Status::error("file is truncated: " + std::to_string(size) + " bytes, too short for the 12-byte prefix");
    if (std::memcmp(data, kHwmMagic, 4) != 0) return Status::error("bad magic: not a .hwm file");
    const uint32_t version = read_u32(data + 4);
    if (version == 0) return Status::error("field version is 0, which no writer produces");
    if (version > kHwmVersion)
        return Status::error("field version " + std::to_string(version) + " is newer than this reader understands (" +
                             std::to_string(kHwmVersion) + ")");
    header_len = read_u32(data + 8);
    if (header_len == 0 || header_len > kHwmMaxHeader) return Status::error("field header_length " + std::to_string(header_len) + " is out of range");
    return Status::success();
}

static Status read_prefix(const uint8_t* data, size_t size, uint32_t& header_len) {
    Status s = check_hwm_prefix(data, size, header_len);
    if (!s) return s;
    if (kHwmPrefix + static_cast<size_t>(header_len) > size)
        return Status::error("file is truncated: the header needs " + std::to_string(kHwmPrefix + header_len) +
                             " bytes, the file has " + std::to_string(size));
    return Status::success();
}

Status check_json_nesting(const char* text, size_t size, int max_depth) {
    int depth = 0;
    size_t key_start = 0, key_end = 0;  // the last string closed at depth 1: the field being read
    for (size_t i = 0; i < size; ++i) {
        const char c = text[i];
        if (c == '"') {
            const size_t start = ++i;
            while (i < size && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
            if (depth == 1) key_start = start, key_end = std::min(i, size);
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                const std::string field = key_end > key_start ? std::string(text + key_start, std::min<size_t>(key_end - key_start, 64)) : "";
                return Status::error((depth > 2 && !field.empty() ? "field " + field : std::string("JSON")) +
                                     " nests deeper than " + std::to_string(max_depth) + " levels of arrays and objects (at byte " +
                                     std::to_string(i) + ")");
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return Status::success();
}

Status read_hwm(const uint8_t* data, size_t size, HwmFile& out) {
    out = HwmFile{};
    if (data == nullptr || size == 0) return Status::error("file is truncated: it is empty");
    uint32_t header_len = 0;
    Status s = read_prefix(data, size, header_len);
    if (!s) return s;
    const char* hb = reinterpret_cast<const char*>(data + kHwmPrefix);
    if (!(s = check_json_nesting(hb, header_len, kHwmMaxJsonDepth))) return Status::error("header " + s.message);
    out.header = json::parse(hb, hb + header_len, nullptr, false);
    if (out.header.is_discarded()) return Status::error("header is not valid JSON");
    if (!out.header.is_object()) return Status::error("header is not a JSON object");
    const size_t blob_start = align_up(kHwmPrefix + header_len);
    uint64_t blob_bytes = 0;
    if (!get_uint(out.header, "blob_bytes", kHwmMaxFileBytes, blob_bytes))
        return Status::error("header field blob_bytes is missing or out of range");
    const uint64_t expect = blob_start + blob_bytes + 4;
    if (size < expect)
        return Status::error("file is truncated: " + std::to_string(size) + " bytes, the header describes " + std::to_string(expect));
    if (size > expect)
        return Status::error("file has " + std::to_string(size - expect) + " trailing bytes after the checksum");
    if (crc32(data, size - 4) != read_u32(data + size - 4)) return Status::error("checksum mismatch: the file is corrupt");
    auto dir = out.header.find("tensors");
    if (dir == out.header.end() || !dir->is_array()) return Status::error("header field tensors is missing or not an array");
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (size_t i = 0; i < dir->size(); ++i) {
        NamedTensor t;
        DType d;
        uint64_t offset, nbytes;
        if (!(s = read_entry((*dir)[i], i, blob_bytes, t, d, offset, nbytes))) return s;
        for (const auto& prev : out.tensors)
            if (prev.name == t.name) return Status::error("tensor " + t.name + " appears twice in the directory");
        if (!(s = decode_tensor(data + blob_start + offset, d, t))) return s;
        spans.push_back({offset, offset + nbytes});
        out.tensors.push_back(std::move(t));
        out.dtypes.push_back(d);
    }
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second) return Status::error("tensor data overlaps in the blob at offset " + std::to_string(spans[i].first));
    return Status::success();
}

}  // namespace hw
