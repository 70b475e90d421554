// The derived layouts of a weight matrix (weights.h): the f16 rows that need the slower
// conversion, the int8 tiles of the AVX-512 VNNI kernels, and the dequantised value of a weight.
#include "weights.h"

#include <cstring>

#include "kernel_sets.h"
#include "kernels_int8.h"

namespace hw {

float WeightMatrix::at(int r, int c) const {
    const size_t i = static_cast<size_t>(r) * ncols + c;
    switch (type) {
        case DType::F32: return f32[i];
        case DType::F16: return f16_to_f32(f16[i]);
        case DType::I8: {
            const int part = c < split ? 0 : 1;
            const size_t j = static_cast<size_t>(r) * int8_stride() + int8_part_offset(part) + (c - (part ? split : 0));
            return int8_weight(i8[j], scales[2 * r + part]);
        }
    }
    return 0;
}

size_t WeightMatrix::bytes() const {
    return f32.size() * sizeof(float) + f16.size() * sizeof(uint16_t) + i8.size() + scales.size() * sizeof(float) +
           f16_tiny.size() + tile_bytes();
}

size_t WeightMatrix::tile_bytes() const {
    return i8_tiles.size() + i8_tile_bias.size() * sizeof(int32_t) + i8_tile_scales.size() * sizeof(float);
}

// The AVX-512 VNNI kernels' copy of an int8 matrix (WeightMatrix::i8_tiles): only where they run
// (x86 with the instructions; WebAssembly and other CPUs keep their memory as it was).
static void prepare_int8_tiles(WeightMatrix& w) {
#if defined(HW_X86)
    if (!isa_supported(Isa::Avx512Vnni)) return;
    const int rows = WeightMatrix::kInt8TileRows, groups = (w.nrows + rows - 1) / rows;
    w.i8_tiles.assign(static_cast<size_t>(groups) * rows * w.int8_stride(), 0);
    w.i8_tile_bias.assign(static_cast<size_t>(groups) * 2 * rows, 0);
    w.i8_tile_scales.assign(static_cast<size_t>(groups) * 2 * rows, 0.0f);
    for (int r = 0; r < w.nrows; ++r)
        for (int p = 0; p < 2; ++p) {
            const int g = r / rows, at = r % rows;
            const int8_t* v = int8_row_part(w, r, p);
            int8_t* tiles = w.i8_tiles.data() + int8_tile_offset(w, g, p);
            uint32_t sum = 0;  // wraps like the kernels' sums (|sum| <= 128 * width in fact)
            for (int c = 0; c < w.int8_part_width(p); ++c) {
                tiles[int8_tile_index(c, at)] = v[c];
                sum += static_cast<uint32_t>(static_cast<int32_t>(v[c]));
            }
            const uint32_t bias = 0u - (sum << 7);
            std::memcpy(&w.i8_tile_bias[(static_cast<size_t>(g) * 2 + p) * rows + at], &bias, 4);
            w.i8_tile_scales[(static_cast<size_t>(g) * 2 + p) * rows + at] = w.scales[2 * static_cast<size_t>(r) + p];
        }
#else
    (void)w;
#endif
}

void prepare_rows(WeightMatrix& w) {
    w.f16_tiny.clear();
    w.i8_tiles.clear();
    w.i8_tile_bias.clear();
    w.i8_tile_scales.clear();
    if (w.type == DType::I8) return prepare_int8_tiles(w);
    if (w.type != DType::F16) return;
    w.f16_tiny.assign(w.nrows, 0);
    for (size_t i = 0; i < w.f16.size(); ++i)
        if ((w.f16[i] & 0x7c00) == 0) w.f16_tiny[i / w.ncols] = 1;
}

void make_int8(WeightMatrix& w, int rows, int split, int rest) {
    w = WeightMatrix{};
    w.type = DType::I8;
    w.nrows = rows;
    w.ncols = split + rest;
    w.split = split;
    w.i8.assign(static_cast<size_t>(rows) * w.int8_stride(), 0);
    w.scales.assign(2 * static_cast<size_t>(rows), 0.0f);
    w.act_bits[0] = int8_act_bits(split);
    w.act_bits[1] = int8_act_bits(rest);
}

}  // namespace hw
