#include "glyph_bitmap.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace hw {

const int kNeighbourDx[8] = {0, 1, 1, 1, 0, -1, -1, -1};
const int kNeighbourDy[8] = {-1, -1, 0, 1, 1, 1, 0, -1};

size_t Bitmap::count() const {
    size_t n = 0;
    for (uint8_t p : pixels) n += p != 0;
    return n;
}

Bitmap bitmap_from_rows(const std::vector<std::string>& rows) {
    int w = 0;
    for (const auto& r : rows) w = std::max(w, static_cast<int>(r.size()));
    Bitmap b(w, static_cast<int>(rows.size()));
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < static_cast<int>(rows[static_cast<size_t>(y)].size()); ++x)
            b.set(x, y, rows[static_cast<size_t>(y)][static_cast<size_t>(x)] == '#');
    return b;
}

namespace {

// The bitmap's ink box stretched onto a size x size grid (nearest pixel); an empty bitmap stays empty.
Bitmap ink_box_scaled(const Bitmap& b, int size) {
    int x0 = b.width, y0 = b.height, x1 = -1, y1 = -1;
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x)
            if (b.ink(x, y)) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    Bitmap out(size, size);
    if (x1 < 0) return out;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            out.set(x, y, b.ink(x0 + (x * (x1 - x0 + 1)) / size, y0 + (y * (y1 - y0 + 1)) / size));
    return out;
}

}  // namespace

float shape_similarity(const Bitmap& a, const Bitmap& b) {
    const int n = 32;
    const Bitmap sa = ink_box_scaled(a, n), sb = ink_box_scaled(b, n);
    size_t both = 0, either = 0;
    for (size_t i = 0; i < sa.pixels.size(); ++i) both += sa.pixels[i] && sb.pixels[i], either += sa.pixels[i] || sb.pixels[i];
    return either ? static_cast<float>(both) / static_cast<float>(either) : 0.0f;
}

int ink_neighbours(const Bitmap& b, int x, int y) {
    int n = 0;
    for (int k = 0; k < 8; ++k) n += b.ink(x + kNeighbourDx[k], y + kNeighbourDy[k]);
    return n;
}

namespace {

// Flood fill of the pixels whose value is `value`, 8-connected for ink and 4-connected for paper
// (the pairing that keeps holes and components dual); returns the number of regions.
int label_regions(const Bitmap& b, uint8_t value, std::vector<int>& labels) {
    static const int kDx4[4] = {0, 1, 0, -1}, kDy4[4] = {-1, 0, 1, 0};
    const int steps = value ? 8 : 4;
    const int* dx = value ? kNeighbourDx : kDx4;
    const int* dy = value ? kNeighbourDy : kDy4;
    auto wanted = [&](int x, int y) { return b.inside(x, y) && (b.pixels[b.index(x, y)] != 0) == (value != 0); };
    labels.assign(b.pixels.size(), 0);
    int n = 0;
    std::vector<int> stack;
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x) {
            if (!wanted(x, y) || labels[b.index(x, y)]) continue;
            labels[b.index(x, y)] = ++n;
            stack.assign(1, static_cast<int>(b.index(x, y)));
            while (!stack.empty()) {
                const int i = stack.back();
                stack.pop_back();
                for (int k = 0; k < steps; ++k) {
                    const int qx = i % b.width + dx[k], qy = i / b.width + dy[k];
                    if (!wanted(qx, qy) || labels[b.index(qx, qy)]) continue;
                    labels[b.index(qx, qy)] = n;
                    stack.push_back(static_cast<int>(b.index(qx, qy)));
                }
            }
        }
    return n;
}

}  // namespace

int label_ink(const Bitmap& b, std::vector<int>& labels) { return label_regions(b, 1, labels); }

