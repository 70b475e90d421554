#include "exporter.h"

#include <algorithm>
#include <set>

#include "files.h"
#include "hwm_header.h"
#include "text.h"

namespace hw {

static void add_lstm_rows(std::vector<ParamMapping>& t, int layer, const std::string& module, const std::string& suffix) {
    const std::string s = "lstm" + std::to_string(layer);
    t.push_back({s + ".w_ih", {module + ".weight_ih" + suffix}, MapOp::Copy});
    t.push_back({s + ".w_hh", {module + ".weight_hh" + suffix}, MapOp::Copy});
    t.push_back({s + ".b", {module + ".bias_ih" + suffix, module + ".bias_hh" + suffix}, MapOp::SumBiases});
}

std::vector<ParamMapping> parameter_table(const HParams& hp) {
    std::vector<ParamMapping> t;
    switch (hp.kind) {
        case ModelKind::Synthesis:
            add_lstm_rows(t, 1, "cell1", "");
            for (int l = 2; l <= hp.layers; ++l) add_lstm_rows(t, l, "lstm" + std::to_string(l), "_l0");
            t.push_back({"window.w", {"window.weight"}, MapOp::Copy});
            t.push_back({"window.b", {"window.bias"}, MapOp::Copy});
            break;
        case ModelKind::Unconditional:
            for (int l = 1; l <= hp.layers; ++l) add_lstm_rows(t, l, "lstm" + std::to_string(l), "_l0");
            break;
        case ModelKind::Clockwork:
            t.push_back({"cw.w_ih", {"cw_ih.weight"}, MapOp::Copy});
            t.push_back({"cw.w_hh", {"cw_hh"}, MapOp::Masked});
            t.push_back({"cw.b", {"cw_b"}, MapOp::Copy});
            break;
    }
    t.push_back({"mdn.w", {"mdn.weight"}, MapOp::Copy});
    t.push_back({"mdn.b", {"mdn.bias"}, MapOp::Copy});
    return t;
}

// The part a spec tensor belongs to: "lstm2.w_ih" -> layer2, "window.b" -> window, "cw.w_hh" -> clockwork.
static std::string part_of(const std::string& spec_name) {
    const std::string prefix = spec_name.substr(0, spec_name.find('.'));
    if (prefix.rfind("lstm", 0) == 0) return "layer" + prefix.substr(4);
    return prefix == "cw" ? "clockwork" : prefix;
}

std::vector<std::string> part_names(const HParams& hp) {
    std::vector<std::string> names;
    for (const auto& row : parameter_table(hp))
        if (std::find(names.begin(), names.end(), part_of(row.spec_name)) == names.end()) names.push_back(part_of(row.spec_name));
    return names;
}

static std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

Status parameters_of_parts(const HParams& hp, const std::vector<std::string>& parts, std::vector<std::string>& out) {
    const std::vector<std::string> names = part_names(hp);
    std::vector<std::string> unknown;
    for (const auto& p : parts)
        if (std::find(names.begin(), names.end(), p) == names.end()) unknown.push_back(p);
    if (!unknown.empty())
        return Status::error("--freeze: this network has no part " + joined(unknown) + " (its parts: " + joined(names) + ")");
    std::set<std::string> distinct(parts.begin(), parts.end());
    if (distinct.size() == names.size()) return Status::error("--freeze: every part of the network is frozen; nothing would train");
    out.clear();
    for (const auto& row : parameter_table(hp))
        if (distinct.count(part_of(row.spec_name))) out.insert(out.end(), row.params.begin(), row.params.end());
    return Status::success();
}

static NamedTensor to_named(const std::string& name, const torch::Tensor& t) {
    NamedTensor n;
    n.name = name;
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    n.shape.assign(c.sizes().begin(), c.sizes().end());
    n.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return n;
}

Status collect_tensors(HandwritingNet& net, std::vector<NamedTensor>& out) {
    out.clear();
    const HParams& hp = net->hparams();
    auto params = net->named_parameters(true);
    std::set<std::string> used;
    const auto spec = model_spec(hp);
    const auto table = parameter_table(hp);
    for (const auto& s : spec) {
        const ParamMapping* row = nullptr;
        for (const auto& r : table)
            if (r.spec_name == s.name) row = &r;
        if (!row) return Status::error("exporter: the table has no row for spec tensor " + s.name);
        std::vector<torch::Tensor> src;
        for (const auto& p : row->params) {
            if (!params.contains(p)) return Status::error("exporter: module has no parameter " + p + " (for " + s.name + ")");
            src.push_back(params[p]);
            used.insert(p);
        }
        torch::Tensor v = src[0];
        if (row->op == MapOp::SumBiases) v = src[0] + src[1];
        if (row->op == MapOp::Masked) v = src[0] * net->cw_mask;
        NamedTensor n = to_named(s.name, v);
        if (n.shape != s.shape) return Status::error("exporter: parameter for " + s.name + " has the wrong shape");
        out.push_back(std::move(n));
    }
    for (const auto& p : params)
        if (!used.count(p.key())) return Status::error("exporter: parameter " + p.key() + " is not mapped to any spec tensor");
    return Status::success();
}

Status export_hwm(HandwritingNet& net, const ExportInfo& info, Precision precision, std::vector<uint8_t>& out) {
    std::vector<NamedTensor> tensors;
    Status s = collect_tensors(net, tensors);
    if (!s) return s;
    HParams hp = net->hparams();
    if (hp.kind == ModelKind::Synthesis && static_cast<int>(info.alphabet.size()) != hp.alphabet)
        return Status::error("exporter: the alphabet has " + std::to_string(info.alphabet.size()) + " characters, the network " +
                             std::to_string(hp.alphabet));
    const auto header = make_header({hp, net->variant(), info.norm, info.alphabet, info.max_steps_per_char}, info.meta);
    return write_hwm(header, tensors, precision, out);
}

Status export_hwm_file(HandwritingNet& net, const ExportInfo& info, Precision precision, const std::string& path) {
    std::vector<uint8_t> bytes;
    Status s = export_hwm(net, info, precision, bytes);
    if (!s) return s;
    return write_file_atomic(path, bytes.data(), bytes.size());
}

Status model_config_from_hwm(const std::vector<uint8_t>& bytes, HParams& hp, Variant& v) {
    Model m;
    Status s = load_model(bytes.data(), bytes.size(), m);
    if (!s) return s;
    hp = m.hp;
    v = m.variant;
    return s;
}

std::u32string widened_alphabet(const std::u32string& model, const std::u32string& data) {
    std::u32string out = model;
    for (char32_t c : data)
        if (out.find(c) == std::u32string::npos) out += c;
    std::sort(out.begin() + static_cast<long>(model.size()), out.end());
    return out;
}

Status widen_window_columns(std::vector<NamedTensor>& tensors, const std::u32string& from, const std::u32string& to) {
    for (char32_t c : from)
        if (to.find(c) == std::u32string::npos) return Status::error("the widened alphabet lacks a character of the model's");
    const int64_t A = static_cast<int64_t>(from.size()), B = static_cast<int64_t>(to.size());
    for (NamedTensor& t : tensors) {
        if (t.name.rfind("lstm", 0) != 0 || t.name.find(".w_ih") == std::string::npos) continue;
        if (t.shape.size() != 2 || t.shape[1] < A) return Status::error("tensor " + t.name + ": no window columns to widen");
        const int64_t rows = t.shape[0], keep = t.shape[1] - A, cols = keep + B;  // the window's columns come last
        std::vector<float> out(static_cast<size_t>(rows * cols), 0.0f);
        for (int64_t j = 0; j < cols; ++j) {
            int64_t src = j < keep ? j : -1;
            if (j >= keep) {
                const char32_t c = to[static_cast<size_t>(j - keep)];
                size_t k = from.find(c);
                if (k == std::u32string::npos) k = from.find(base_character(c));
                if (k != std::u32string::npos) src = keep + static_cast<int64_t>(k);
            }
            if (src < 0) continue;
            for (int64_t r = 0; r < rows; ++r) out[static_cast<size_t>(r * cols + j)] = t.values[static_cast<size_t>(r * t.shape[1] + src)];
        }
        t.values = std::move(out);
        t.shape[1] = cols;
    }
    return Status::success();
}

Status import_hwm(const std::vector<uint8_t>& bytes, HandwritingNet& net, ExportInfo& info, const std::u32string* widen_to) {
    Model m;
    Status s = load_model(bytes.data(), bytes.size(), m);
    if (!s) return s;
    const HParams& hp = net->hparams();
    const int64_t alphabet = widen_to ? static_cast<int64_t>(widen_to->size()) : m.hp.alphabet;
    if (m.hp.kind != hp.kind || m.hp.layers != hp.layers || m.hp.hidden != hp.hidden || m.hp.mixtures != hp.mixtures ||
        (hp.kind == ModelKind::Synthesis && (m.hp.window != hp.window || alphabet != hp.alphabet)) ||
        (hp.kind == ModelKind::Clockwork && m.hp.groups != hp.groups))
        return Status::error("the file's hyperparameters differ from the network's");
    if (widen_to && hp.kind != ModelKind::Synthesis) return Status::error("only a synthesis model has an alphabet to widen");
    HwmFile f;
    if (!(s = read_hwm(bytes.data(), bytes.size(), f))) return s;
    if (widen_to && !(s = widen_window_columns(f.tensors, m.alphabet, *widen_to))) return s;
    info.norm = m.norm;
    info.alphabet = widen_to ? *widen_to : m.alphabet;
    info.max_steps_per_char = m.max_steps_per_char;
    if (f.header.contains("meta")) info.meta = f.header["meta"];
    auto params = net->named_parameters(true);
    torch::NoGradGuard guard;
    for (const auto& row : parameter_table(hp)) {
        const NamedTensor* src = nullptr;
        for (const auto& t : f.tensors)
            if (t.name == row.spec_name) src = &t;
        if (!src) return Status::error("tensor " + row.spec_name + " is missing");
        torch::Tensor v = torch::from_blob(const_cast<float*>(src->values.data()), src->shape, torch::kFloat32).clone();
        torch::Tensor dst = params[row.params[0]];
        dst.copy_(v.to(dst.device()));
        if (row.op == MapOp::SumBiases) params[row.params[1]].zero_();
    }
    return Status::success();
}

}  // namespace hw
