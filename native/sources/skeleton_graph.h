// The skeleton of a glyph as a graph: ends and junctions are nodes, the one-pixel paths between
// them are edges. Cleaning it (short spurs pruned, junctions split by the thinning merged) and
// pairing the edges that run straight through each junction turns pixels into the strokes a pen
// would have drawn.
#pragma once
#include <utility>
#include <vector>

#include "glyph_bitmap.h"

namespace hw {

struct Vec2 {
    float x = 0, y = 0;
};
float distance(Vec2 a, Vec2 b);

// One end of an edge: the edge's index and its side (0: where its points start, 1: where they end).
struct EdgeEnd {
    int edge = -1;
    int side = 0;
    bool valid() const { return edge >= 0; }
    bool operator==(const EdgeEnd& o) const { return edge == o.edge && side == o.side; }
};

struct SkelEdge {
    int node[2] = {-1, -1};   // the nodes at its first and last point (equal for a loop)
    std::vector<Vec2> pts;    // pixel centres, y down, from node[0] to node[1]
    EdgeEnd through[2];       // the edge end it continues straight into at node[side], if any
    float radius = 0;         // median distance to paper along it: half its stroke width
    bool removed = false;
    float length() const;
};

struct SkelNode {
    Vec2 pos;                    // the mean of its pixels
    float radius = 0;            // distance to paper there: half the stroke width, more in a junction
    std::vector<EdgeEnd> ends;   // the edge ends meeting here (a loop edge contributes two)
    bool removed = false;
    int degree() const { return static_cast<int>(ends.size()); }
};

struct SkelGraph {
    std::vector<SkelNode> nodes;
    std::vector<SkelEdge> edges;
    Vec2 end_point(EdgeEnd e) const;   // the edge's point at that end
    EdgeEnd other_end(EdgeEnd e) const { return {e.edge, 1 - e.side}; }
    int node_at(EdgeEnd e) const { return edges[static_cast<size_t>(e.edge)].node[e.side]; }
    // The points of an edge as walked away from end `from`.
    std::vector<Vec2> walk(EdgeEnd from) const;
    size_t live_edges() const;
};

// Traces a one-pixel skeleton: pixels with other than two neighbours form nodes (8-connected
// ones merge), and paths between them become edges. A closed path with no node gets one node of
// its own, with the loop as its single edge. `dist` (distance_to_paper of the ink) gives radii.
SkelGraph trace_skeleton(const Bitmap& skeleton, const std::vector<float>& dist);

struct GraphCleaning {
    // A spur shorter than its junction's radius, plus this many of its own radii, plus
    // spur_pixels, goes: it ends about where the junction's blob does.
    float spur_radii = 0.5f;
    float spur_pixels = 2.0f;
    float link_radii = 2.0f;    // junctions closer than this many radii (+1 px) become one
    float probe = 8.0f;         // how far from a junction (px) an edge's direction is measured
    float straight_deg = 55.0f; // the most an edge may bend through a junction and count as straight
};

// The unit direction an edge leaves its node in, measured `probe` px along it (past the
// distortion a junction leaves in the skeleton).
Vec2 leaving_direction(const SkelGraph& g, EdgeEnd e, float probe);

// Prunes spurs, merges junction pairs the thinning split, joins edges through nodes of degree 2,
// until nothing changes; then pairs the edges that continue straight through each junction.
void clean_graph(SkelGraph& g, const GraphCleaning& c);

}  // namespace hw
