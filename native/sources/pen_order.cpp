#include "pen_order.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <set>

namespace hw {

namespace {

// Where a writer starts: the top first, then the left (y down, in x-heights).
float start_score(Vec2 p, float xh) { return (p.y + 0.5f * p.x) / xh; }

float signed_area(const std::vector<Vec2>& p) {
    float a = 0;
    for (size_t i = 0; i + 1 < p.size(); ++i) a += p[i].x * p[i + 1].y - p[i + 1].x * p[i].y;
    if (!p.empty()) a += p.back().x * p.front().y - p.front().x * p.back().y;
    return a / 2;  // y down: negative is counter-clockwise on the page
}

float path_length(const std::vector<Vec2>& p) {
    float s = 0;
    for (size_t i = 1; i < p.size(); ++i) s += distance(p[i - 1], p[i]);
    return s;
}

// A connected part of the skeleton.
struct Part {
    std::vector<int> edges, nodes;
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    float length = 0;
    float size() const { return std::max(x1 - x0, y1 - y0); }
    void grow(Vec2 p) { x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y); }
};

std::vector<Part> find_parts(const SkelGraph& g) {
    std::vector<int> part_of(g.nodes.size(), -1);
    std::vector<Part> parts;
    for (size_t n = 0; n < g.nodes.size(); ++n) {
        if (g.nodes[n].removed || part_of[n] >= 0) continue;
        Part p;
        std::vector<int> stack{static_cast<int>(n)};
        part_of[n] = static_cast<int>(parts.size());
        while (!stack.empty()) {
            const int m = stack.back();
            stack.pop_back();
            p.nodes.push_back(m);
            p.grow(g.nodes[static_cast<size_t>(m)].pos);
            for (const EdgeEnd& e : g.nodes[static_cast<size_t>(m)].ends) {
                const int o = g.node_at(g.other_end(e));
                if (e.side == 0) p.edges.push_back(e.edge);
                if (part_of[static_cast<size_t>(o)] < 0) part_of[static_cast<size_t>(o)] = static_cast<int>(parts.size()), stack.push_back(o);
            }
        }
        for (int e : p.edges) {
            for (const Vec2& q : g.edges[static_cast<size_t>(e)].pts) p.grow(q);
            p.length += g.edges[static_cast<size_t>(e)].length();
        }
        parts.push_back(std::move(p));
    }
    return parts;
}

// The edges joined straight through junctions with `edge`, as the ends they are walked from.
std::vector<EdgeEnd> chain_through(const SkelGraph& g, int edge) {
    EdgeEnd start{edge, 0};
    std::set<int> seen{edge};
    for (EdgeEnd p = g.edges[static_cast<size_t>(edge)].through[0]; p.valid() && !seen.count(p.edge);) {
        seen.insert(p.edge);
        start = g.other_end(p);
        p = g.edges[static_cast<size_t>(start.edge)].through[start.side];
    }
    std::vector<EdgeEnd> steps{start};
    seen = {start.edge};
    while (true) {
        const EdgeEnd arrive = g.other_end(steps.back());
        const EdgeEnd next = g.edges[static_cast<size_t>(arrive.edge)].through[arrive.side];
        if (!next.valid() || seen.count(next.edge)) break;
        seen.insert(next.edge);
        steps.push_back(next);
    }
    return steps;
}

std::vector<Vec2> chain_points(const SkelGraph& g, const std::vector<EdgeEnd>& steps) {
    std::vector<Vec2> pts;
    for (const EdgeEnd& s : steps) {
        const std::vector<Vec2> w = g.walk(s);
        pts.insert(pts.end(), pts.empty() ? w.begin() : w.begin() + 1, w.end());
    }
    return pts;
}

// A crossbar: a straight, nearly level run through or off a stem (t, f, H, A, E, +), which a
// writer adds after the stem with a pen lift. One hanging from a single junction hangs from its
// left end (E, F, the t of some hands); a level arm that meets its stem on the right is the arm
// of a y or a k, written with the stem.
bool is_bar(const SkelGraph& g, const Part& part, const std::vector<EdgeEnd>& chain, float xh) {
    const std::vector<Vec2> p = chain_points(g, chain);
    const float len = path_length(p), dx = p.back().x - p.front().x, dy = p.back().y - p.front().y;
    const float chord = std::hypot(dx, dy);
    if (len < 0.2f * xh || chord < 0.85f * len || std::fabs(dy) > 0.4f * std::fabs(dx)) return false;
    for (const EdgeEnd& s : chain)
        if (g.node_at(s) == g.node_at(g.other_end(s))) return false;
    const int first = g.node_at(chain.front()), last = g.node_at(g.other_end(chain.back()));
    const bool free_first = g.nodes[static_cast<size_t>(first)].degree() == 1;
    const bool free_last = g.nodes[static_cast<size_t>(last)].degree() == 1;
    if (!free_first && !free_last) {  // between two junctions: the bar of an H or A, not the waist of an 8
        int parallel = 0;
        for (const EdgeEnd& x : g.nodes[static_cast<size_t>(first)].ends)
            parallel += g.node_at(g.other_end(x)) == last;
        if (parallel > 2) return false;
    }
    if (free_first != free_last) {
        const Vec2 hang = g.nodes[static_cast<size_t>(free_first ? last : first)].pos;
        const Vec2 tip = g.nodes[static_cast<size_t>(free_first ? first : last)].pos;
        if (hang.x > tip.x) return false;
    }
    return part.length - len >= 0.3f * xh;  // something else to hang on: a lone dash is no bar
}

struct Bars {
    std::vector<char> edge;                   // per edge: part of a bar
    std::vector<std::vector<EdgeEnd>> chains; // each bar
};

Bars find_bars(const SkelGraph& g, const std::vector<Part>& parts, float xh) {
    Bars b;
    b.edge.assign(g.edges.size(), 0);
    for (const Part& part : parts)
        for (int e : part.edges) {
            if (b.edge[static_cast<size_t>(e)]) continue;
            const std::vector<EdgeEnd> chain = chain_through(g, e);
            bool taken = false;
            for (const EdgeEnd& s : chain) taken |= b.edge[static_cast<size_t>(s.edge)] != 0;
            if (taken || !is_bar(g, part, chain, xh)) continue;
            for (const EdgeEnd& s : chain) b.edge[static_cast<size_t>(s.edge)] = 1;
            b.chains.push_back(chain);
        }
    return b;
}

}  // namespace

