#include "hwm_format.h"
#include "hwm_header.h"
#include "model.h"

namespace hw {

using nlohmann::json;

static RowMatrix as_matrix(const NamedTensor& t) {
    const int64_t rows = t.shape[0], cols = t.shape.size() > 1 ? t.shape[1] : 1;
    return Eigen::Map<const RowMatrix>(t.values.data(), rows, cols);
}

static Vector as_vector(const NamedTensor& t) {
    return Eigen::Map<const Vector>(t.values.data(), static_cast<Eigen::Index>(t.values.size()));
}

// W_ih [4H, I] and W_hh [4H, H] side by side, so one matvec over [input, h] computes the gates.
static RowMatrix side_by_side(const NamedTensor& a, const NamedTensor& b) {
    RowMatrix m(a.shape[0], a.shape[1] + b.shape[1]);
    m << as_matrix(a), as_matrix(b);
    return m;
}

static Status match_spec(const HParams& hp, const HwmFile& f, std::vector<const NamedTensor*>& ordered) {
    const auto spec = model_spec(hp);
    ordered.assign(spec.size(), nullptr);
    for (const auto& t : f.tensors) {
        size_t k = 0;
        while (k < spec.size() && spec[k].name != t.name) ++k;
        if (k == spec.size()) return Status::error("tensor " + t.name + " is unknown to a " + kind_name(hp.kind) + " model");
        if (t.shape != spec[k].shape) {
            std::string want, got;
            for (auto d : spec[k].shape) want += (want.empty() ? "" : "x") + std::to_string(d);
            for (auto d : t.shape) got += (got.empty() ? "" : "x") + std::to_string(d);
            return Status::error("tensor " + t.name + " has shape " + got + ", the hyperparameters require " + want);
        }
        ordered[k] = &t;
    }
    for (size_t k = 0; k < spec.size(); ++k)
        if (!ordered[k]) return Status::error("tensor " + spec[k].name + " is missing");
    return Status::success();
}

static void assign_weights(const HParams& hp, const std::vector<const NamedTensor*>& t, Model& m) {
    size_t k = 0;
    if (hp.kind == ModelKind::Clockwork) {
        m.cw_w = side_by_side(*t[0], *t[1]);
        m.cw_b = as_vector(*t[2]);
        k = 3;
    } else {
        for (int l = 0; l < hp.layers; ++l, k += 3) {
            LstmWeights w;
            w.input = static_cast<int>(t[k]->shape[1]);
            w.w = side_by_side(*t[k], *t[k + 1]);
            w.b = as_vector(*t[k + 2]);
            m.lstm.push_back(std::move(w));
        }
        if (hp.kind == ModelKind::Synthesis) {
            m.window_w = as_matrix(*t[k]);
            m.window_b = as_vector(*t[k + 1]);
            k += 2;
        }
    }
    m.mdn_w = as_matrix(*t[k]);
    m.mdn_b = as_vector(*t[k + 1]);
}

Status load_model(const uint8_t* data, size_t size, Model& out) {
    out = Model{};
    HwmFile f;
    Status s = read_hwm(data, size, f);
    if (!s) return s;
    ModelHeader mh;
    if (!(s = parse_header(f.header, mh))) return s;
    out.hp = mh.hp;
    out.variant = mh.variant;
    out.norm = mh.norm;
    out.alphabet = std::move(mh.alphabet);
    out.max_steps_per_char = mh.max_steps_per_char;
    std::vector<const NamedTensor*> ordered;
    if (!(s = match_spec(out.hp, f, ordered))) return s;
    assign_weights(out.hp, ordered, out);
    json shown = f.header;
    shown.erase("tensors");
    out.header_json = shown.dump();
    return Status::success();
}

}  // namespace hw
