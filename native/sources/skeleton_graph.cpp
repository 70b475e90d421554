#include "skeleton_graph.h"

#include <algorithm>
#include <cmath>

namespace hw {

float distance(Vec2 a, Vec2 b) { return std::hypot(a.x - b.x, a.y - b.y); }

float SkelEdge::length() const {
    float s = 0;
    for (size_t i = 1; i < pts.size(); ++i) s += distance(pts[i - 1], pts[i]);
    return s;
}

Vec2 SkelGraph::end_point(EdgeEnd e) const {
    const auto& p = edges[static_cast<size_t>(e.edge)].pts;
    return e.side == 0 ? p.front() : p.back();
}

std::vector<Vec2> SkelGraph::walk(EdgeEnd from) const {
    std::vector<Vec2> p = edges[static_cast<size_t>(from.edge)].pts;
    if (from.side == 1) std::reverse(p.begin(), p.end());
    return p;
}

size_t SkelGraph::live_edges() const {
    size_t n = 0;
    for (const auto& e : edges) n += !e.removed;
    return n;
}

namespace {

Vec2 centre(int x, int y) { return {static_cast<float>(x), static_cast<float>(y)}; }

struct Tracer {
    const Bitmap& s;
    const std::vector<float>& dist;
    std::vector<int> node_of;    // per pixel: its node, or -1 on a path
    std::vector<char> visited;   // path pixels already on an edge
    SkelGraph g;

    Tracer(const Bitmap& skel, const std::vector<float>& d)
        : s(skel), dist(d), node_of(skel.pixels.size(), -1), visited(skel.pixels.size(), 0) {}

    void add_edge(int a, int b, std::vector<Vec2> pts) {
        const int e = static_cast<int>(g.edges.size());
        g.edges.emplace_back();
        g.edges.back().node[0] = a;
        g.edges.back().node[1] = b;
        std::vector<float> r;
        for (const Vec2& p : pts) r.push_back(dist[s.index(static_cast<int>(p.x), static_cast<int>(p.y))]);
        std::nth_element(r.begin(), r.begin() + static_cast<long>(r.size() / 2), r.end());
        g.edges.back().radius = r[r.size() / 2];
        g.edges.back().pts = std::move(pts);
        g.nodes[static_cast<size_t>(a)].ends.push_back({e, 0});
        g.nodes[static_cast<size_t>(b)].ends.push_back({e, 1});
    }

    // Node pixels (other than two neighbours) in 8-connected clusters, one node each.
    void make_nodes() {
        for (int y = 0; y < s.height; ++y)
            for (int x = 0; x < s.width; ++x) {
                if (!s.ink(x, y) || ink_neighbours(s, x, y) == 2 || node_of[s.index(x, y)] >= 0) continue;
                const int id = static_cast<int>(g.nodes.size());
                g.nodes.emplace_back();
                std::vector<std::pair<int, int>> stack{{x, y}}, members;
                node_of[s.index(x, y)] = id;
                while (!stack.empty()) {
                    const auto [px, py] = stack.back();
                    stack.pop_back();
                    members.push_back({px, py});
                    for (int k = 0; k < 8; ++k) {
                        const int qx = px + kNeighbourDx[k], qy = py + kNeighbourDy[k];
                        if (!s.ink(qx, qy) || ink_neighbours(s, qx, qy) == 2 || node_of[s.index(qx, qy)] >= 0) continue;
                        node_of[s.index(qx, qy)] = id;
                        stack.push_back({qx, qy});
                    }
                }
                SkelNode& n = g.nodes.back();
                for (const auto& [px, py] : members) {
                    n.pos.x += static_cast<float>(px) / static_cast<float>(members.size());
                    n.pos.y += static_cast<float>(py) / static_cast<float>(members.size());
                    n.radius = std::max(n.radius, dist[s.index(px, py)]);
                }
            }
    }

    // Follows path pixels from `first` (next to pixel `from` of node `start`) to the next node.
    void follow(int start, int from, int first) {
        std::vector<Vec2> pts{g.nodes[static_cast<size_t>(start)].pos, centre(first % s.width, first / s.width)};
        visited[static_cast<size_t>(first)] = 1;
        int prev = from, cur = first;
        while (true) {
            int next = -1;
            for (int k = 0; k < 8 && next < 0; ++k) {
                const int qx = cur % s.width + kNeighbourDx[k], qy = cur / s.width + kNeighbourDy[k];
                if (s.ink(qx, qy) && static_cast<int>(s.index(qx, qy)) != prev) next = static_cast<int>(s.index(qx, qy));
            }
            if (next < 0) return;  // cannot happen on a skeleton whose path pixels have two neighbours
            const int end = node_of[static_cast<size_t>(next)];
            if (end >= 0) {
                pts.push_back(g.nodes[static_cast<size_t>(end)].pos);
                return add_edge(start, end, std::move(pts));
            }
            if (visited[static_cast<size_t>(next)]) return;
            visited[static_cast<size_t>(next)] = 1;
            pts.push_back(centre(next % s.width, next / s.width));
            prev = cur;
            cur = next;
        }
    }

