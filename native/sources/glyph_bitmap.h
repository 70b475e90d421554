// Binary pictures of glyphs and their one-pixel skeletons: the first half of turning an outline
// font into pen paths. Ink is 1, paper 0, y down. Nothing here knows about fonts, so the thinning
// can be tested on hand-made bitmaps.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hw {

struct Bitmap {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // row-major, 1 ink, 0 paper

    Bitmap() = default;
    Bitmap(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * static_cast<size_t>(h), 0) {}
    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
    // Out-of-range reads are paper, so neighbourhood tests need no bounds checks.
    bool ink(int x, int y) const { return inside(x, y) && pixels[index(x, y)] != 0; }
    void set(int x, int y, bool v) { pixels[index(x, y)] = v ? 1 : 0; }
    size_t index(int x, int y) const { return static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x); }
    size_t count() const;
};

// A bitmap from text rows ('#' ink, anything else paper): the tests draw their shapes this way.
Bitmap bitmap_from_rows(const std::vector<std::string>& rows);

// How alike two shapes are whatever their size: each one's ink box stretched onto a 32 x 32 grid,
// then the shared ink over the ink of either (0 different .. 1 the same). Tells a small capital
// from a lower-case letter.
float shape_similarity(const Bitmap& a, const Bitmap& b);

// The 8 neighbours of a pixel, clockwise from north: N, NE, E, SE, S, SW, W, NW.
extern const int kNeighbourDx[8];
extern const int kNeighbourDy[8];
int ink_neighbours(const Bitmap& b, int x, int y);

// Labels 8-connected ink components 1..n (0 for paper); returns n.
int label_ink(const Bitmap& b, std::vector<int>& labels);

// Paper regions enclosed by ink (holes) that are smaller than `max_area` pixels or thinner than
// `max_width` pixels become ink: scribbled and textured hand fonts leave slivers between their
// pen passes that would otherwise thin into little loops beside every stroke.
int fill_small_holes(Bitmap& b, int max_area, float max_width);
// Ink components smaller than `min_area` pixels (dust from the rasteriser) become paper.
int remove_specks(Bitmap& b, int min_area);

// Distance of each ink pixel to the nearest paper pixel (chamfer 1 / sqrt 2; 0 on paper): half
// the local stroke width at the skeleton.
std::vector<float> distance_to_paper(const Bitmap& b);

// Zhang–Suen thinning, then the removal of simple pixels that are not ends (the staircase corners
// Zhang–Suen leaves), so a skeleton pixel on a path has exactly two neighbours.
Bitmap thin_to_skeleton(const Bitmap& b);

}  // namespace hw
