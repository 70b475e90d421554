#include "hwm_header.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "hwm_format.h"
#include "text.h"
#include "type_traits.h"

namespace hw {

using nlohmann::json;

namespace {

// The JSON of a header's text, or a discarded value (a parse error never throws here).
json parsed(const std::string& text) { return json::parse(text.begin(), text.end(), nullptr, false); }

// Dumps without throwing: a string that is not UTF-8 (never in a parsed header) is written with
// U+FFFD instead of aborting the program.
std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string make_header(const ModelHeader& m, const std::string& meta_text) {
    const HParams& hp = m.hp;
    const Normalisation& n = m.norm;
    json h;
    h["format"] = "hwm";
    h["kind"] = kind_name(hp.kind);
    h["hparams"] = {{"layers", hp.layers},   {"hidden", hp.hidden}, {"mixtures", hp.mixtures},
                    {"window", hp.window},   {"alphabet", hp.alphabet}, {"groups", hp.groups}};
    h["alphabet"] = utf8_encode(m.alphabet);
    h["norm"] = {{"scale", {n.scale_x, n.scale_y}}, {"point_spacing", n.point_spacing}, {"line_height", n.line_height}};
    h["variant"] = {{"window_fn", m.variant.window_fn == WindowFn::Exp ? "exp" : "softplus"},
                    {"kappa_scale", m.variant.kappa_scale},
                    {"eos_sign", m.variant.eos_sign}};
    h["max_steps_per_char"] = m.max_steps_per_char;
    const json meta = parsed(meta_text);
    h["meta"] = meta.is_object() ? meta : json::object();
    return dumped(h);
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

// A synthesis model needs its alphabet; the others may carry one (it is checked as UTF-8 only).
Status read_alphabet(const json& h, const HParams& hp, std::u32string& alphabet) {
    auto a = h.find("alphabet");
    if (a == h.end() || !a->is_string()) {
        if (hp.kind != ModelKind::Synthesis) return Status::success();
        return Status::error("header field alphabet is missing or not a string");
    }
    Status s = utf8_decode(a->get<std::string>(), alphabet);
    if (!s) return Status::error("header field alphabet: " + s.message);
    if (hp.kind != ModelKind::Synthesis) return Status::success();
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

}  // namespace

Status parse_header(const std::string& header, ModelHeader& out) {
    out = ModelHeader{};
    const json h = parsed(header);
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
    return Status::success();
}

// ---- meta and the tensor directory ---------------------------------------------------------

namespace {

bool get_uint(const json& obj, const char* key, uint64_t max, uint64_t& out) {
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

Status read_shape(const json& e, const std::string& tw, std::vector<int64_t>& shape) {
    auto s = e.find("shape");
    if (s == e.end() || !s->is_array() || s->empty() || s->size() > 4)
        return Status::error(tw + "field shape is missing or not an array of 1 to 4 dimensions");
    shape.clear();
    int64_t count = 1;
    for (const auto& d : *s) {
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > (1 << 24))
            return Status::error(tw + "field shape holds a dimension that is not an integer in [1, 2^24]");
        shape.push_back(d.get<int64_t>());
        count *= shape.back();
        if (count > (int64_t(1) << 31)) return Status::error(tw + "field shape has more than 2^31 elements");
    }
    return Status::success();
}

Status read_entry(const json& e, size_t index, uint64_t blob_bytes, TensorEntry& t) {
    const std::string where = "tensors[" + std::to_string(index) + "]";
    if (!e.is_object()) return Status::error("header field " + where + " is not an object");
    auto name = e.find("name");
    if (name == e.end() || !name->is_string() || name->get<std::string>().empty())
        return Status::error("header field " + where + ".name is missing or not a string");
    t.name = name->get<std::string>();
    const std::string tw = "tensor " + t.name + ": ";
    auto dt = e.find("dtype");
    if (dt == e.end() || !dt->is_string() || !parse_dtype(dt->get<std::string>(), t.dtype))
        return Status::error(tw + "field dtype is missing or unknown (expected f32, f16 or int8)");
    Status s = read_shape(e, tw, t.shape);
    if (!s) return s;
    if (!get_uint(e, "offset", blob_bytes, t.offset)) return Status::error(tw + "field offset is missing or beyond the blob");
    if (t.offset % kHwmAlign != 0)
        return Status::error(tw + "field offset " + std::to_string(t.offset) + " is not aligned to 64 bytes");
    if (!get_uint(e, "nbytes", blob_bytes, t.nbytes)) return Status::error(tw + "field nbytes is missing or beyond the blob");
    int64_t rows, cols;
    split_rows(t.shape, rows, cols);
    const uint64_t expect = type_traits(t.dtype).stored_bytes(static_cast<uint64_t>(rows), static_cast<uint64_t>(cols));
    if (t.nbytes != expect)
        return Status::error(tw + "field nbytes = " + std::to_string(t.nbytes) + " but " + dtype_name(t.dtype) + " " +
                             "of that shape needs " + std::to_string(expect));
    if (t.offset + t.nbytes > blob_bytes) return Status::error(tw + "data runs past the end of the blob");
    return Status::success();
}

}  // namespace

std::string header_meta(const std::string& header) {
    const json h = parsed(header);
    auto meta = h.is_object() ? h.find("meta") : h.end();
    return h.is_object() && meta != h.end() && meta->is_object() ? dumped(*meta) : "{}";
}

std::string header_without_directory(const std::string& header) {
    json h = parsed(header);
    if (!h.is_object()) return header;
    h.erase("tensors");
    return dumped(h);
}

Status add_directory(const std::string& header, const std::vector<TensorEntry>& dir, uint64_t blob_bytes, std::string& out) {
    json h = parsed(header);
    if (!h.is_object()) return Status::error("header is not the JSON text of an object");
    json entries = json::array();
    for (const TensorEntry& t : dir)
        entries.push_back({{"name", t.name}, {"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"offset", t.offset}, {"nbytes", t.nbytes}});
    h["tensors"] = std::move(entries);
    h["blob_bytes"] = blob_bytes;
    out = dumped(h);
    return Status::success();
}

Status read_blob_bytes(const std::string& header, uint64_t max_bytes, uint64_t& out) {
    const json h = parsed(header);
    if (h.is_discarded()) return Status::error("header is not valid JSON");
    if (!h.is_object()) return Status::error("header is not a JSON object");
    if (!get_uint(h, "blob_bytes", max_bytes, out)) return Status::error("header field blob_bytes is missing or out of range");
    return Status::success();
}

Status read_directory(const std::string& header, uint64_t blob_bytes, std::vector<TensorEntry>& out) {
    out.clear();
    const json h = parsed(header);
    auto dir = h.is_object() ? h.find("tensors") : h.end();
    if (!h.is_object() || dir == h.end() || !dir->is_array()) return Status::error("header field tensors is missing or not an array");
    for (size_t i = 0; i < dir->size(); ++i) {
        TensorEntry t;
        Status s = read_entry((*dir)[i], i, blob_bytes, t);
        if (!s) return s;
        out.push_back(std::move(t));
    }
    return Status::success();
}

}  // namespace hw