int fill_small_holes(Bitmap& b, int max_area, float max_width) {
    std::vector<int> labels;
    const int n = label_regions(b, 0, labels);
    std::vector<int> area(static_cast<size_t>(n) + 1, 0);
    std::vector<float> deepest(static_cast<size_t>(n) + 1, 0.0f);
    std::vector<char> outside(static_cast<size_t>(n) + 1, 0);
    Bitmap paper(b.width, b.height);
    for (size_t i = 0; i < b.pixels.size(); ++i) paper.pixels[i] = b.pixels[i] ? 0 : 1;
    const std::vector<float> to_ink = distance_to_paper(paper);
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x) {
            const int l = labels[b.index(x, y)];
            if (!l) continue;
            ++area[static_cast<size_t>(l)];
            deepest[static_cast<size_t>(l)] = std::max(deepest[static_cast<size_t>(l)], to_ink[b.index(x, y)]);
            if (x == 0 || y == 0 || x == b.width - 1 || y == b.height - 1) outside[static_cast<size_t>(l)] = 1;
        }
    int filled = 0;
    std::vector<char> fill(static_cast<size_t>(n) + 1, 0);
    for (int l = 1; l <= n; ++l) {
        const size_t k = static_cast<size_t>(l);
        // deepest is the distance from the hole's middle to the ink: about half its width.
        fill[k] = !outside[k] && (area[k] < max_area || 2.0f * deepest[k] - 1.0f <= max_width);
        filled += fill[k];
    }
    for (size_t i = 0; i < b.pixels.size(); ++i)
        if (labels[i] && fill[static_cast<size_t>(labels[i])]) b.pixels[i] = 1;
    return filled;
}

int remove_specks(Bitmap& b, int min_area) {
    std::vector<int> labels;
    const int n = label_ink(b, labels);
    std::vector<int> area(static_cast<size_t>(n) + 1, 0);
    for (int l : labels) ++area[static_cast<size_t>(l)];
    int removed = 0;
    for (int l = 1; l <= n; ++l) removed += area[static_cast<size_t>(l)] < min_area;
    for (size_t i = 0; i < b.pixels.size(); ++i)
        if (labels[i] && area[static_cast<size_t>(labels[i])] < min_area) b.pixels[i] = 0;
    return removed;
}

std::vector<float> distance_to_paper(const Bitmap& b) {
    const float big = 1e9f, diag = std::sqrt(2.0f);
    std::vector<float> d(b.pixels.size(), 0.0f);
    for (size_t i = 0; i < d.size(); ++i) d[i] = b.pixels[i] ? big : 0.0f;
    auto at = [&](int x, int y) { return b.inside(x, y) ? d[b.index(x, y)] : 0.0f; };  // outside is paper
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x) {
            float& v = d[b.index(x, y)];
            if (v == 0.0f) continue;
            v = std::min({v, at(x - 1, y) + 1, at(x, y - 1) + 1, at(x - 1, y - 1) + diag, at(x + 1, y - 1) + diag});
        }
    for (int y = b.height - 1; y >= 0; --y)
        for (int x = b.width - 1; x >= 0; --x) {
            float& v = d[b.index(x, y)];
            if (v == 0.0f) continue;
            v = std::min({v, at(x + 1, y) + 1, at(x, y + 1) + 1, at(x + 1, y + 1) + diag, at(x - 1, y + 1) + diag});
        }
    return d;
}

namespace {

std::array<bool, 8> ring(const Bitmap& b, int x, int y) {
    std::array<bool, 8> r{};
    for (int k = 0; k < 8; ++k) r[static_cast<size_t>(k)] = b.ink(x + kNeighbourDx[k], y + kNeighbourDy[k]);
    return r;
}

// One Zhang–Suen sub-iteration: marks, then removes, the border pixels it allows.
bool zhang_suen_pass(Bitmap& b, bool first) {
    std::vector<size_t> remove;
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x) {
            if (!b.ink(x, y)) continue;
            const auto p = ring(b, x, y);  // p[0] = N (P2) ... p[7] = NW (P9)
            int count = 0, rises = 0;
            for (size_t k = 0; k < 8; ++k) {
                count += p[k];
                rises += !p[k] && p[(k + 1) % 8];
            }
            if (count < 2 || count > 6 || rises != 1) continue;
            const bool n = p[0], e = p[2], s = p[4], w = p[6];
            if (first ? (n && e && s) || (e && s && w) : (n && e && w) || (n && s && w)) continue;
            remove.push_back(b.index(x, y));
        }
    for (size_t i : remove) b.pixels[i] = 0;
    return !remove.empty();
}

