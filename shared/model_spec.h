// The model spec: the one table that derives every tensor's name and shape from the
// hyperparameters. The exporter (native/) and the reader (hwm_reader.cpp) both use it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace hw {

// The three generating networks, and the recognizer, which reads ink (shared/reader.h).
enum class ModelKind { Synthesis, Unconditional, Clockwork, Recognizer };

const char* kind_name(ModelKind kind);
bool parse_kind(const std::string& s, ModelKind& out);
// Whether the network writes ink (steps, a mixture per point): every kind but the recognizer.
bool writes_ink(ModelKind kind);
// Whether the network reads the line's text through the model alphabet: synthesis (its window)
// and the recognizer (its CTC classes).
bool uses_alphabet(ModelKind kind);

// Point input to every network: (dx, dy, pen_up).
constexpr int kPointDim = 3;

struct HParams {
    ModelKind kind = ModelKind::Synthesis;
    int layers = 3;      // LSTM layers (synthesis, unconditional, recognizer); unused by clockwork
    int hidden = 400;    // units per LSTM layer (recognizer: per direction), or total clockwork units
    int mixtures = 20;   // M: bivariate Gaussians in the output (generating kinds)
    int window = 10;     // K: Gaussians in the attention window (synthesis only)
    int alphabet = 0;    // V: characters in the alphabet (synthesis, recognizer)
    int groups = 0;      // clockwork groups, periods 2^g (clockwork only)
    int subsample = 0;   // k: consecutive points joined into one frame (recognizer only)
};

// Bounds the reader enforces before any size is computed, so no product can overflow.
struct HParamLimits {
    static constexpr int max_layers = 8;
    static constexpr int max_hidden = 4096;
    static constexpr int max_mixtures = 64;
    static constexpr int max_window = 64;
    static constexpr int max_alphabet = 512;
    static constexpr int max_groups = 16;
    static constexpr int max_subsample = 16;
};

Status validate_hparams(const HParams& hp);

// The MDN output vector y (size 6M+1), split in one place for trainer, core and tests:
//   [ e_hat | pi_hat (M) | mu1 (M) | mu2 (M) | log_sigma1 (M) | log_sigma2 (M) | rho_hat (M) ]
struct MdnLayout {
    int m;
    explicit MdnLayout(int mixtures) : m(mixtures) {}
    int size() const { return 6 * m + 1; }
    int eos() const { return 0; }
    int pi() const { return 1; }
    int mu1() const { return 1 + m; }
    int mu2() const { return 1 + 2 * m; }
    int sigma1() const { return 1 + 3 * m; }
    int sigma2() const { return 1 + 4 * m; }
    int rho() const { return 1 + 5 * m; }
};

struct TensorSpec {
    std::string name;
    std::vector<int64_t> shape;  // row-major; first dim is the "row" for int8 scales
};

// Input width of LSTM layer l (1-based) of the synthesis network:
//   layer 1: [x_t (3), w_{t-1} (V)];  layer l>1: [x_t (3), h^{l-1}_t (H), w_t (V)].
int synthesis_layer_input(const HParams& hp, int layer);
// Input width of layer l of the unconditional network: layer 1: x_t; l>1: [x_t, h^{l-1}_t].
int unconditional_layer_input(const HParams& hp, int layer);
// Input width of layer l of the recognizer: layer 1: one frame, k points of (dx, dy, pen_up)
// (3k); l > 1: the layer below's two directions [h_fwd, h_bwd] (2H).
int recognizer_layer_input(const HParams& hp, int layer);
// The recognizer's output classes: the V characters of the alphabet and the CTC blank.
int ctc_classes(const HParams& hp);
// Width of the vector the output layer reads.
int output_input_width(const HParams& hp);

// Every tensor of the model, in file order. Names:
//   synthesis/unconditional: lstm{l}.w_ih [4H, I_l], lstm{l}.w_hh [4H, H], lstm{l}.b [4H]
//     (gate order i, f, g, o; b = b_ih + b_hh), window.w [3K, H], window.b [3K] (synthesis:
//     alpha_hat, beta_hat, kappa_hat), mdn.w [6M+1, L*H], mdn.b [6M+1]
//   clockwork: cw.w_ih [N, 3], cw.w_hh [N, N] (block upper-triangular), cw.b [N], mdn.w, mdn.b
//   recognizer: per layer l and direction d (fwd, bwd): lstm{l}.{d}.w_ih [4H, I_l],
//     lstm{l}.{d}.w_hh [4H, H], lstm{l}.{d}.b [4H]; ctc.w [V+1, 2H], ctc.b [V+1]
std::vector<TensorSpec> model_spec(const HParams& hp);

}  // namespace hw
