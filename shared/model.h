// Model: immutable after loading. Weights (the big matrices in their file's precision: f16
// converted inside the kernels, int8 multiplied as integers), hyperparameters, alphabet,
// normalisation and the variant keys that trainer and core must agree on.
#pragma once
#include <Eigen/Core>
#include <map>
#include <string>
#include <vector>

#include "kernels.h"
#include "model_spec.h"

namespace hw {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

enum class WindowFn { Exp, Softplus };

// Choices a trainer makes that change the maths; they travel in the header ("variant").
struct Variant {
    WindowFn window_fn = WindowFn::Exp;  // alpha, beta, kappa step = fn(window output)
    float kappa_scale = 0.05f;           // kappa_t = kappa_{t-1} + kappa_scale * fn(kappa_hat)
    int eos_sign = 1;                    // e = sigmoid(eos_sign * e_hat); Graves' eq. 18 is -1
};

// How samples map back to the data's units and how ink is prepared for priming.
struct Normalisation {
    float scale_x = 1.0f;        // data offset = normalised offset * scale
    float scale_y = 1.0f;
    float point_spacing = 1.0f;  // mean pen-down step in data units, for resampling ink
    float line_height = 1.0f;    // typical x-height (data units) of the training lines
};

struct LstmWeights {
    WeightMatrix w;  // [4H, I + H]: W_ih and W_hh side by side (input first), gate order i, f, g, o
    Vector b;        // [4H]
    int input = 0;
};

struct Model {
    HParams hp;
    Variant variant;
    Normalisation norm;
    std::u32string alphabet;      // index in this string = one-hot position
    std::string header_json;      // the file's header, for `hw info`
    int max_steps_per_char = 60;  // the generation cap, from the header

    std::vector<LstmWeights> lstm;  // synthesis / unconditional layers
    WeightMatrix window_w;          // [3K, H]
    Vector window_b;                // [3K]
    RowMatrix cw_w;                 // clockwork: [N, 3 + N]: W_ih and W_hh side by side
    Vector cw_b;                    // [N]
    WeightMatrix mdn_w;             // [6M+1, L*H]
    Vector mdn_b;                   // [6M+1]

    // The matvec kernels the step uses: the best this CPU runs, set at load. Every choice gives
    // the same bits (for int8 weights too: the integer path); a benchmark or a test may pick another.
    Isa isa = Isa::Reference;
};

// The largest weight magnitude a model may hold (trained weights stay well under 100): larger ones
// are refused at load, naming the tensor.
constexpr float kMaxWeightMagnitude = 1e4f;

// How a model is kept in memory.
struct LoadOptions {
    // int8 weights as the f32 values the reader dequantises to (4x the memory, the f32 kernels):
    // the reference the integer path is compared with. Off: int8 stays int8 (kernels_int8.h).
    bool int8_as_f32 = false;
};

// Memory held by the weight matrices of the step (WeightMatrix::bytes; clockwork: its f32 matrix).
size_t weight_bytes(const Model& m);

// Loads a .hwm image from memory. Every failure names the field or tensor at fault.
Status load_model(const uint8_t* data, size_t size, Model& out, const LoadOptions& options = {});

}  // namespace hw
