// The model-describing fields of a .hwm header (docs/FORMAT.md): kind, hparams, alphabet, norm,
// variant, max_steps_per_char and (recognizer) ctc. One writer and one strict reader for the exporter, the core's
// loader and the trainer's checkpoint index, which stores the same JSON object under "model".
#pragma once
#include <string>

#include <nlohmann/json.hpp>

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
    std::u32string alphabet;      // synthesis, recognizer: hp.alphabet distinct characters; otherwise may be empty
    int max_steps_per_char = 60;
    CtcInfo ctc;                  // recognizer only (written and read for that kind alone)
};

// The fields above plus "format": "hwm" and "meta" (`meta` if it is an object, else {}).
nlohmann::json make_header(const ModelHeader& m, const nlohmann::json& meta);

// Reads what make_header writes (meta aside). Refuses anything missing, mistyped, out of range or
// inconsistent (alphabet against hparams.alphabet, ctc.blank against it) with a message naming
// the field.
Status parse_header(const nlohmann::json& h, ModelHeader& out);

}  // namespace hw