namespace {

// Walks the edges of a glyph's skeleton into pen strokes. `used` is shared by all the strokes
// of the glyph; bars and removed edges are `blocked` (never walked, never gone back along).
class Walker {
public:
    Walker(const SkelGraph& g, float xh, std::vector<char> blocked)
        : g_(g), xh_(xh), blocked_(std::move(blocked)), used_(g.edges.size(), 0) {}

    bool usable(EdgeEnd e) const { return !blocked_[static_cast<size_t>(e.edge)] && !used_[static_cast<size_t>(e.edge)]; }
    void mark_used(int edge) { used_[static_cast<size_t>(edge)] = 1; }
    bool blocked(int edge) const { return blocked_[static_cast<size_t>(edge)] != 0; }

    // An end a new run may start from: a branch, or half of a through pair whose other half is
    // drawn. The fresh halves of a crossing (the second stroke of an x) wait for their own stroke.
    bool free_to_start(EdgeEnd e) const {
        const EdgeEnd p = g_.edges[static_cast<size_t>(e.edge)].through[e.side];
        return !p.valid() || !usable(p);
    }

    // Edges still to draw behind end `e` (not passing its node again), and whether they lead
    // back to that node (a bowl) rather than to a dead end the pen must come back from.
    float reach(EdgeEnd e, bool& returns) const;
    EdgeEnd best_of(const std::vector<EdgeEnd>& options, Vec2 heading) const;
    EdgeEnd choose_next(EdgeEnd arrived) const;
    bool go_back(int node, PenStroke& s, EdgeEnd& next);
    PenStroke walk(EdgeEnd first, std::vector<EdgeEnd> forced);

private:
    void append(PenStroke& s, EdgeEnd from) {
        const std::vector<Vec2> w = g_.walk(from);
        s.pts.insert(s.pts.end(), s.pts.empty() ? w.begin() : w.begin() + 1, w.end());
        mark_used(from.edge);
    }
    Vec2 heading_into(EdgeEnd arrived) const {
        const Vec2 d = leaving_direction(g_, arrived, 0.1f * xh_);
        return {-d.x, -d.y};
    }

