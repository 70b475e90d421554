// From a glyph's cleaned skeleton graph to pen strokes in the order and direction a person writes
// them: the main body first, then crossbars (t, f, H, A...), then dots; each stroke from its
// top/left end; bowls of a, d, g, q, e and closed loops counter-clockwise from near the top right;
// connected parts in one stroke, the pen going back along a stem where a writer would (n, h, d),
// and lifted at crossings (x, t) and where only a long way back would join two parts.
#pragma once
#include <vector>

#include "skeleton_graph.h"

namespace hw {

struct PenStroke {
    enum class Kind { body, bar, dot };
    Kind kind = Kind::body;
    std::vector<Vec2> pts;          // pixels, y down
    std::vector<size_t> pinned;     // points smoothing must not move (where the pen turns back)
    std::vector<std::pair<size_t, float>> crossings;  // (point, radius): junctions passed straight through
    float retraced = 0;             // px drawn twice (the pen going back along a stem)
};

struct PenOrderInfo {
    int components = 0;     // connected parts of the skeleton (a dot counts)
    int junctions = 0;      // nodes where three or more edges meet
    int dropped_bits = 0;   // tiny leftovers not worth a pen stroke
};

// `ink` is the glyph's cleaned bitmap (dots are drawn from their blob); `x_height` in pixels
// scales every length threshold.
std::vector<PenStroke> order_pen_strokes(const SkelGraph& g, const Bitmap& ink, float x_height, PenOrderInfo& info);

// Straightens the path through junctions it crossed, smooths it (pinned points stay), and drops
// points that a straight line would replace within `tolerance` px.
void smooth_pen_stroke(PenStroke& s, float tolerance);

}  // namespace hw
