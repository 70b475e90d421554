// The .hwm container (docs/FORMAT.md): magic, version, JSON header with a tensor directory,
// a 64-byte-aligned little-endian blob, CRC32. Writer and reader work on memory only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"
#include "type_traits.h"

namespace hw {

constexpr char kHwmMagic[4] = {'H', 'W', 'M', '\0'};
constexpr uint32_t kHwmVersion = 1;
constexpr size_t kHwmAlign = 64;
constexpr size_t kHwmPrefix = 12;                 // magic (4) + version (4) + header length (4)
constexpr uint32_t kHwmMaxHeader = 16u << 20;     // 16 MiB of JSON is far beyond any real header
// The largest model file a reader accepts: a Graves-size f32 model is ~15 MB, shipped ones <= 8 MB.
constexpr uint64_t kHwmMaxFileBytes = uint64_t(512) << 20;

// How a file lays out a tensor of this shape: rows x cols (a vector is one row).
void split_rows(const std::vector<int64_t>& shape, int64_t& rows, int64_t& cols);

// A tensor as the exporter hands it over: f32 values in row-major order.
struct NamedTensor {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> values;
};

// Builds a complete .hwm image around a header (hwm_header.h: make_header) by adding the tensor
// directory and blob_bytes. Each tensor is stored in `precision`, or in f32 where that type keeps
// only matrices (type_traits: int8 vectors stay f32). The tensors are not checked against the
// model spec here.
// `header` is the header's JSON text (an object).
Status write_hwm(const std::string& header, const std::vector<NamedTensor>& tensors, DType precision,
                 std::vector<uint8_t>& out);

// A parsed container: the header's JSON text as stored (hwm_header.h reads its fields) and each
// tensor decoded to f32, with its stored type and where its bytes start in the blob.
struct HwmFile {
    std::string header;
    std::vector<NamedTensor> tensors;
    std::vector<DType> dtypes;
    std::vector<uint64_t> offsets;
};

// The deepest nesting of arrays and objects a header may have (the header object itself is level 1;
// a real header needs 4). Deeper JSON is refused before it is parsed: nlohmann's parser, copy and
// dump recurse per level, and 100k levels overflow the stack.
constexpr int kHwmMaxJsonDepth = 32;

// Scans JSON text (no parsing) and refuses arrays and objects nested deeper than `max_depth`,
// counting brackets outside strings only. The message names the top-level field the deep part is
// in and the limit. Text that is not JSON passes here and fails in the parser.
Status check_json_nesting(const char* text, size_t size, int max_depth);
inline Status check_json_nesting(const std::string& text, int max_depth) {
    return check_json_nesting(text.data(), text.size(), max_depth);
}

// Checks the 12-byte prefix alone (magic, version, header length), so that a caller reading a file
// can refuse it before reading the rest. `data` holds at least `size` bytes; fewer than 12 is an error.
Status check_hwm_prefix(const uint8_t* data, size_t size, uint32_t& header_len);

// Checks every read, bound, size product and offset; the message names the field at fault.
Status read_hwm(const uint8_t* data, size_t size, HwmFile& out);

}  // namespace hw