    const SkelGraph& g_;
    float xh_;
    std::vector<char> blocked_, used_;
};

float Walker::reach(EdgeEnd e, bool& returns) const {
    const int home = g_.node_at(e), far = g_.node_at(g_.other_end(e));
    returns = far == home;
    float total = g_.edges[static_cast<size_t>(e.edge)].length();
    std::set<int> seen_edges{e.edge}, seen_nodes{far};
    std::vector<int> stack{far};
    while (!stack.empty() && far != home) {
        const int m = stack.back();
        stack.pop_back();
        for (const EdgeEnd& x : g_.nodes[static_cast<size_t>(m)].ends) {
            if (!usable(x) || seen_edges.count(x.edge)) continue;
            seen_edges.insert(x.edge);
            total += g_.edges[static_cast<size_t>(x.edge)].length();
            const int o = g_.node_at(g_.other_end(x));
            if (o == home) returns = true;
            else if (seen_nodes.insert(o).second) stack.push_back(o);
        }
    }
    return total;
}

// Into a bowl (the pen comes back by itself) the straightest way first; otherwise into the
// shortest dead end, so the long way back is the one not taken (the arm of a y before its tail).
EdgeEnd Walker::best_of(const std::vector<EdgeEnd>& options, Vec2 heading) const {
    EdgeEnd best;
    float best_key = std::numeric_limits<float>::max();
    for (const EdgeEnd& x : options) {
        bool returns = false;
        const float length = reach(x, returns);
        const Vec2 d = leaving_direction(g_, x, 0.1f * xh_);
        const float bend = std::acos(std::clamp(d.x * heading.x + d.y * heading.y, -1.0f, 1.0f));
        const float key = returns ? bend - 100.0f : length;
        if (key < best_key) best_key = key, best = x;
    }
    return best;
}

EdgeEnd Walker::choose_next(EdgeEnd arrived) const {
    const EdgeEnd partner = g_.edges[static_cast<size_t>(arrived.edge)].through[arrived.side];
    if (partner.valid() && usable(partner)) return partner;  // straight on through the junction
    std::vector<EdgeEnd> options;
    for (const EdgeEnd& x : g_.nodes[static_cast<size_t>(g_.node_at(arrived))].ends)
        if (usable(x) && (!partner.valid() || free_to_start(x))) options.push_back(x);
    return best_of(options, heading_into(arrived));
}

// At a dead end: back along drawn edges to the nearest junction with something left to draw
// from it, if that is near enough for a writer not to lift the pen.
bool Walker::go_back(int node, PenStroke& s, EdgeEnd& next) {
    std::vector<float> dist(g_.nodes.size(), std::numeric_limits<float>::max());
    std::vector<EdgeEnd> came(g_.nodes.size());  // the end walked from to reach each node
    using Item = std::pair<float, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    dist[static_cast<size_t>(node)] = 0;
    queue.push({0.0f, node});
    while (!queue.empty()) {
        const auto [d, m] = queue.top();
        queue.pop();
        if (d > dist[static_cast<size_t>(m)] || d > 2.5f * xh_) continue;
        std::vector<EdgeEnd> options;
        for (const EdgeEnd& x : g_.nodes[static_cast<size_t>(m)].ends)
            if (usable(x) && free_to_start(x)) options.push_back(x);
        if (!options.empty() && m != node) {
            std::vector<EdgeEnd> route;
            for (int k = m; k != node; k = g_.node_at(came[static_cast<size_t>(k)])) route.push_back(came[static_cast<size_t>(k)]);
            s.pinned.push_back(s.pts.size() - 1);
            for (auto it = route.rbegin(); it != route.rend(); ++it) {
                const std::vector<Vec2> w = g_.walk(*it);
                s.pts.insert(s.pts.end(), w.begin() + 1, w.end());
            }
            s.retraced += d;
            next = best_of(options, heading_into(g_.other_end(route.front())));
            return true;
        }
        for (const EdgeEnd& x : g_.nodes[static_cast<size_t>(m)].ends) {
            if (!used_[static_cast<size_t>(x.edge)] || blocked(x.edge)) continue;
            const int o = g_.node_at(g_.other_end(x));
            const float nd = d + g_.edges[static_cast<size_t>(x.edge)].length();
            if (nd < dist[static_cast<size_t>(o)]) dist[static_cast<size_t>(o)] = nd, came[static_cast<size_t>(o)] = x, queue.push({nd, o});
        }
    }
    return false;
}

PenStroke Walker::walk(EdgeEnd e, std::vector<EdgeEnd> forced) {
    PenStroke s;
    while (true) {
        append(s, e);
        const EdgeEnd arrived = g_.other_end(e);
        EdgeEnd next;
        if (!forced.empty()) {
            next = forced.front();
            forced.erase(forced.begin());
            if (!usable(next)) next = EdgeEnd{};
        }
        if (!next.valid()) next = choose_next(arrived);
        if (!next.valid() && !go_back(g_.node_at(arrived), s, next)) break;
        if (next == g_.edges[static_cast<size_t>(arrived.edge)].through[arrived.side])
            s.crossings.push_back({s.pts.size() - 1, g_.nodes[static_cast<size_t>(g_.node_at(arrived))].radius});
        e = next;
    }
    return s;
}

}  // namespace

