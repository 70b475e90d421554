#include <cmath>

#include "hwm_format.h"
#include "model.h"
#include "text.h"

namespace hw {

using nlohmann::json;

static Status get_int(const json& obj, const std::string& path, const char* key, int& out, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) return Status::error("header field " + path + key + " is missing");
        return Status::success();
    }
    if (!it->is_number_integer()) return Status::error("header field " + path + key + " is not an integer");
    const int64_t v = it->get<int64_t>();
    if (v < -(int64_t(1) << 30) || v > (int64_t(1) << 30)) return Status::error("header field " + path + key + " is out of range");
    out = static_cast<int>(v);
    return Status::success();
}

static Status get_positive(const json& obj, const std::string& path, const char* key, float& out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return Status::error("header field " + path + key + " is missing or not a number");
    const double v = it->get<double>();
    if (!(v > 0) || !std::isfinite(v) || v > 1e9) return Status::error("header field " + path + key + " must be a positive finite number");
    out = static_cast<float>(v);
    return Status::success();
}

static Status read_hparams(const json& h, HParams& hp) {
    auto kind = h.find("kind");
    if (kind == h.end() || !kind->is_string()) return Status::error("header field kind is missing or not a string");
    if (!parse_kind(kind->get<std::string>(), hp.kind))
        return Status::error("header field kind = \"" + kind->get<std::string>() + "\" is unknown (synthesis, unconditional, clockwork)");
    auto p = h.find("hparams");
    if (p == h.end() || !p->is_object()) return Status::error("header field hparams is missing or not an object");
    Status s;
    if (!(s = get_int(*p, "hparams.", "hidden", hp.hidden, true))) return s;
    if (!(s = get_int(*p, "hparams.", "mixtures", hp.mixtures, true))) return s;
    const bool synth = hp.kind == ModelKind::Synthesis, cw = hp.kind == ModelKind::Clockwork;
    if (!(s = get_int(*p, "hparams.", "layers", hp.layers, !cw))) return s;
    if (!(s = get_int(*p, "hparams.", "window", hp.window, synth))) return s;
    if (!(s = get_int(*p, "hparams.", "alphabet", hp.alphabet, synth))) return s;
    if (!(s = get_int(*p, "hparams.", "groups", hp.groups, cw))) return s;
    return validate_hparams(hp);
}

static Status read_alphabet(const json& h, Model& m) {
    auto a = h.find("alphabet");
    if (a == h.end() || !a->is_string()) {
        if (m.hp.kind != ModelKind::Synthesis) return Status::success();
        return Status::error("header field alphabet is missing or not a string");
    }
    Status s = utf8_decode(a->get<std::string>(), m.alphabet);
    if (!s) return Status::error("header field alphabet: " + s.message);
    if (m.hp.kind != ModelKind::Synthesis) return Status::success();
    if (static_cast<int>(m.alphabet.size()) != m.hp.alphabet)
        return Status::error("header field alphabet has " + std::to_string(m.alphabet.size()) +
                             " characters but hparams.alphabet = " + std::to_string(m.hp.alphabet));
    for (size_t i = 0; i < m.alphabet.size(); ++i)
        if (m.alphabet.find(m.alphabet[i], i + 1) != std::u32string::npos)
            return Status::error("header field alphabet repeats the character '" + utf8_encode(m.alphabet[i]) + "'");
    return Status::success();
}

static Status read_norm_variant(const json& h, Model& m) {
    auto n = h.find("norm");
    if (n == h.end() || !n->is_object()) return Status::error("header field norm is missing or not an object");
    auto sc = n->find("scale");
    if (sc == n->end() || !sc->is_array() || sc->size() != 2 || !(*sc)[0].is_number() || !(*sc)[1].is_number())
        return Status::error("header field norm.scale is missing or not two numbers");
    m.norm.scale_x = (*sc)[0].get<float>();
    m.norm.scale_y = (*sc)[1].get<float>();
    if (!(m.norm.scale_x > 0) || !(m.norm.scale_y > 0) || !std::isfinite(m.norm.scale_x) || !std::isfinite(m.norm.scale_y))
        return Status::error("header field norm.scale must hold two positive finite numbers");
    Status s;
    if (!(s = get_positive(*n, "norm.", "point_spacing", m.norm.point_spacing))) return s;
    if (!(s = get_positive(*n, "norm.", "line_height", m.norm.line_height))) return s;
    auto v = h.find("variant");
    if (v == h.end() || !v->is_object()) return Status::error("header field variant is missing or not an object");
    auto wf = v->find("window_fn");
    if (wf == v->end() || !wf->is_string() || (*wf != "exp" && *wf != "softplus"))
        return Status::error("header field variant.window_fn must be \"exp\" or \"softplus\"");
    m.variant.window_fn = *wf == "exp" ? WindowFn::Exp : WindowFn::Softplus;
    if (!(s = get_positive(*v, "variant.", "kappa_scale", m.variant.kappa_scale))) return s;
    if (!(s = get_int(*v, "variant.", "eos_sign", m.variant.eos_sign, true))) return s;
    if (m.variant.eos_sign != 1 && m.variant.eos_sign != -1) return Status::error("header field variant.eos_sign must be 1 or -1");
    if (!(s = get_int(h, "", "max_steps_per_char", m.max_steps_per_char, true))) return s;
    if (m.max_steps_per_char < 1 || m.max_steps_per_char > 1000)
        return Status::error("header field max_steps_per_char must be in [1, 1000]");
    return Status::success();
}

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
    auto fmt = f.header.find("format");
    if (fmt == f.header.end() || !fmt->is_string() || *fmt != "hwm") return Status::error("header field format is missing or not \"hwm\"");
    if (!(s = read_hparams(f.header, out.hp))) return s;
    if (!(s = read_alphabet(f.header, out))) return s;
    if (!(s = read_norm_variant(f.header, out))) return s;
    std::vector<const NamedTensor*> ordered;
    if (!(s = match_spec(out.hp, f, ordered))) return s;
    assign_weights(out.hp, ordered, out);
    json shown = f.header;
    shown.erase("tensors");
    out.header_json = shown.dump();
    return Status::success();
}

}  // namespace hw
