// Handwriting outline fonts as single-stroke fonts: thinning and tracing on drawn bitmaps, the
// writing order on glyphs of an installed hand font, the drop rule, and the SVG cache read back
// the way the corpus builder reads it. The font tests fail, never skip, when the font is missing.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <memory>

#include "font_corpus.h"
#include "hand_fonts.h"
#include "outline_font.h"
#include "rng.h"
#include "skeleton_graph.h"

using namespace hw;

namespace {

const char* kHandFont = "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf";  // fonts-dkg-handwriting
const char* kEcolier = "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf";  // fonts-ecolier-court
const char* kHumor = "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf";  // fonts-humor-sans
const char* kComicNeue = "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf";  // fonts-comic-neue

Bitmap ring(int size, float outer, float inner) {
    Bitmap b(size, size);
    const float c = static_cast<float>(size - 1) / 2;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const float r = std::hypot(static_cast<float>(x) - c, static_cast<float>(y) - c);
            b.set(x, y, r <= outer && r >= inner);
        }
    return b;
}

void fill(Bitmap& b, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) b.set(x, y, true);
}

SkelGraph cleaned_graph(const Bitmap& ink, float xh) {
    SkelGraph g = trace_skeleton(thin_to_skeleton(ink), distance_to_paper(ink));
    GraphCleaning c;
    c.spur_pixels = std::max(2.0f, 0.03f * xh);
    c.probe = 0.1f * xh;
    clean_graph(g, c);
    return g;
}

Vec2 first(const PenStroke& s) { return s.pts.front(); }
Vec2 last(const PenStroke& s) { return s.pts.back(); }

GlyphTrace font_glyph(const char* path, char32_t c) {
    REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing: install its Debian package (make setup)");
    OutlineOptions opt;
    std::unique_ptr<OutlineFace> face;
    const Status s = OutlineFace::open(path, opt, face);
    REQUIRE_MESSAGE(s.ok, s.message);
    GlyphRaster r;
    REQUIRE(face->render(c, r).ok);
    return trace_glyph(r.ink, c, opt.x_height_px);
}

}  // namespace

TEST_CASE("thinning: a filled bar thins to one line of single pixels between two ends") {
    Bitmap b(60, 20);
    fill(b, 5, 6, 55, 14);
    const Bitmap s = thin_to_skeleton(b);
    int ends = 0, paths = 0, others = 0;
    for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x) {
            if (!s.ink(x, y)) continue;
            const int n = ink_neighbours(s, x, y);
            (n == 1 ? ends : n == 2 ? paths : others) += 1;
        }
    CHECK(ends == 2);
    CHECK(others == 0);
    CHECK(paths > 30);
}

TEST_CASE("thinning: a round dot keeps a skeleton pixel (Zhang-Suen alone erases it)") {
    const Bitmap dot = ring(14, 3.0f, 0);  // centred between pixels: thins to a 2x2 square
    const Bitmap s = thin_to_skeleton(dot);
    CHECK(s.count() >= 1);
    const GlyphTrace t = trace_glyph(dot, '.', 40);
    CHECK(t.problem == "");
    REQUIRE(t.strokes.size() == 1);
    CHECK(t.strokes[0].kind == PenStroke::Kind::dot);
}

TEST_CASE("tracing: a ring is one closed stroke") {
    const GlyphTrace t = trace_glyph(ring(60, 25, 19), 'o', 40);
    CHECK(t.problem == "");
    REQUIRE(t.strokes.size() == 1);
    CHECK(distance(first(t.strokes[0]), last(t.strokes[0])) < 1.5f);
    // Counter-clockwise from near the top right: the pen first heads left.
    CHECK(first(t.strokes[0]).y < 30);
    CHECK(t.strokes[0].pts[3].x < first(t.strokes[0]).x);
}

TEST_CASE("tracing: a plus sign is two strokes, the upright first and the bar left to right") {
    Bitmap b(70, 70);
    fill(b, 32, 8, 38, 62);
    fill(b, 8, 32, 62, 38);
    const GlyphTrace t = trace_glyph(b, '+', 40);
    CHECK(t.problem == "");
    REQUIRE(t.strokes.size() == 2);
    CHECK(last(t.strokes[0]).y - first(t.strokes[0]).y > 35);  // downwards
    CHECK(t.strokes[1].kind == PenStroke::Kind::bar);
    CHECK(last(t.strokes[1]).x - first(t.strokes[1]).x > 35);
}