namespace {

// The free ends of a part: nodes where exactly one edge that is not a bar ends.
std::vector<int> free_ends(const SkelGraph& g, const Part& part, const Walker& w) {
    std::vector<int> out;
    for (int n : part.nodes) {
        int live = 0;
        for (const EdgeEnd& x : g.nodes[static_cast<size_t>(n)].ends) live += !w.blocked(x.edge);
        if (live == 1) out.push_back(n);
    }
    return out;
}

struct Bowl {
    std::vector<EdgeEnd> steps;  // walked in order from `top`, counter-clockwise on the page
    std::vector<Vec2> pts;
    int top = -1;
};

// A closed run of one edge (a loop at a node) or two (two edges between the same two nodes),
// walked counter-clockwise from its upper node.
Bowl make_bowl(const SkelGraph& g, int e1, int e2) {
    const SkelEdge& a = g.edges[static_cast<size_t>(e1)];
    Bowl b;
    b.top = a.node[0];
    if (e2 >= 0 && g.nodes[static_cast<size_t>(a.node[1])].pos.y < g.nodes[static_cast<size_t>(a.node[0])].pos.y) b.top = a.node[1];
    const int s1 = a.node[0] == b.top ? 0 : 1;
    b.steps.push_back({e1, s1});
    if (e2 >= 0) {
        const SkelEdge& c = g.edges[static_cast<size_t>(e2)];
        b.steps.push_back({e2, c.node[0] == b.top ? 1 : 0});
    }
    b.pts = chain_points(g, b.steps);
    if (signed_area(b.pts) > 0) {  // clockwise: walk it the other way round
        if (e2 < 0) b.steps[0].side = 1 - s1;
        else b.steps = {{e2, 1 - b.steps[1].side}, {e1, 1 - s1}};
        b.pts = chain_points(g, b.steps);
    }
    return b;
}

std::vector<Bowl> find_bowls(const SkelGraph& g, const Part& part, const Walker& w, float xh) {
    std::vector<Bowl> bowls;
    for (size_t i = 0; i < part.edges.size(); ++i) {
        const int e1 = part.edges[i];
        const SkelEdge& a = g.edges[static_cast<size_t>(e1)];
        if (w.blocked(e1)) continue;
        if (a.node[0] == a.node[1]) {
            if (g.nodes[static_cast<size_t>(a.node[0])].degree() > 2) bowls.push_back(make_bowl(g, e1, -1));
            continue;
        }
        for (size_t j = i + 1; j < part.edges.size(); ++j) {
            const SkelEdge& c = g.edges[static_cast<size_t>(part.edges[j])];
            if (w.blocked(part.edges[j])) continue;
            if ((c.node[0] == a.node[0] && c.node[1] == a.node[1]) || (c.node[0] == a.node[1] && c.node[1] == a.node[0]))
                bowls.push_back(make_bowl(g, e1, part.edges[j]));
        }
    }
    bowls.erase(std::remove_if(bowls.begin(), bowls.end(), [&](const Bowl& b) {
        Part box;
        for (const Vec2& p : b.pts) box.grow(p);
        return box.x1 - box.x0 < 0.2f * xh || box.y1 - box.y0 < 0.2f * xh;
    }), bowls.end());
    return bowls;
}

// Bowl first, counter-clockwise from its top, when its stem stands on its right (a, d, g, q)
// or its only free end is a tail below it (e, 9): that is how those letters are taught.
bool bowl_first(const SkelGraph& g, const Part& part, const Walker& w, float xh, std::vector<EdgeEnd>& steps) {
    const std::vector<int> ends = free_ends(g, part, w);
    float best_area = 0;
    for (const Bowl& b : find_bowls(g, part, w, xh)) {
        Vec2 mid;
        Part box;
        for (const Vec2& p : b.pts) mid.x += p.x / static_cast<float>(b.pts.size()), mid.y += p.y / static_cast<float>(b.pts.size()), box.grow(p);
        const Vec2 top = g.nodes[static_cast<size_t>(b.top)].pos;
        bool hook_before = false;  // a free end up and to the left: the top of a two-storey a
        for (int n : ends) {
            const Vec2 p = g.nodes[static_cast<size_t>(n)].pos;
            hook_before |= p.y < top.y - 0.05f * xh && p.x < top.x - 0.1f * xh;
        }
        const bool stem_right = top.x > mid.x + 0.1f * (box.x1 - box.x0) && !hook_before;
        // The tail of an e ends low and to the right; the stem of a p, straight below: not a tail.
        const Vec2 tail = ends.size() == 1 ? g.nodes[static_cast<size_t>(ends[0])].pos : top;
        const bool tail_below = ends.size() == 1 && start_score(tail, xh) > start_score(top, xh) + 0.1f &&
                                tail.x > top.x + 0.25f * xh;
        const float area = std::fabs(signed_area(b.pts));
        if ((stem_right || tail_below) && area > best_area) best_area = area, steps = b.steps;
    }
    return best_area > 0;
}

// Where the next stroke of a part starts: its top/left free end, else (loops) its top/left node,
// leaving to the left.
EdgeEnd pick_start(const SkelGraph& g, const Part& part, const Walker& w, float xh) {
    EdgeEnd best;
    float best_score = std::numeric_limits<float>::max();
    for (int pass = 0; pass < 2 && !best.valid(); ++pass) {
        for (int n : part.nodes) {
            std::vector<EdgeEnd> open;
            for (const EdgeEnd& x : g.nodes[static_cast<size_t>(n)].ends)
                if (w.usable(x)) open.push_back(x);
            if (open.empty() || (pass == 0 && (open.size() != 1 || !w.free_to_start(open[0])))) continue;
            const float score = start_score(g.nodes[static_cast<size_t>(n)].pos, xh);
            if (score >= best_score) continue;
            best_score = score;
            best = *std::min_element(open.begin(), open.end(), [&](const EdgeEnd& a, const EdgeEnd& b) {
                return leaving_direction(g, a, 0.1f * xh).x < leaving_direction(g, b, 0.1f * xh).x;
            });
        }
    }
    return best;
}

float usable_length(const SkelGraph& g, const Part& part, const Walker& w) {
    float s = 0;
    for (int e : part.edges)
        if (w.usable({e, 0})) s += g.edges[static_cast<size_t>(e)].length();
    return s;
}

// A closed stroke (an o) starts near the top right and runs counter-clockwise.
void start_loop_top_right(PenStroke& s, float xh) {
    const size_t n = s.pts.size();
    if (n < 4 || distance(s.pts.front(), s.pts.back()) > 1.5f || !s.pinned.empty()) return;
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; ++i)
        if (s.pts[i].y - 0.5f * s.pts[i].x < s.pts[k].y - 0.5f * s.pts[k].x) k = i;
    std::vector<Vec2> p(s.pts.begin() + static_cast<long>(k), s.pts.end() - 1);
    p.insert(p.end(), s.pts.begin(), s.pts.begin() + static_cast<long>(k) + 1);
    size_t probe = 1;
    while (probe + 1 < p.size() && distance(p[0], p[probe]) < 0.1f * xh) ++probe;
    if (p[probe].x > p[0].x) std::reverse(p.begin(), p.end());
    s.pts = std::move(p);
    s.crossings.clear();  // their indices moved; a loop's crossings are few and smoothing copes
}

}  // namespace

