// A writer's hand moving along a letter path: what turns a font's polyline into a stroke a person
// could have made. A simplification of the kinematic theory of rapid movements (sigma-lognormal,
// Plamondon): there each stroke is a sum of overlapping movements, each with a bell-shaped speed
// profile, so the pen slows at corners and ends and cuts corners when the movements overlap. Here
// the same effects come from two steps on the path, the core's pen-speed profile, and a tremor:
//   - overshoot: at a sharp turn (a cusp) the pen runs on a little past the corner before it turns;
//   - smoothing: a Gaussian low-pass along the path, its radius the writer's (fast, fluent hands
//     round corners more), which is what overlapping movements do to a corner;
//   - the speed along the smoothed path (bell-shaped between corners: slow at each corner and end,
//     fastest between) is the core's pen_times with the writer's PenProfile;
//   - tremor: a small wobble in time (two sines of a few samples' period), added to the samples,
//     so it moves the pen without changing the speed the writer meant.
#pragma once
#include "ink.h"
#include "rng.h"

namespace hw {

struct HandKinematics {
    float x_height = 10;      // data units
    float smooth = 0.05f;     // Gaussian radius (sd) of the low-pass, x-heights
    float overshoot = 0.05f;  // run-on past a cusp, x-heights
    float tremor = 0.005f;    // wobble amplitude, x-heights
    float tremor_period = 8;  // its period, in samples (time steps)
};

// The path a hand with these kinematics draws along `path` (dense: a point every 0.05 x-heights),
// before the tremor. Ends stay where they are.
InkStroke move_hand(const InkStroke& path, const HandKinematics& k);

// Adds the tremor to a stroke sampled at one point per time step; `rng` draws its phases. The
// wobble fades in over the first samples, as the pen settles on the paper.
void add_tremor(InkStroke& sampled, const HandKinematics& k, Rng& rng);

}  // namespace hw
