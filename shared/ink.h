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


// Pen timing. Training ink is sampled like a pen in time (a fixed rate, so steps shrink where the
// pen slows), and so is every ink that primes a network or joins a dataset: these functions are the
// one definition of that sampling.

// A line's ink_height per x-height in the corpus's writing: priming ink scaled to a model's
// line_height has an x-height of line_height / this.
constexpr float kLineHeightPerXHeight = 1.3f;
// The most points one call below makes (dense path or samples): a bound on every loop.
constexpr size_t kMaxInkPoints = 400000;
// The most strokes one ink line may have where ink enters (a handwritten line has tens).
constexpr size_t kMaxInkStrokes = 10000;
// The largest coordinate magnitude accepted where ink enters (any unit: pixels, tablet units, mm).
constexpr float kMaxInkCoordinate = 1e7f;
// The most points of prepared priming ink: each is one network step before generation starts
// (a training line has at most ~1,200; 200 characters of text need about 5,000).
constexpr size_t kMaxPrimePoints = 10000;

// Points every `spacing` units of arc length along one stroke, its ends kept (a last piece shorter
// than a quarter step is merged). Time stamps, when present, are interpolated with the points.
// The number of points is bounded before any is made: a stroke that would need more than
// `max_points`, or a spacing that is not positive and finite, is refused.
Status resample_stroke(const InkStroke& s, float spacing, InkStroke& out, size_t max_points = kMaxInkPoints);

// How a writer's pen slows: relative speed = (floor + (1 - floor) / (1 + curve * turning)) *
// min(1, end_floor + (1 - end_floor) * d / end_reach), turning in radians per x-height of path
// (averaged over ±0.15 x-heights), d the distance to the nearer stroke end in x-heights.
struct PenProfile {
    float floor = 0.35f;      // relative speed in the tightest turns
    float curve = 0.8f;       // how strongly turning slows the pen
    float end_floor = 0.45f;  // relative speed at a stroke's ends
    float end_reach = 0.3f;   // x-heights from an end over which the pen speeds up
};

// The stroke as a dense path (a point every 0.05 x-heights) with times in ms: `speed` data units
// per ms on straights, slower in curves and near the ends as `profile` says. Refuses a stroke
// whose dense path would exceed `max_points`, or a spacing or speed that is not positive.
Status pen_times(const InkStroke& s, float x_height, float speed, InkStroke& out, const PenProfile& profile = PenProfile{},
                 size_t max_points = kMaxInkPoints);

// Points every `dt` ms along a timed stroke (times non-decreasing), interpolated in time; the first
// and last points kept (a last piece shorter than a quarter step moves the last sample onto the end).
// Refuses more than `max_points` samples or a dt that is not positive.
Status sample_by_time(const InkStroke& s, float dt, InkStroke& out, size_t max_points = kMaxInkPoints);

// Re-times and re-samples strokes (already at the target scale) so that they read like training
// ink: each stroke keeps its own time stamps when every point has a finite, non-decreasing one
// and they span some time; otherwise it gets pen_times; then every stroke is sampled at one time
// step, chosen so that the mean pen-down step is `spacing`. One-point strokes stay one point.
Status pace_strokes(const std::vector<InkStroke>& strokes, float x_height, float spacing, std::vector<InkStroke>& out);

// Prepares raw ink (absolute x, y per point, y down, in any unit, optional times in ms; strokes
// separated) to prime a network: scaled to the model's line_height, paced like training ink
// (pace_strokes at the model's point_spacing), and returned as normalised offsets.
Status prepare_ink(const Model& m, const std::vector<InkStroke>& strokes, std::vector<Point>& out);

}  // namespace hw