namespace {

// A dot whose skeleton is a pixel or two: a short tick through its blob, along the blob's long
// axis, from the top.
PenStroke dot_tick(const Bitmap& ink, const std::vector<int>& labels, Vec2 at, float xh) {
    const int x = static_cast<int>(std::lround(at.x)), y = static_cast<int>(std::lround(at.y));
    const int label = ink.inside(x, y) ? labels[ink.index(x, y)] : 0;
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int j = 0; j < ink.height && label; ++j)
        for (int i = 0; i < ink.width; ++i) {
            if (labels[ink.index(i, j)] != label) continue;
            n += 1, sx += i, sy += j, sxx += double(i) * i, syy += double(j) * j, sxy += double(i) * j;
        }
    PenStroke s;
    s.kind = PenStroke::Kind::dot;
    Vec2 c = at, dir{0.3f, 0.954f};
    float half = 0.06f * xh;
    if (n > 0) {
        c = {static_cast<float>(sx / n), static_cast<float>(sy / n)};
        const double vx = sxx / n - (sx / n) * (sx / n), vy = syy / n - (sy / n) * (sy / n), cxy = sxy / n - (sx / n) * (sy / n);
        const double angle = 0.5 * std::atan2(2 * cxy, vx - vy);  // the long axis
        const double spread = std::sqrt(std::max(0.0, (vx + vy) / 2 + std::hypot((vx - vy) / 2, cxy)));
        const double across = std::sqrt(std::max(0.0, (vx + vy) / 2 - std::hypot((vx - vy) / 2, cxy)));
        if (spread > 1.4 * across) dir = {static_cast<float>(std::cos(angle)), static_cast<float>(std::sin(angle))};
        half = std::max(0.03f * xh, static_cast<float>(spread));
    }
    if (dir.y < 0 || (dir.y == 0 && dir.x < 0)) dir = {-dir.x, -dir.y};
    s.pts = {{c.x - dir.x * half, c.y - dir.y * half}, {c.x + dir.x * half, c.y + dir.y * half}};
    return s;
}

