// A weight matrix kept in the precision of its file (f32, f16 or int8 with row scales), laid out
// for the kernels (kernels.h): the int8 rows padded for the integer kernels, and where AVX-512 VNNI
// runs a tiled copy of them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dtype.h"

namespace hw {

// A row-major weight matrix kept as the file stores it: f32, IEEE half bits, or int8 with per-row
// scales. An int8 row may join two tensors side by side (an LSTM's W_ih | W_hh), each quantised
// with its own row scale: columns [0, split) (part 0) use scales[2r], [split, cols) (part 1) use
// scales[2r + 1]. int8 rows are laid out for the integer kernels (kernels_int8.cpp): part 0, then
// part 1, each padded with zeros to a multiple of kInt8Pad columns (make_int8 shapes them).
struct WeightMatrix {
    static constexpr int kInt8Pad = 16;
    DType type = DType::F32;
    int nrows = 0, ncols = 0;
    int split = 0;                // int8 only
    std::vector<float> f32;       // [rows, cols] when F32
    std::vector<uint16_t> f16;    // [rows, cols] when F16
    std::vector<int8_t> i8;       // [rows, int8_stride()] when I8, the parts padded
    std::vector<float> scales;    // [rows, 2] when I8
    // I8: the activations of part p are quantised to |q| <= 2^act_bits[p] - 1, so that no integer
    // sum over the part can overflow int32 (int8_act_bits).
    int act_bits[2] = {0, 0};
    // F16, from prepare_rows: 1 where the row holds a half with exponent 0 (zero or subnormal),
    // which needs the slower conversion; rows without an entry take it too.
    std::vector<uint8_t> f16_tiny;
    // I8 where AVX-512 VNNI runs (x86, from prepare_rows): the weights again, in the VNNI
    // kernels' layout (int8_tile_offset), and per group of kInt8TileRows rows and part: -128 times
    // each row part's weight sum (wrapped to int32; what the kernels' unsigned bytes add too much)
    // and its scale (0 in the rows past the last). A matrix without them takes the AVX2 kernels.
    static constexpr int kInt8TileRows = 64;
    std::vector<int8_t> i8_tiles;
    std::vector<int32_t> i8_tile_bias;   // [groups, 2, kInt8TileRows]
    std::vector<float> i8_tile_scales;   // [groups, 2, kInt8TileRows]

    int rows() const { return nrows; }
    int cols() const { return ncols; }
    static int int8_padded(int n) { return (n + kInt8Pad - 1) / kInt8Pad * kInt8Pad; }
    int int8_part_offset(int part) const { return part ? int8_padded(split) : 0; }
    int int8_part_width(int part) const { return int8_padded(part ? ncols - split : split); }
    int int8_stride() const { return int8_padded(split) + int8_padded(ncols - split); }
    float at(int r, int c) const;  // the f32 value the reader's dequantisation gives
    size_t bytes() const;          // memory held by the weights (the tiles included)
    size_t tile_bytes() const;     // of that, the VNNI kernels' tiles with their sums and scales
};

// Shapes w as an int8 matrix of zeros, rows x (split + rest), with zero scales.
void make_int8(WeightMatrix& w, int rows, int split, int rest);
// Where row r's part (0 or 1) starts in w.i8: its columns follow one another from there.
inline const int8_t* int8_row_part(const WeightMatrix& w, int r, int part) {
    return w.i8.data() + static_cast<size_t>(r) * w.int8_stride() + w.int8_part_offset(part);
}
inline int8_t* int8_row_part(WeightMatrix& w, int r, int part) {
    return const_cast<int8_t*>(int8_row_part(static_cast<const WeightMatrix&>(w), r, part));
}

// The tiles of the VNNI kernels: rows are taken kInt8TileRows at a time (group g, rows past the
// last are zero), each part on its own; part p of group g starts at int8_tile_offset(w, g, p), and
// its bytes run [width / 4][4 tiles][16 rows][4 columns]: a 64-byte tile holds 4 consecutive
// columns of 16 rows, so one vpdpbusd adds 4 products to each of 16 rows' sums.
inline size_t int8_tile_offset(const WeightMatrix& w, int g, int part) {
    const size_t rows = WeightMatrix::kInt8TileRows;
    return rows * (static_cast<size_t>(g) * w.int8_stride() + (part ? w.int8_part_width(0) : 0));
}
inline size_t int8_tile_index(int c, int row_in_group) {  // within a part's tiles: column c, row 0..63
    return ((static_cast<size_t>(c / 4) * 4 + row_in_group / 16) * 16 + row_in_group % 16) * 4 + c % 4;
}

// Fills the derived per-row fields (f16_tiny, the int8 tiles) after the weights are set; call it again
// after changing them.
void prepare_rows(WeightMatrix& w);

}  // namespace hw
