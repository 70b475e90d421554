// A dataset's lines in a model's units (issue 25). A network that goes on learning from new lines
// (fine-tuning on one's own hand) keeps the units it learnt in: its header's normalisation. So the
// lines are brought to them the way priming ink is (shared/ink: prepare_ink): scaled so that their
// median ink_height is the model's line_height, paced to its point_spacing, and then normalised by
// its scale instead of the dataset's own.
#pragma once
#include <string>
#include <vector>

#include "dataset.h"
#include "model.h"

namespace hw {

// What bringing lines from one normalisation to another does.
struct UnitChange {
    float scale = 1.0f;          // data units of the lines -> the target's (line heights' ratio)
    float spacing = 0;           // the lines' mean pen-down step once scaled
    float target_spacing = 0;    // the target's point_spacing
    float target_x_height = 0;   // the target's line_height / kLineHeightPerXHeight (pen timing of dots)
    bool repace = false;         // the spacings differ by more than kRepaceTolerance
    bool identity() const { return scale == 1.0f && !repace; }
};

// Spacings closer than this (relative) are left as they are: re-pacing would only move points.
constexpr float kRepaceTolerance = 0.02f;

// The change from `from` (the lines' dataset) to `to` (the model's).
UnitChange plan_unit_change(const Normalisation& from, const Normalisation& to);

// One line from `from_quantum` to `to_quantum` under the change: its strokes scaled, re-paced when
// asked (each point read as one tick of the pen's clock, so the pen keeps its speed profile: the
// points were sampled at one time step), quantised again. Fails with the reason (a step that does
// not fit 16 bits, ink the pacing refuses).
Status change_line_units(const DataLine& in, float from_quantum, const UnitChange& c, float to_quantum, DataLine& out);

// Every line of `lines` changed; a line that cannot be is dropped and counted in `dropped`.
std::vector<DataLine> change_units(const std::vector<DataLine>& lines, float from_quantum, const UnitChange& c,
                                   float to_quantum, size_t& dropped);

// The whole dataset (train and valid) in the units of `to`, at its own quantum; d.norm becomes
// `to`. `report` says what changed, for the run's log ("" when nothing did).
void bring_to_units(Dataset& d, const Normalisation& to, std::string& report);

// Whether two normalisations are the same units (to float rounding).
bool same_units(const Normalisation& a, const Normalisation& b);

}  // namespace hw