// Writing order of the parts: top to bottom where they stack, left to right where they stand
// side by side.
float part_key(const Part& p, float xh) { return (p.x0 + 0.8f * p.y0) / xh; }

// A stroke read backwards if its end is clearly further up and left than its start.
void start_top_left(PenStroke& s, float xh) {
    if (!s.pinned.empty() || s.pts.size() < 2 || distance(s.pts.front(), s.pts.back()) < 1.5f) return;
    const bool level = std::fabs(s.pts.back().y - s.pts.front().y) < 0.58f * std::fabs(s.pts.back().x - s.pts.front().x);
    const bool flip = s.kind == PenStroke::Kind::bar && level ? s.pts.back().x < s.pts.front().x
                                                              : start_score(s.pts.back(), xh) < start_score(s.pts.front(), xh) - 0.2f;
    if (!flip) return;
    std::reverse(s.pts.begin(), s.pts.end());
    for (auto& c : s.crossings) c.first = s.pts.size() - 1 - c.first;
}

// A loop that other strokes cross (the O of a Q) is the body: drawn before what crosses it.
bool closed_chain_first(const SkelGraph& g, const Part& part, const Walker& w, std::vector<EdgeEnd>& steps) {
    for (int e : part.edges) {
        if (!w.usable({e, 0})) continue;
        const std::vector<EdgeEnd> chain = chain_through(g, e);
        const EdgeEnd last = g.other_end(chain.back());
        const bool closed = g.edges[static_cast<size_t>(last.edge)].through[last.side] == chain.front();
        if (!closed || path_length(chain_points(g, chain)) < 0.5f * part.length) continue;
        steps = chain;
        return true;
    }
    return false;
}