// A pixel whose removal changes no connectivity: its ink neighbours form one 8-connected group
// and its paper neighbours one 4-connected group that touches it.
bool simple_pixel(const std::array<bool, 8>& p) {
    int parent[8];
    for (int k = 0; k < 8; ++k) parent[k] = k;
    auto find = [&](int k) {
        while (parent[k] != k) k = parent[k] = parent[parent[k]];
        return k;
    };
    for (int k = 0; k < 8; ++k) {
        if (!p[static_cast<size_t>(k)]) continue;
        const int next = (k + 1) % 8, skip = (k + 2) % 8;
        if (p[static_cast<size_t>(next)]) parent[find(k)] = find(next);
        if (k % 2 == 0 && p[static_cast<size_t>(skip)]) parent[find(k)] = find(skip);  // N and E touch diagonally
    }
    int ink_groups = 0, paper_runs = 0;
    for (int k = 0; k < 8; ++k) ink_groups += p[static_cast<size_t>(k)] && find(k) == k;
    // Paper runs around the ring are 4-connected; count the runs (each starts after an ink
    // neighbour) that hold a 4-neighbour of the pixel.
    for (int k = 0; k < 8; ++k) {
        if (p[static_cast<size_t>(k)] || !p[static_cast<size_t>((k + 7) % 8)]) continue;
        bool touches = false;
        for (int j = k; j < k + 8 && !p[static_cast<size_t>(j % 8)]; ++j) touches |= j % 2 == 0;
        paper_runs += touches;
    }
    return ink_groups == 1 && paper_runs == 1;
}

// Zhang–Suen erases a blob that thins down to a 2x2 square (a round dot): such a component gets
// back the pixel nearest its centre, so a full stop keeps its skeleton.
void keep_vanished_dots(const Bitmap& in, Bitmap& b) {
    std::vector<int> labels;
    const size_t n = static_cast<size_t>(label_ink(in, labels));
    std::vector<double> sx(n + 1, 0), sy(n + 1, 0), count(n + 1, 0);
    std::vector<char> kept(n + 1, 0);
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            const size_t l = static_cast<size_t>(labels[in.index(x, y)]);
            if (!l) continue;
            sx[l] += x, sy[l] += y, count[l] += 1;
            kept[l] |= b.ink(x, y);
        }
    std::vector<double> best(n + 1, 1e18);
    std::vector<size_t> at(n + 1, 0);
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            const size_t l = static_cast<size_t>(labels[in.index(x, y)]);
            if (!l || kept[l]) continue;
            const double d = std::hypot(x - sx[l] / count[l], y - sy[l] / count[l]);
            if (d < best[l]) best[l] = d, at[l] = in.index(x, y);
        }
    for (size_t l = 1; l <= n; ++l)
        if (!kept[l]) b.pixels[at[l]] = 1;
}

}  // namespace

Bitmap thin_to_skeleton(const Bitmap& in) {
    Bitmap b = in;
    while (zhang_suen_pass(b, true) | zhang_suen_pass(b, false)) {
    }
    keep_vanished_dots(in, b);
    for (bool changed = true; changed;) {
        changed = false;
        for (int y = 0; y < b.height; ++y)
            for (int x = 0; x < b.width; ++x) {
                if (!b.ink(x, y) || ink_neighbours(b, x, y) < 2 || !simple_pixel(ring(b, x, y))) continue;
                b.set(x, y, false);
                changed = true;
            }
    }
    return b;
}

}  // namespace hw
