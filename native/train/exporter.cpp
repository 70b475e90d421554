#include "exporter.h"

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

Status export_hwm(HandwritingNet& net, const ExportInfo& info, DType precision, std::vector<uint8_t>& out) {
    std::vector<NamedTensor> tensors;
    Status s = collect_tensors(net, tensors);
    if (!s) return s;
    HParams hp = net->hparams();
    if (hp.kind == ModelKind::Synthesis && static_cast<int>(info.alphabet.size()) != hp.alphabet)
        return Status::error("exporter: the alphabet has " + std::to_string(info.alphabet.size()) + " characters, the network " +
                             std::to_string(hp.alphabet));
    const std::string header = make_header({hp, net->variant(), info.norm, info.alphabet, info.max_steps_per_char}, info.meta.dump());
    return write_hwm(header, tensors, precision, out);
}

Status export_hwm_file(HandwritingNet& net, const ExportInfo& info, DType precision, const std::string& path) {
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

Status import_hwm(const std::vector<uint8_t>& bytes, HandwritingNet& net, ExportInfo& info) {
    Model m;
    Status s = load_model(bytes.data(), bytes.size(), m);
    if (!s) return s;
    const HParams& hp = net->hparams();
    if (m.hp.kind != hp.kind || m.hp.layers != hp.layers || m.hp.hidden != hp.hidden || m.hp.mixtures != hp.mixtures ||
        (hp.kind == ModelKind::Synthesis && (m.hp.window != hp.window || m.hp.alphabet != hp.alphabet)) ||
        (hp.kind == ModelKind::Clockwork && m.hp.groups != hp.groups))
        return Status::error("the file's hyperparameters differ from the network's");
    HwmFile f;
    if (!(s = read_hwm(bytes.data(), bytes.size(), f))) return s;
    info.norm = m.norm;
    info.alphabet = m.alphabet;
    info.max_steps_per_char = m.max_steps_per_char;
    info.meta = nlohmann::json::parse(header_meta(f.header));
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