// An open stroke whose top (about its top-left point) is a sharp corner inside it, a stem going
// down from it and an arm to the right (r, n, p, F), starts there, as taught: down the stem, back
// up it, then along the arm.
void start_at_top_corner(PenStroke& s, float xh) {
    const size_t n = s.pts.size();
    if (!s.pinned.empty() || n < 5 || distance(s.pts.front(), s.pts.back()) < 1.5f) return;
    size_t m = 1;
    for (size_t i = 1; i + 1 < n; ++i)
        if (start_score(s.pts[i], xh) < start_score(s.pts[m], xh)) m = i;
    if (start_score(s.pts[m], xh) > std::min(start_score(s.pts.front(), xh), start_score(s.pts.back(), xh)) + 0.15f) return;
    auto arm = [&](int step) {  // direction from the corner 0.15 x-heights along the stroke
        size_t i = m;
        while (i > 0 && i + 1 < n && distance(s.pts[i], s.pts[m]) < 0.15f * xh) i = static_cast<size_t>(static_cast<long>(i) + step);
        const float dx = s.pts[i].x - s.pts[m].x, dy = s.pts[i].y - s.pts[m].y, len = std::hypot(dx, dy);
        return len > 0 ? Vec2{dx / len, dy / len} : Vec2{0, 0};
    };
    const Vec2 back = arm(-1), ahead = arm(1);
    if (back.x * ahead.x + back.y * ahead.y < -0.7f) return;  // a round top, not a corner
    const bool stem_back = back.y >= ahead.y;
    const Vec2 stem = stem_back ? back : ahead, other = stem_back ? ahead : back;
    if (stem.y < 0.5f || other.x < 0.3f) return;  // not a stem with an arm to its right (the flag of a 1)
    std::vector<Vec2> p;
    if (stem_back) {  // the stem runs towards the start: down it, back up, then on
        p.assign(s.pts.rend() - static_cast<long>(m) - 1, s.pts.rend());
        p.insert(p.end(), s.pts.begin() + 1, s.pts.end());
        s.pinned = {m};
        s.retraced = path_length(std::vector<Vec2>(s.pts.begin(), s.pts.begin() + static_cast<long>(m) + 1));
    } else {
        p.assign(s.pts.begin() + static_cast<long>(m), s.pts.end());
        p.insert(p.end(), s.pts.rbegin() + 1, s.pts.rend());
        s.pinned = {n - 1 - m};
        s.retraced = path_length(std::vector<Vec2>(s.pts.begin() + static_cast<long>(m), s.pts.end()));
    }
    s.pts = std::move(p);
    s.crossings.clear();
}

void strokes_of_part(const SkelGraph& g, const Part& part, Walker& w, float xh, PenOrderInfo& info, std::vector<PenStroke>& out) {
    const bool loop_only = free_ends(g, part, w).empty();
    std::vector<EdgeEnd> forced;
    bool first = true;
    while (usable_length(g, part, w) > 0) {
        if (usable_length(g, part, w) < 0.08f * xh) {  // crumbs: not worth lifting the pen for
            for (int e : part.edges) w.mark_used(e);
            ++info.dropped_bits;
            break;
        }
        EdgeEnd start;
        const bool bowl = first && bowl_first(g, part, w, xh, forced);
        if (bowl || (first && closed_chain_first(g, part, w, forced))) start = forced.front(), forced.erase(forced.begin());
        else start = pick_start(g, part, w, xh);
        first = false;
        if (!start.valid()) break;
        PenStroke s = w.walk(start, forced);
        forced.clear();
        if (loop_only || distance(s.pts.front(), s.pts.back()) < 1.5f) start_loop_top_right(s, xh);
        else if (!bowl) start_at_top_corner(s, xh), start_top_left(s, xh);
        out.push_back(std::move(s));
    }
}

}  // namespace

std::vector<PenStroke> order_pen_strokes(const SkelGraph& g, const Bitmap& ink, float xh, PenOrderInfo& info) {
    std::vector<Part> parts = find_parts(g);
    info = PenOrderInfo{};
    info.components = static_cast<int>(parts.size());
    for (const SkelNode& n : g.nodes) info.junctions += !n.removed && n.degree() >= 3;
    std::sort(parts.begin(), parts.end(), [&](const Part& a, const Part& b) { return part_key(a, xh) < part_key(b, xh); });
    const Bars bars = find_bars(g, parts, xh);
    std::vector<char> blocked = bars.edge;
    for (size_t e = 0; e < g.edges.size(); ++e) blocked[e] |= g.edges[e].removed;
    Walker w(g, xh, blocked);
    float biggest = 0;
    for (const Part& p : parts) biggest = std::max(biggest, p.size());
    std::vector<int> labels;
    label_ink(ink, labels);
    std::vector<PenStroke> body, dots;
    for (const Part& p : parts) {
        const bool small = p.size() < 0.5f * xh && biggest >= 2 * p.size();
        std::vector<PenStroke>& dest = small ? dots : body;
        if (p.length < 0.1f * xh) {
            dest.push_back(dot_tick(ink, labels, g.nodes[static_cast<size_t>(p.nodes[0])].pos, xh));
            for (int e : p.edges) w.mark_used(e);
            continue;
        }
        const size_t before = dest.size();
        strokes_of_part(g, p, w, xh, info, dest);
        for (size_t i = before; i < dest.size(); ++i) dest[i].kind = small ? PenStroke::Kind::dot : PenStroke::Kind::body;
    }
    std::vector<PenStroke> out = std::move(body);
    for (const auto& chain : bars.chains) {
        PenStroke s;
        s.kind = PenStroke::Kind::bar;
        s.pts = chain_points(g, chain);
        start_top_left(s, xh);
        out.push_back(std::move(s));
    }
    out.insert(out.end(), dots.begin(), dots.end());
    return out;
}

