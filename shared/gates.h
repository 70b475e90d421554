// The LSTM cell update from its gate pre-activations, in SIMD lanes where the kernel set has them
// (gates.cpp), always with the bits of the scalar loop over fsigmoid and ftanh (fmath.h).
#pragma once
#include "kernels.h"

namespace hw {

// gates [4 * hidden] in the order i, f, g, o; c and h [hidden] updated in place:
// c = sigmoid(f) * c + sigmoid(i) * tanh(g), h = sigmoid(o) * tanh(c).
void lstm_update_units(const float* gates, float* c, float* h, int hidden, Isa isa);

}  // namespace hw
