// Ink in the core: strokes of absolute points (with time stamps when the source had them), the
// conversion between strokes and the networks' offsets, resampling, and the preparation of ink
// that primes a network. Every front end (native programs, data builder, WASM binding) uses these;
// no other file converts offsets to strokes or resamples.
#pragma once
#include <vector>

#include "network.h"
#include "status.h"

namespace hw {

// One pen-down stroke: absolute coordinates (y down, any unit) and, optionally, the time of each
// point in milliseconds (empty when unknown; otherwise as long as x and y).
struct InkStroke {
    std::vector<float> x, y;
    std::vector<float> t;
    size_t size() const { return x.size(); }
};

// The running pen position while offsets are turned into absolute points: each point's offset,
// times the scale, moves the pen; a new stroke starts after a point with the pen lifted.
struct PenPosition {
    float x = 0, y = 0;
    bool pen_was_up = true;  // the next point starts a stroke
    // Moves by one offset; returns true when this point starts a new stroke.
    bool advance(const Point& p, float scale_x, float scale_y);
};

// Offsets (normalised or quantised) -> absolute strokes: the position is offset * scale summed.
std::vector<InkStroke> offsets_to_strokes(const std::vector<Point>& pts, float scale_x, float scale_y);

// The height statistic used to scale ink: 90th minus 10th percentile of y (robust x-height).
float ink_height(const std::vector<float>& ys);
// ink_height over every point of the strokes.
float ink_height(const std::vector<InkStroke>& strokes);

// Points every `spacing` units of arc length along one stroke, its ends kept (a last piece shorter
// than a quarter step is merged). Time stamps, when present, are interpolated with the points.
InkStroke resample_stroke(const InkStroke& s, float spacing);

// Resamples raw ink (absolute x, y per point, y down, in any unit; strokes separated) to the
// model's point spacing and scale, and returns normalised offsets ready to prime the network.
Status prepare_ink(const Model& m, const std::vector<InkStroke>& strokes, std::vector<Point>& out);

}  // namespace hw