namespace {

// Through a junction the skeleton bends towards the branch; a pen going straight through does
// not: the points within the junction's radius are put back on the chord.
void straighten_crossings(PenStroke& s) {
    for (const auto& [at, radius] : s.crossings) {
        if (at >= s.pts.size()) continue;
        const float r = 1.3f * radius + 1.0f;
        size_t a = at, b = at;
        while (a > 0 && distance(s.pts[a], s.pts[at]) < r) --a;
        while (b + 1 < s.pts.size() && distance(s.pts[b], s.pts[at]) < r) ++b;
        bool pinned_inside = false;
        for (size_t p : s.pinned) pinned_inside |= p > a && p < b;
        if (pinned_inside || b - a < 2) continue;
        for (size_t i = a + 1; i < b; ++i) {
            const float t = static_cast<float>(i - a) / static_cast<float>(b - a);
            s.pts[i] = {s.pts[a].x + t * (s.pts[b].x - s.pts[a].x), s.pts[a].y + t * (s.pts[b].y - s.pts[a].y)};
        }
    }
}

// Douglas–Peucker between two kept points.
void simplify_span(const std::vector<Vec2>& p, size_t a, size_t b, float tol, std::vector<char>& keep) {
    if (b <= a + 1) return;
    const float dx = p[b].x - p[a].x, dy = p[b].y - p[a].y, len = std::hypot(dx, dy);
    size_t far = a;
    float worst = -1;
    for (size_t i = a + 1; i < b; ++i) {
        const float d = len > 1e-6f ? std::fabs((p[i].x - p[a].x) * dy - (p[i].y - p[a].y) * dx) / len : distance(p[i], p[a]);
        if (d > worst) worst = d, far = i;
    }
    if (worst <= tol) return;
    keep[far] = 1;
    simplify_span(p, a, far, tol, keep);
    simplify_span(p, far, b, tol, keep);
}

}  // namespace

void smooth_pen_stroke(PenStroke& s, float tolerance) {
    const size_t n = s.pts.size();
    if (n < 3) return;
    straighten_crossings(s);
    std::vector<char> fixed(n, 0);
    fixed.front() = fixed.back() = 1;
    for (size_t p : s.pinned) fixed[std::min(p, n - 1)] = 1;
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<Vec2> q = s.pts;
        for (size_t i = 1; i + 1 < n; ++i) {
            if (fixed[i]) continue;
            q[i] = {(s.pts[i - 1].x + 2 * s.pts[i].x + s.pts[i + 1].x) / 4, (s.pts[i - 1].y + 2 * s.pts[i].y + s.pts[i + 1].y) / 4};
        }
        s.pts = std::move(q);
    }
    std::vector<char> keep = fixed;
    size_t last = 0;
    for (size_t i = 1; i < n; ++i)
        if (fixed[i]) simplify_span(s.pts, last, i, tolerance, keep), last = i;
    std::vector<Vec2> out;
    std::vector<size_t> pinned;
    for (size_t i = 0; i < n; ++i) {
        if (!keep[i]) continue;
        if (fixed[i] && i > 0 && i + 1 < n) pinned.push_back(out.size());
        out.push_back(s.pts[i]);
    }
    s.pts = std::move(out);
    s.pinned = std::move(pinned);
    s.crossings.clear();
}

}  // namespace hw
