// Helpers shared by the core tests: random models built straight from the model spec.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwm_format.h"
#include "hwm_header.h"
#include "rng.h"

namespace hw::test {

inline std::u32string small_alphabet() { return U" abcdefghijklmnopqrstuvwxyz.,'!?"; }

inline HParams small_hparams(ModelKind kind) {
    HParams hp;
    hp.kind = kind;
    hp.layers = 3;
    hp.hidden = 32;
    hp.mixtures = 5;
    hp.window = 4;
    hp.alphabet = kind == ModelKind::Synthesis ? static_cast<int>(small_alphabet().size()) : 0;
    hp.groups = kind == ModelKind::Clockwork ? 4 : 0;
    return hp;
}

inline std::vector<NamedTensor> random_tensors(const HParams& hp, uint64_t seed, float scale = 0.2f) {
    Rng rng(seed);
    std::vector<NamedTensor> out;
    for (const auto& s : model_spec(hp)) {
        NamedTensor t{s.name, s.shape, {}};
        int64_t n = 1;
        for (auto d : s.shape) n *= d;
        for (int64_t i = 0; i < n; ++i) t.values.push_back(static_cast<float>((rng.uniform() * 2 - 1) * scale));
        out.push_back(std::move(t));
    }
    return out;
}

// The header's JSON text of a small model (small_header_json: parsed, for a test to change).
inline std::string small_header(const HParams& hp) {
    Normalisation n;
    n.scale_x = 2.0f;
    n.scale_y = 1.5f;
    n.point_spacing = 1.2f;
    n.line_height = 20.0f;
    return make_header({hp, Variant{}, n, hp.kind == ModelKind::Synthesis ? small_alphabet() : U"", 25},
                       R"({"note":"test model"})");
}
inline nlohmann::json small_header_json(const HParams& hp) { return nlohmann::json::parse(small_header(hp)); }

inline std::vector<uint8_t> small_model_bytes(ModelKind kind, DType p = DType::F32, uint64_t seed = 7) {
    const HParams hp = small_hparams(kind);
    std::vector<uint8_t> out;
    const Status s = write_hwm(small_header(hp), random_tensors(hp, seed), p, out);
    if (!s) {  // a broken helper: no test could mean anything after it
        std::fprintf(stderr, "%s: %s\n", __func__, s.message.c_str());
        std::abort();
    }
    return out;
}

}  // namespace hw::test
