// The .hwm header (docs/FORMAT.md): its model-describing fields (kind, hparams, alphabet, norm,
// variant, max_steps_per_char), meta, and the tensor directory with blob_bytes. One writer and one
// strict reader for the exporter, the core's loader and the trainer's checkpoint index, which
// stores the same JSON object under "model". The header is JSON text in this API: nlohmann/json is
// used inside hwm_header.cpp only (the core builds without exceptions, so every value is checked
// for its type before it is read).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dtype.h"
#include "model.h"
#include "status.h"

namespace hw {

constexpr int kMaxStepsPerChar = 1000;  // the reader's bound on max_steps_per_char
// The reader's bound on norm.scale, norm.point_spacing and norm.line_height (data units; real
// models have values of about 1 to 20). With it, a sampled offset (kMaxSampledOffset) times the
// scale, summed over any number of steps a generation may take, stays far inside float's range.
constexpr float kMaxNormValue = 1e4f;

// What a header says about the model besides its tensors.
struct ModelHeader {
    HParams hp;
    Variant variant;
    Normalisation norm;
    std::u32string alphabet;      // synthesis: hp.alphabet distinct characters; otherwise may be empty
    int max_steps_per_char = 60;
};

// The header's JSON text: the fields above plus "format": "hwm" and "meta" (the JSON object whose
// text `meta` is; {} when it is empty, not JSON or not an object).
std::string make_header(const ModelHeader& m, const std::string& meta = "");

// Reads what make_header writes (meta aside) from a header's JSON text. Refuses anything missing,
// mistyped, out of range or inconsistent (alphabet against hparams.alphabet) with a message naming
// the field.
Status parse_header(const std::string& header, ModelHeader& out);

// The header's "meta" object as JSON text ("{}" when it has none).
std::string header_meta(const std::string& header);
// The header's JSON text without its tensor directory (what `hw info` shows).
std::string header_without_directory(const std::string& header);

// ---- the tensor directory (hwm_format.cpp reads and writes it) ----

// One entry: where a tensor's bytes lie in the blob and how they are stored.
struct TensorEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t offset = 0, nbytes = 0;
};

// The header's text with "tensors" (the entries) and "blob_bytes" set. Fails when `header` is not
// the JSON text of an object.
Status add_directory(const std::string& header, const std::vector<TensorEntry>& dir, uint64_t blob_bytes, std::string& out);

// blob_bytes (at most max_bytes) of a header's JSON text, which must be an object.
Status read_blob_bytes(const std::string& header, uint64_t max_bytes, uint64_t& out);

// The directory of a header's JSON text, each entry checked: a name, a known dtype, a shape of 1
// to 4 dimensions in [1, 2^24] with at most 2^31 elements, an offset aligned to kHwmAlign and
// nbytes as the dtype stores that shape, inside blob_bytes. Names are not checked for repeats.
Status read_directory(const std::string& header, uint64_t blob_bytes, std::vector<TensorEntry>& out);

}  // namespace hw