TEST_CASE("tracing: a T is its stem from the top, then the bar") {
    Bitmap b(70, 70);
    fill(b, 8, 8, 62, 14);
    fill(b, 32, 8, 38, 62);
    const GlyphTrace t = trace_glyph(b, 'T', 40);
    CHECK(t.problem == "");
    REQUIRE(t.strokes.size() == 2);
    CHECK(first(t.strokes[0]).y < 15);
    CHECK(last(t.strokes[0]).y > 55);
    CHECK(t.strokes[1].kind == PenStroke::Kind::bar);
    CHECK(first(t.strokes[1]).x < last(t.strokes[1]).x);
}

TEST_CASE("tracing: the spur a bump leaves on a line is pruned") {
    Bitmap b(80, 30);
    fill(b, 5, 12, 75, 19);
    fill(b, 38, 8, 43, 12);  // a bump on top of the line
    const SkelGraph raw = trace_skeleton(thin_to_skeleton(b), distance_to_paper(b));
    REQUIRE(raw.live_edges() >= 3);  // the bump did leave a spur and a junction
    const SkelGraph g = cleaned_graph(b, 40);
    CHECK(g.live_edges() == 1);
    const GlyphTrace t = trace_glyph(b, '-', 40);
    REQUIRE(t.strokes.size() == 1);
    CHECK(first(t.strokes[0]).x < last(t.strokes[0]).x);
}

TEST_CASE("tracing: a glyph in more pieces than its character has is refused with the count") {
    Bitmap b(70, 70);
    fill(b, 5, 5, 20, 20);
    fill(b, 45, 5, 60, 20);
    fill(b, 5, 45, 20, 60);
    fill(b, 45, 45, 60, 60);
    const GlyphTrace t = trace_glyph(b, 'o', 40);
    CHECK(t.problem.find("4 pieces") == 0);
    CHECK(trace_glyph(Bitmap(30, 30), 'o', 40).problem == "no ink");
}

TEST_CASE("hand font: o is one stroke, l one stroke downwards") {
    const GlyphTrace o = font_glyph(kHandFont, 'o');
    CHECK(o.problem == "");
    CHECK(o.strokes.size() == 1);
    const GlyphTrace l = font_glyph(kHandFont, 'l');
    CHECK(l.problem == "");
    REQUIRE(l.strokes.size() == 1);
    CHECK(last(l.strokes[0]).y - first(l.strokes[0]).y > 90);  // y down: from the top to the bottom
}

TEST_CASE("hand font: i is its stem then its dot; t its stem then its crossbar") {
    const GlyphTrace i = font_glyph(kHandFont, 'i');
    CHECK(i.problem == "");
    REQUIRE(i.strokes.size() == 2);
    CHECK(i.strokes[1].kind == PenStroke::Kind::dot);
    CHECK(last(i.strokes[1]).y < first(i.strokes[0]).y);  // the dot sits above the stem
    const GlyphTrace t = font_glyph(kHandFont, 't');
    CHECK(t.problem == "");
    REQUIRE(t.strokes.size() == 2);
    CHECK(t.strokes[0].kind == PenStroke::Kind::body);
    CHECK(t.strokes[1].kind == PenStroke::Kind::bar);
    CHECK(last(t.strokes[1]).x - first(t.strokes[1]).x > 10);  // left to right
}

TEST_CASE("hand font: a bold x keeps its four arms (thinning eats back thick diagonal ends)") {
    const GlyphTrace x = font_glyph(kHumor, 'x');
    CHECK(x.problem == "");
    REQUIRE(x.strokes.size() == 2);
    for (const PenStroke& s : x.strokes) CHECK(distance(first(s), last(s)) > 70);  // corner to corner
}

TEST_CASE("hand font: glyphs without ink are dropped and counted, the rest converted") {
    REQUIRE_MESSAGE(std::filesystem::exists(kEcolier), kEcolier << " is missing: install fonts-ecolier-court (make setup)");
    FontConversion c;
    REQUIRE(convert_outline_font(kEcolier, "hand-ecolier", OutlineOptions{}, c).ok);
    REQUIRE(c.dropped.count(U'^'));
    CHECK(c.dropped.at(U'^') == "no ink");
    CHECK(c.font.glyphs.size() + c.dropped.size() == hand_font_characters().size());
    CHECK(!c.font.glyphs.count(U'^'));
    CHECK(c.font.glyphs.count(U'a'));
}

