// One row per number type of the weights (as ggml's type_traits): its name, how a .hwm file stores
// a tensor of it, and its matvec kernel in each kernel set. A new precision is a row here, a new
// kernel set a column (kernels.h: Isa), instead of a switch in every file that meets the types.
#pragma once
#include <cstdint>
#include <string>

#include "dtype.h"
#include "kernels.h"

namespace hw {

struct TypeTraits {
    const char* name;  // in .hwm files and on the command line
    // A file "in" this type stores vectors (1-D tensors) as f32 (int8: its row scales need rows).
    bool matrices_only;
    // Bytes of a [rows, cols] tensor in a file (a vector is one row).
    uint64_t (*stored_bytes)(uint64_t rows, uint64_t cols);
    // The writer's encoding of rows x cols values into stored_bytes bytes.
    void (*from_float)(const float* values, int64_t rows, int64_t cols, uint8_t* out);
    // The reader's decoding (the f32 value of every weight); false when a row scale is not finite.
    bool (*to_float)(const uint8_t* stored, int64_t rows, int64_t cols, float* out);
    // The kernel per set (kernels.h, index Isa); null: the set has none of its own for this type
    // and the reference kernel runs.
    MatvecFn matvec[kIsaCount];
};

const TypeTraits& type_traits(DType t);
inline const char* dtype_name(DType t) { return type_traits(t).name; }
// The type of a name ("f32", "f16", "int8"); false for another.
bool parse_dtype(const std::string& name, DType& out);
// The type a tensor of this shape gets in a file written in `precision` (matrices_only).
DType stored_dtype(DType precision, size_t dimensions);

}  // namespace hw