    void trace_from(int pixel) {
        const int x = pixel % s.width, y = pixel / s.width;
        for (int k = 0; k < 8; ++k) {
            const int qx = x + kNeighbourDx[k], qy = y + kNeighbourDy[k];
            if (!s.ink(qx, qy)) continue;
            const size_t q = s.index(qx, qy);
            if (node_of[q] < 0 && !visited[q]) follow(node_of[static_cast<size_t>(pixel)], pixel, static_cast<int>(q));
        }
    }
};

// Zhang–Suen eats back the ends of thick strokes, most of all diagonal ones (the lower arm of a
// bold x lost two thirds of its length, and what was left was pruned as a spur). Each free end is
// walked on along its direction while the ink stays nearly as wide as at the end, and kept
// longer when the ink goes on for more than twice that width.
void extend_free_ends(SkelGraph& g, const Bitmap& s, const std::vector<float>& dist) {
    for (SkelNode& n : g.nodes) {
        if (n.degree() != 1) continue;
        const EdgeEnd end = n.ends[0];
        SkelEdge& e = g.edges[static_cast<size_t>(end.edge)];
        std::vector<Vec2> p = g.walk(g.other_end(end));  // towards the free end
        if (p.size() < 3) continue;
        size_t back = p.size() - 1;
        while (back > 0 && distance(p[back], p.back()) < 6.0f) --back;
        const float dx = p.back().x - p[back].x, dy = p.back().y - p[back].y, len = std::hypot(dx, dy);
        if (len < 2.0f) continue;
        const Vec2 step{dx / len, dy / len};
        const float tip = dist[s.index(static_cast<int>(p.back().x), static_cast<int>(p.back().y))];
        const float narrowest = std::max(1.0f, 0.7f * std::min(tip, e.radius));
        const size_t before = p.size();
        for (int k = 1; k < 400; ++k) {
            const Vec2 q{p.back().x + step.x, p.back().y + step.y};
            const int qx = static_cast<int>(std::lround(q.x)), qy = static_cast<int>(std::lround(q.y));
            if (!s.inside(qx, qy) || dist[s.index(qx, qy)] < narrowest) break;
            p.push_back(q);
        }
        // A round end or a spur into a corner runs out of ink within about its radius; only a
        // stroke that goes on well beyond that was eaten back.
        if (static_cast<float>(p.size() - before) < 2.0f * std::max(tip, 1.0f)) continue;
        if (end.side == 0) std::reverse(p.begin(), p.end());
        e.pts = std::move(p);
        n.pos = g.end_point(end);
    }
}

}  // namespace

SkelGraph trace_skeleton(const Bitmap& skeleton, const std::vector<float>& dist) {
    Tracer t(skeleton, dist);
    t.make_nodes();
    for (size_t i = 0; i < skeleton.pixels.size(); ++i)
        if (t.node_of[i] >= 0) t.trace_from(static_cast<int>(i));
    // What is left are closed paths without a node (an "o"): each gets a node at its first pixel.
    for (size_t i = 0; i < skeleton.pixels.size(); ++i) {
        if (!skeleton.pixels[i] || t.node_of[i] >= 0 || t.visited[i]) continue;
        const int id = static_cast<int>(t.g.nodes.size());
        t.g.nodes.emplace_back();
        t.g.nodes.back().pos = centre(static_cast<int>(i) % skeleton.width, static_cast<int>(i) / skeleton.width);
        t.g.nodes.back().radius = dist[i];
        t.node_of[i] = id;
        t.trace_from(static_cast<int>(i));
        // Both neighbours lead round the loop: the first walk takes every pixel, the second none.
    }
    extend_free_ends(t.g, skeleton, dist);
    return std::move(t.g);
}

namespace {

void detach(SkelGraph& g, int edge) {
    SkelEdge& e = g.edges[static_cast<size_t>(edge)];
    e.removed = true;
    for (int side = 0; side < 2; ++side) {
        auto& ends = g.nodes[static_cast<size_t>(e.node[side])].ends;
        ends.erase(std::remove_if(ends.begin(), ends.end(), [&](const EdgeEnd& x) { return x.edge == edge; }), ends.end());
    }
}

void attach(SkelGraph& g, int a, int b, std::vector<Vec2> pts, float radius) {
    const int id = static_cast<int>(g.edges.size());
    g.edges.emplace_back();
    g.edges.back().radius = radius;
    g.edges.back().node[0] = a;
    g.edges.back().node[1] = b;
    g.edges.back().pts = std::move(pts);
    g.nodes[static_cast<size_t>(a)].ends.push_back({id, 0});
    g.nodes[static_cast<size_t>(b)].ends.push_back({id, 1});
}

// Spurs: short edges from a free end to a junction, left by the thinning in corners and at the
// square ends of thick strokes. All the spurs of one junction go together (the two prongs of a
// forked stroke end), but a junction keeps at least two edges.
bool prune_spurs(SkelGraph& g, const GraphCleaning& c) {
    std::vector<std::vector<int>> spurs(g.nodes.size());
    for (size_t i = 0; i < g.edges.size(); ++i) {
        const SkelEdge& e = g.edges[i];
        if (e.removed || e.node[0] == e.node[1]) continue;
        for (int side = 0; side < 2; ++side) {
            const SkelNode& tip = g.nodes[static_cast<size_t>(e.node[side])];
            const SkelNode& root = g.nodes[static_cast<size_t>(e.node[1 - side])];
            if (tip.degree() == 1 && root.degree() >= 3 && e.length() < root.radius + c.spur_radii * e.radius + c.spur_pixels)
                spurs[static_cast<size_t>(e.node[1 - side])].push_back(static_cast<int>(i));
        }
    }
    bool changed = false;
    for (size_t n = 0; n < spurs.size(); ++n) {
        auto& list = spurs[n];
        if (list.empty()) continue;
        std::sort(list.begin(), list.end(), [&](int a, int b) {
            return g.edges[static_cast<size_t>(a)].length() > g.edges[static_cast<size_t>(b)].length();
        });
        const int keep_from_list = std::max(0, 2 - (g.nodes[n].degree() - static_cast<int>(list.size())));
        for (size_t k = static_cast<size_t>(keep_from_list); k < list.size(); ++k) {
            const SkelEdge& e = g.edges[static_cast<size_t>(list[k])];
            const int tip = e.node[0] == static_cast<int>(n) ? e.node[1] : e.node[0];
            detach(g, list[k]);
            g.nodes[static_cast<size_t>(tip)].removed = true;
            changed = true;
        }
    }
    return changed;
}

// Loops shorter than `max_length` px (a hole the filling missed) are not strokes.
bool drop_tiny_loops(SkelGraph& g, float max_length) {
    bool changed = false;
    for (size_t i = 0; i < g.edges.size(); ++i) {
        const SkelEdge& e = g.edges[i];
        if (e.removed || e.node[0] != e.node[1] || e.length() >= max_length) continue;
        if (g.nodes[static_cast<size_t>(e.node[0])].degree() <= 2) continue;  // a small "o" on its own stays
        detach(g, static_cast<int>(i));
        changed = true;
    }
    return changed;
}

// Moves node `from`'s edge ends onto node `to` (whose position is `pos`).
void merge_node(SkelGraph& g, int from, int to, Vec2 pos) {
    SkelNode& a = g.nodes[static_cast<size_t>(to)];
    SkelNode& b = g.nodes[static_cast<size_t>(from)];
    a.pos = pos;
    a.radius = std::max(a.radius, b.radius);
    for (const EdgeEnd& e : b.ends) {
        g.edges[static_cast<size_t>(e.edge)].node[e.side] = to;
        a.ends.push_back(e);
    }
    b.ends.clear();
    b.removed = true;
    for (const EdgeEnd& e : a.ends) {
        auto& p = g.edges[static_cast<size_t>(e.edge)].pts;
        (e.side == 0 ? p.front() : p.back()) = pos;
    }
}

// A crossing that the thinning drew as two junctions joined by a short link becomes one node.
bool contract_links(SkelGraph& g, const GraphCleaning& c) {
    for (size_t i = 0; i < g.edges.size(); ++i) {
        const SkelEdge& e = g.edges[i];
        if (e.removed || e.node[0] == e.node[1]) continue;
        const SkelNode& a = g.nodes[static_cast<size_t>(e.node[0])];
        const SkelNode& b = g.nodes[static_cast<size_t>(e.node[1])];
        if (a.degree() < 3 || b.degree() < 3) continue;
        if (e.length() >= c.link_radii * std::max(a.radius, b.radius) + 1.0f) continue;
        const Vec2 mid{(a.pos.x + b.pos.x) / 2, (a.pos.y + b.pos.y) / 2};
        const int to = e.node[0], from = e.node[1];
        detach(g, static_cast<int>(i));
        merge_node(g, from, to, mid);
        return true;  // the indices moved: the caller runs the cleaning again
    }
    return false;
}

// A node where exactly two edges meet is no node: the two become one edge.
bool join_through_degree_two(SkelGraph& g) {
    bool changed = false;
    for (size_t n = 0; n < g.nodes.size(); ++n) {
        SkelNode& node = g.nodes[n];
        if (node.removed || node.degree() != 2 || node.ends[0].edge == node.ends[1].edge) continue;
        const EdgeEnd a = node.ends[0], b = node.ends[1];
        std::vector<Vec2> pts = g.walk(g.other_end(a));  // from a's far node into this one
        const std::vector<Vec2> rest = g.walk(b);
        pts.insert(pts.end(), rest.begin() + 1, rest.end());
        const int first = g.node_at(g.other_end(a)), last = g.node_at(g.other_end(b));
        const SkelEdge& ea = g.edges[static_cast<size_t>(a.edge)];
        const SkelEdge& eb = g.edges[static_cast<size_t>(b.edge)];
        const float la = ea.length(), lb = eb.length();
        const float radius = la + lb > 0 ? (ea.radius * la + eb.radius * lb) / (la + lb) : ea.radius;
        detach(g, a.edge);
        detach(g, b.edge);
        attach(g, first, last, std::move(pts), radius);
        node.removed = true;
        changed = true;
    }
    return changed;
}

// At each junction the pairs of edge ends that run most nearly straight through it, best first.
void pair_through_junctions(SkelGraph& g, const GraphCleaning& c) {
    for (auto& e : g.edges) e.through[0] = e.through[1] = EdgeEnd{};
    for (const SkelNode& node : g.nodes) {
        if (node.removed || node.degree() < 3) continue;
        const float probe = std::clamp(2.5f * node.radius, c.probe * 0.5f, c.probe * 2.0f);
        std::vector<Vec2> dir;
        for (const EdgeEnd& e : node.ends) dir.push_back(leaving_direction(g, e, probe));
        struct Pair { float bend; size_t i, j; };
        std::vector<Pair> pairs;
        for (size_t i = 0; i < dir.size(); ++i)
            for (size_t j = i + 1; j < dir.size(); ++j) {
                const float cosine = std::clamp(-(dir[i].x * dir[j].x + dir[i].y * dir[j].y), -1.0f, 1.0f);
                pairs.push_back({std::acos(cosine) * 57.29578f, i, j});
            }
        std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.bend < b.bend; });
        std::vector<char> taken(dir.size(), 0);
        for (const Pair& p : pairs) {
            if (p.bend > c.straight_deg || taken[p.i] || taken[p.j]) continue;
            taken[p.i] = taken[p.j] = 1;
            const EdgeEnd a = node.ends[p.i], b = node.ends[p.j];
            g.edges[static_cast<size_t>(a.edge)].through[a.side] = b;
            g.edges[static_cast<size_t>(b.edge)].through[b.side] = a;
        }
    }
}

}  // namespace

Vec2 leaving_direction(const SkelGraph& g, EdgeEnd e, float probe) {
    const std::vector<Vec2> p = g.walk(e);
    float run = 0;
    size_t i = 1;
    for (; i + 1 < p.size() && run + distance(p[i - 1], p[i]) < probe; ++i) run += distance(p[i - 1], p[i]);
    const Vec2 d{p[std::min(i, p.size() - 1)].x - p[0].x, p[std::min(i, p.size() - 1)].y - p[0].y};
    const float len = std::hypot(d.x, d.y);
    return len > 0 ? Vec2{d.x / len, d.y / len} : Vec2{0, 0};
}

void clean_graph(SkelGraph& g, const GraphCleaning& c) {
    for (int round = 0; round < 200; ++round) {
        bool changed = prune_spurs(g, c);
        changed |= drop_tiny_loops(g, 4.0f * c.spur_pixels + 4.0f);
        changed |= join_through_degree_two(g);
        changed |= contract_links(g, c);
        if (!changed) break;
    }
    pair_through_junctions(g, c);
}

}  // namespace hw
