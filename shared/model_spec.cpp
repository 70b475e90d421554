#include "model_spec.h"

namespace hw {

const char* kind_name(ModelKind kind) {
    switch (kind) {
        case ModelKind::Synthesis: return "synthesis";
        case ModelKind::Unconditional: return "unconditional";
        case ModelKind::Clockwork: return "clockwork";
        case ModelKind::Recognizer: return "recognizer";
    }
    return "?";
}

bool parse_kind(const std::string& s, ModelKind& out) {
    if (s == "synthesis") { out = ModelKind::Synthesis; return true; }
    if (s == "unconditional") { out = ModelKind::Unconditional; return true; }
    if (s == "clockwork") { out = ModelKind::Clockwork; return true; }
    if (s == "recognizer") { out = ModelKind::Recognizer; return true; }
    return false;
}

bool writes_ink(ModelKind kind) { return kind != ModelKind::Recognizer; }

bool uses_alphabet(ModelKind kind) { return kind == ModelKind::Synthesis || kind == ModelKind::Recognizer; }

static Status in_range(const char* field, int v, int lo, int hi) {
    if (v < lo || v > hi)
        return Status::error("header field hparams." + std::string(field) + " = " + std::to_string(v) +
                             " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return Status::success();
}

Status validate_hparams(const HParams& hp) {
    using L = HParamLimits;
    Status s;
    if (!(s = in_range("hidden", hp.hidden, 1, L::max_hidden))) return s;
    if (writes_ink(hp.kind) && !(s = in_range("mixtures", hp.mixtures, 1, L::max_mixtures))) return s;
    switch (hp.kind) {
        case ModelKind::Synthesis:
            if (!(s = in_range("layers", hp.layers, 1, L::max_layers))) return s;
            if (!(s = in_range("window", hp.window, 1, L::max_window))) return s;
            if (!(s = in_range("alphabet", hp.alphabet, 1, L::max_alphabet))) return s;
            break;
        case ModelKind::Unconditional:
            if (!(s = in_range("layers", hp.layers, 1, L::max_layers))) return s;
            break;
        case ModelKind::Clockwork:
            if (!(s = in_range("groups", hp.groups, 1, L::max_groups))) return s;
            if (hp.hidden % hp.groups != 0)
                return Status::error("header field hparams.hidden = " + std::to_string(hp.hidden) +
                                     " is not a multiple of hparams.groups = " + std::to_string(hp.groups));
            break;
        case ModelKind::Recognizer:
            if (!(s = in_range("layers", hp.layers, 1, L::max_layers))) return s;
            if (!(s = in_range("alphabet", hp.alphabet, 1, L::max_alphabet))) return s;
            if (!(s = in_range("subsample", hp.subsample, 1, L::max_subsample))) return s;
            break;
    }
    return Status::success();
}

int synthesis_layer_input(const HParams& hp, int layer) {
    return layer == 1 ? kPointDim + hp.alphabet : kPointDim + hp.hidden + hp.alphabet;
}

int unconditional_layer_input(const HParams& hp, int layer) {
    return layer == 1 ? kPointDim : kPointDim + hp.hidden;
}

int recognizer_layer_input(const HParams& hp, int layer) {
    return layer == 1 ? kPointDim * hp.subsample : 2 * hp.hidden;
}

int ctc_classes(const HParams& hp) { return hp.alphabet + 1; }

int output_input_width(const HParams& hp) {
    if (hp.kind == ModelKind::Clockwork) return hp.hidden;
    if (hp.kind == ModelKind::Recognizer) return 2 * hp.hidden;  // the top layer's two directions
    return hp.layers * hp.hidden;                                 // every layer
}

// The three tensors of one LSTM (prefix "lstm2", or "lstm2.fwd" for a direction of the recognizer).
static void add_lstm(std::vector<TensorSpec>& out, const std::string& p, int input, int hidden) {
    out.push_back({p + ".w_ih", {4LL * hidden, input}});   // [4H, I]
    out.push_back({p + ".w_hh", {4LL * hidden, hidden}});  // [4H, H]
    out.push_back({p + ".b", {4LL * hidden}});             // [4H]
}

std::vector<TensorSpec> model_spec(const HParams& hp) {
    std::vector<TensorSpec> out;
    const int64_t mdn_out = MdnLayout(hp.mixtures).size();
    switch (hp.kind) {
        case ModelKind::Synthesis:
            for (int l = 1; l <= hp.layers; ++l) add_lstm(out, "lstm" + std::to_string(l), synthesis_layer_input(hp, l), hp.hidden);
            out.push_back({"window.w", {3LL * hp.window, hp.hidden}});  // [3K, H]
            out.push_back({"window.b", {3LL * hp.window}});             // [3K]
            break;
        case ModelKind::Unconditional:
            for (int l = 1; l <= hp.layers; ++l) add_lstm(out, "lstm" + std::to_string(l), unconditional_layer_input(hp, l), hp.hidden);
            break;
        case ModelKind::Clockwork:
            out.push_back({"cw.w_ih", {hp.hidden, kPointDim}});  // [N, 3]
            out.push_back({"cw.w_hh", {hp.hidden, hp.hidden}});  // [N, N]
            out.push_back({"cw.b", {hp.hidden}});                // [N]
            break;
        case ModelKind::Recognizer:
            for (int l = 1; l <= hp.layers; ++l)
                for (const char* d : {".fwd", ".bwd"}) add_lstm(out, "lstm" + std::to_string(l) + d, recognizer_layer_input(hp, l), hp.hidden);
            out.push_back({"ctc.w", {ctc_classes(hp), output_input_width(hp)}});  // [V+1, 2H]
            out.push_back({"ctc.b", {ctc_classes(hp)}});                          // [V+1]
            return out;
    }
    out.push_back({"mdn.w", {mdn_out, output_input_width(hp)}});  // [6M+1, L*H]
    out.push_back({"mdn.b", {mdn_out}});                          // [6M+1]
    return out;
}

}  // namespace hw
