#include "hwm_header.h"

#include <cmath>

#include "text.h"

namespace hw {

using nlohmann::json;

json make_header(const ModelHeader& m, const json& meta) {
    const HParams& hp = m.hp;
    const Normalisation& n = m.norm;
    json h;
    h["format"] = "hwm";
    h["kind"] = kind_name(hp.kind);
    h["hparams"] = {{"layers", hp.layers},   {"hidden", hp.hidden}, {"mixtures", hp.mixtures},
                    {"window", hp.window},   {"alphabet", hp.alphabet}, {"groups", hp.groups}};
    if (hp.kind == ModelKind::Recognizer) {
        h["hparams"]["subsample"] = hp.subsample;
        h["ctc"] = {{"blank", m.ctc.blank}, {"check_nats", m.ctc.check_nats}};
    }
    h["alphabet"] = utf8_encode(m.alphabet);
    h["norm"] = {{"scale", {n.scale_x, n.scale_y}}, {"point_spacing", n.point_spacing}, {"line_height", n.line_height}};
    h["variant"] = {{"window_fn", m.variant.window_fn == WindowFn::Exp ? "exp" : "softplus"},
                    {"kappa_scale", m.variant.kappa_scale},
                    {"eos_sign", m.variant.eos_sign}};
    h["max_steps_per_char"] = m.max_steps_per_char;
    h["meta"] = meta.is_object() ? meta : json::object();
    return h;
}

namespace {

Status get_int(const json& obj, const std::string& path, const char* key, int& out, bool required) {
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

Status get_positive(const json& obj, const std::string& path, const char* key, float& out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return Status::error("header field " + path + key + " is missing or not a number");
    const double v = it->get<double>();
    if (!(v > 0) || !std::isfinite(v) || v > 1e9) return Status::error("header field " + path + key + " must be a positive finite number");
    out = static_cast<float>(v);
    return Status::success();
}

Status read_hparams(const json& h, HParams& hp) {
    auto kind = h.find("kind");
    if (kind == h.end() || !kind->is_string()) return Status::error("header field kind is missing or not a string");
    if (!parse_kind(kind->get<std::string>(), hp.kind))
        return Status::error("header field kind = \"" + kind->get<std::string>() +
                             "\" is unknown (synthesis, unconditional, clockwork, recognizer)");
    auto p = h.find("hparams");
    if (p == h.end() || !p->is_object()) return Status::error("header field hparams is missing or not an object");
    Status s;
    const bool synth = hp.kind == ModelKind::Synthesis, cw = hp.kind == ModelKind::Clockwork;
    const bool rec = hp.kind == ModelKind::Recognizer;
    if (!(s = get_int(*p, "hparams.", "hidden", hp.hidden, true))) return s;
    if (!(s = get_int(*p, "hparams.", "mixtures", hp.mixtures, !rec))) return s;
    if (!(s = get_int(*p, "hparams.", "layers", hp.layers, !cw))) return s;
    if (!(s = get_int(*p, "hparams.", "window", hp.window, synth))) return s;
    if (!(s = get_int(*p, "hparams.", "alphabet", hp.alphabet, uses_alphabet(hp.kind)))) return s;
    if (!(s = get_int(*p, "hparams.", "groups", hp.groups, cw))) return s;
    if (!(s = get_int(*p, "hparams.", "subsample", hp.subsample, rec))) return s;
    return validate_hparams(hp);
}

// A synthesis model and a recognizer need their alphabet; the others may carry one (it is checked
// as UTF-8 only).
Status read_alphabet(const json& h, const HParams& hp, std::u32string& alphabet) {
    auto a = h.find("alphabet");
    if (a == h.end() || !a->is_string()) {
        if (!uses_alphabet(hp.kind)) return Status::success();
        return Status::error("header field alphabet is missing or not a string");
    }
    Status s = utf8_decode(a->get<std::string>(), alphabet);
    if (!s) return Status::error("header field alphabet: " + s.message);
    if (!uses_alphabet(hp.kind)) return Status::success();
    if (static_cast<int>(alphabet.size()) != hp.alphabet)
        return Status::error("header field alphabet has " + std::to_string(alphabet.size()) +
                             " characters but hparams.alphabet = " + std::to_string(hp.alphabet));
    for (size_t i = 0; i < alphabet.size(); ++i)
        if (alphabet.find(alphabet[i], i + 1) != std::u32string::npos)
            return Status::error("header field alphabet repeats the character '" + utf8_encode(alphabet[i]) + "'");
    return Status::success();
}

Status read_norm(const json& h, Normalisation& norm) {
    auto n = h.find("norm");
    if (n == h.end() || !n->is_object()) return Status::error("header field norm is missing or not an object");
    auto sc = n->find("scale");
    if (sc == n->end() || !sc->is_array() || sc->size() != 2 || !(*sc)[0].is_number() || !(*sc)[1].is_number())
        return Status::error("header field norm.scale is missing or not two numbers");
    norm.scale_x = (*sc)[0].get<float>();
    norm.scale_y = (*sc)[1].get<float>();
    const double sx = (*sc)[0].get<double>(), sy = (*sc)[1].get<double>();
    if (!(sx > 0) || !(sy > 0) || !(sx <= kMaxNormValue) || !(sy <= kMaxNormValue))
        return Status::error("header field norm.scale must hold two positive numbers of at most " + std::to_string(static_cast<int>(kMaxNormValue)));
    norm.scale_x = static_cast<float>(sx);
    norm.scale_y = static_cast<float>(sy);
    Status s;
    if (!(s = get_positive(*n, "norm.", "point_spacing", norm.point_spacing))) return s;
    if (!(s = get_positive(*n, "norm.", "line_height", norm.line_height))) return s;
    if (norm.point_spacing > kMaxNormValue || norm.line_height > kMaxNormValue)
        return Status::error(std::string("header field norm.") + (norm.point_spacing > kMaxNormValue ? "point_spacing" : "line_height") +
                             " must be at most " + std::to_string(static_cast<int>(kMaxNormValue)));
    return Status::success();
}

Status read_variant(const json& h, Variant& variant) {
    auto v = h.find("variant");
    if (v == h.end() || !v->is_object()) return Status::error("header field variant is missing or not an object");
    auto wf = v->find("window_fn");
    if (wf == v->end() || !wf->is_string() || (*wf != "exp" && *wf != "softplus"))
        return Status::error("header field variant.window_fn must be \"exp\" or \"softplus\"");
    variant.window_fn = *wf == "exp" ? WindowFn::Exp : WindowFn::Softplus;
    Status s;
    if (!(s = get_positive(*v, "variant.", "kappa_scale", variant.kappa_scale))) return s;
    if (!(s = get_int(*v, "variant.", "eos_sign", variant.eos_sign, true))) return s;
    if (variant.eos_sign != 1 && variant.eos_sign != -1) return Status::error("header field variant.eos_sign must be 1 or -1");
    return Status::success();
}

// The recognizer's "ctc" object: blank 0 or V (required), check_nats (optional: the default).
Status read_ctc(const json& h, const HParams& hp, CtcInfo& ctc) {
    auto c = h.find("ctc");
    if (c == h.end() || !c->is_object()) return Status::error("header field ctc is missing or not an object");
    Status s = get_int(*c, "ctc.", "blank", ctc.blank, true);
    if (!s) return s;
    if (ctc.blank != 0 && ctc.blank != hp.alphabet)
        return Status::error("header field ctc.blank = " + std::to_string(ctc.blank) + " must be 0 or hparams.alphabet = " +
                             std::to_string(hp.alphabet) + " (the first or the last class)");
    if (!c->contains("check_nats")) return Status::success();
    if (!(s = get_positive(*c, "ctc.", "check_nats", ctc.check_nats))) return s;
    if (ctc.check_nats > kMaxCheckNats)
        return Status::error("header field ctc.check_nats must be at most " + std::to_string(static_cast<int>(kMaxCheckNats)));
    return Status::success();
}

}  // namespace

Status parse_header(const json& h, ModelHeader& out) {
    out = ModelHeader{};
    if (!h.is_object()) return Status::error("header is not a JSON object");
    auto fmt = h.find("format");
    if (fmt == h.end() || !fmt->is_string() || *fmt != "hwm") return Status::error("header field format is missing or not \"hwm\"");
    Status s;
    if (!(s = read_hparams(h, out.hp))) return s;
    if (!(s = read_alphabet(h, out.hp, out.alphabet))) return s;
    if (!(s = read_norm(h, out.norm))) return s;
    if (!(s = read_variant(h, out.variant))) return s;
    if (!(s = get_int(h, "", "max_steps_per_char", out.max_steps_per_char, true))) return s;
    if (out.max_steps_per_char < 1 || out.max_steps_per_char > kMaxStepsPerChar)
        return Status::error("header field max_steps_per_char must be in [1, " + std::to_string(kMaxStepsPerChar) + "]");
    if (out.hp.kind == ModelKind::Recognizer && !(s = read_ctc(h, out.hp, out.ctc))) return s;
    return Status::success();
}

}  // namespace hw