TEST_CASE("hand font: the SVG cache reads back as a stroke font the corpus writes with") {
    REQUIRE_MESSAGE(std::filesystem::exists(kHandFont), kHandFont << " is missing: install fonts-dkg-handwriting (make setup)");
    FontConversion c;
    REQUIRE(convert_outline_font(kHandFont, "hand-dkg", OutlineOptions{}, c).ok);
    HandFontSpec spec;
    spec.name = "hand-dkg";
    spec.package = "fonts-dkg-handwriting";
    const std::string svg = svg_font_text(c.font, spec, kHandFont);
    StrokeFont f;
    f.name = "hand-dkg";
    std::vector<std::string> warnings;
    REQUIRE(parse_svg_font(svg, "hand-dkg.svg", f, warnings).ok);
    CHECK(warnings.empty());
    REQUIRE(measure_font(f).ok);
    CHECK(f.glyphs.size() == c.font.glyphs.size());
    CHECK(std::fabs(f.x_height - c.font.x_height) < 1.0f);
    CHECK(f.glyphs.at(U'i').strokes.size() == 2);
    LineStyle style;
    style.valid = false;
    Rng rng(7, 1);
    RawLine line;
    CHECK(write_line(f, style, U"hello world", rng, line));
    CHECK(line.strokes.size() >= 4);
}

// ---- the QA gate (issue #21): each check catches its fault ---------------------------------

namespace {

PenStroke line_stroke(float x0, float y0, float x1, float y1) {
    PenStroke s;
    for (int k = 0; k <= 20; ++k) s.pts.push_back({x0 + (x1 - x0) * k / 20.0f, y0 + (y1 - y0) * k / 20.0f});
    return s;
}

}  // namespace

TEST_CASE("gate: a t traced without its bar, or an i without its dot, is dropped; whole they pass") {
    Bitmap t(80, 100);
    fill(t, 36, 10, 44, 95);  // the stem, 8 px wide
    fill(t, 14, 35, 66, 43);  // the bar, 52 px long
    const PenStroke stem = line_stroke(40, 14, 40, 91), bar = line_stroke(18, 39, 62, 39);
    const InkCoverage whole = ink_coverage(t, {stem, bar}), lost = ink_coverage(t, {stem});
    CHECK(whole.stroke_width == doctest::Approx(8).epsilon(0.3));
    CHECK(coverage_problem(whole) == "");
    CHECK(lost.side_gap > kMaxSideGap);  // the bar's ends stand out past the bare stem
    CHECK(coverage_problem(lost).find("stroke lost in tracing") == 0);
    const InkCoverage half = ink_coverage(t, {stem, line_stroke(40, 39, 62, 39)});  // its left half lost
    CHECK(coverage_problem(half).find("stroke lost in tracing") == 0);
    Bitmap i(40, 100);
    fill(i, 16, 40, 24, 95);  // the stem
    fill(i, 15, 15, 25, 25);  // the dot, apart from it
    const PenStroke istem = line_stroke(20, 44, 20, 91), dot = line_stroke(19, 20, 21, 20);
    CHECK(coverage_problem(ink_coverage(i, {istem, dot})) == "");
    CHECK(coverage_problem(ink_coverage(i, {istem})).find("mark lost in tracing") == 0);
}

TEST_CASE("gate: the hand whose lower case are small capitals is found, and keeps no lower-case glyph") {
    for (const char* path : {kHumor, kComicNeue})
        REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing (make setup installs it)");
    FontConversion caps, lower;
    REQUIRE(convert_outline_font(kHumor, "hand-humor", OutlineOptions{}, caps).ok);
    REQUIRE(convert_outline_font(kComicNeue, "hand-comicneue", OutlineOptions{}, lower).ok);
    CHECK(caps.capitals_only());
    CHECK_FALSE(lower.capitals_only());
    CHECK(lower.capital_like <= 2);
    HandFontSpec spec;
    spec.name = "hand-humor";
    refuse_glyphs(spec, caps);
    CHECK_FALSE(caps.font.has(U'a'));
    CHECK_MESSAGE(caps.dropped.at(U'a').find("a small capital") == 0, caps.dropped.at(U'a'));
    CHECK(caps.font.capitals_only());  // the corpus then writes upper-cased text in it
    refuse_glyphs(spec, lower);
    CHECK(lower.font.has(U'a'));
}

TEST_CASE("gate: shape similarity tells a capital from a lower-case letter, whatever the size") {
    Bitmap big(60, 60), small(30, 30), other(30, 30);
    fill(big, 0, 0, 60, 10), fill(big, 25, 0, 35, 60);        // a T
    fill(small, 0, 0, 30, 5), fill(small, 12, 0, 18, 30);     // a small T
    fill(other, 0, 0, 6, 30), fill(other, 0, 24, 30, 30);     // an L
    CHECK(shape_similarity(big, small) > kCapitalLikeSimilarity);
    CHECK(shape_similarity(big, other) < kCapitalLikeSimilarity);
}
