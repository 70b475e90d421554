#include "hwm_format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "crc32.h"
#include "hwm_header.h"

namespace hw {

static size_t align_up(size_t v) { return (v + kHwmAlign - 1) / kHwmAlign * kHwmAlign; }

void split_rows(const std::vector<int64_t>& shape, int64_t& rows, int64_t& cols) {
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

Status write_hwm(const std::string& header, const std::vector<NamedTensor>& tensors, DType precision,
                 std::vector<uint8_t>& out) {
    std::vector<TensorEntry> dir;
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
        dir.push_back({t.name, d, t.shape, offset, blobs.back().size()});
        offset = align_up(offset + blobs.back().size());
    }
    std::string text;
    Status s = add_directory(header, dir, offset, text);
    if (!s) return s;
    const size_t blob_start = align_up(kHwmPrefix + text.size());
    out.assign(blob_start + offset + 4, 0);
    std::memcpy(out.data(), kHwmMagic, 4);
    const uint32_t version = kHwmVersion, hlen = static_cast<uint32_t>(text.size());
    std::memcpy(&out[4], &version, 4);
    std::memcpy(&out[8], &hlen, 4);
    std::memcpy(&out[kHwmPrefix], text.data(), text.size());
    for (size_t i = 0; i < blobs.size(); ++i) std::memcpy(&out[blob_start + dir[i].offset], blobs[i].data(), blobs[i].size());
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
    out.header.assign(hb, header_len);
    const size_t blob_start = align_up(kHwmPrefix + header_len);
    uint64_t blob_bytes = 0;
    if (!(s = read_blob_bytes(out.header, kHwmMaxFileBytes, blob_bytes))) return s;
    const uint64_t expect = blob_start + blob_bytes + 4;
    if (size < expect)
        return Status::error("file is truncated: " + std::to_string(size) + " bytes, the header describes " + std::to_string(expect));
    if (size > expect)
        return Status::error("file has " + std::to_string(size - expect) + " trailing bytes after the checksum");
    if (crc32(data, size - 4) != read_u32(data + size - 4)) return Status::error("checksum mismatch: the file is corrupt");
    std::vector<TensorEntry> dir;
    if (!(s = read_directory(out.header, blob_bytes, dir))) return s;
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const TensorEntry& e : dir) {
        for (const auto& prev : out.tensors)
            if (prev.name == e.name) return Status::error("tensor " + e.name + " appears twice in the directory");
        NamedTensor t{e.name, e.shape, {}};
        if (!(s = decode_tensor(data + blob_start + e.offset, e.dtype, t))) return s;
        spans.push_back({e.offset, e.offset + e.nbytes});
        out.tensors.push_back(std::move(t));
        out.dtypes.push_back(e.dtype);
        out.offsets.push_back(e.offset);
    }
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second) return Status::error("tensor data overlaps in the blob at offset " + std::to_string(spans[i].first));
    return Status::success();
}

}  // namespace hw
