#include "outline_font.h"

#include "text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include FT_TRUETYPE_TABLES_H

namespace hw {

namespace {

constexpr int kPad = 4;  // paper around each glyph bitmap, so thinning never meets the border

FT_Face face_of(void* p) { return static_cast<FT_Face>(p); }

// The height of the outline of 'x' in font units; the OS/2 table's x-height, or half an em, when
// the font has no 'x'.
float x_height_units(FT_Face face) {
    if (FT_Get_Char_Index(face, 'x') && !FT_Load_Char(face, 'x', FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) &&
        face->glyph->format == FT_GLYPH_FORMAT_OUTLINE) {
        FT_BBox box;
        FT_Outline_Get_CBox(&face->glyph->outline, &box);
        if (box.yMax > box.yMin) return static_cast<float>(box.yMax - box.yMin);
    }
    const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(face, FT_SFNT_OS2));
    if (os2 && os2->version >= 2 && os2->sxHeight > 0) return static_cast<float>(os2->sxHeight);
    return 0.5f * static_cast<float>(face->units_per_EM);
}

}  // namespace

OutlineFace::~OutlineFace() {
    if (face_) FT_Done_Face(face_of(face_));
    if (library_) FT_Done_FreeType(static_cast<FT_Library>(library_));
}

Status OutlineFace::open(const std::string& path, const OutlineOptions& opt, std::unique_ptr<OutlineFace>& out) {
    std::unique_ptr<OutlineFace> f(new OutlineFace());
    f->path_ = path;
    f->ink_level_ = opt.ink_level;
    FT_Library lib = nullptr;
    if (FT_Init_FreeType(&lib)) return Status::error(path + ": FreeType failed to start");
    f->library_ = lib;
    FT_Face face = nullptr;
    if (FT_New_Face(lib, path.c_str(), 0, &face)) return Status::error(path + ": not a font FreeType can open (missing or damaged)");
    f->face_ = face;
    if (!FT_IS_SCALABLE(face) || face->units_per_EM == 0) return Status::error(path + ": not an outline font");
    const float ppem = opt.x_height_px * static_cast<float>(face->units_per_EM) / x_height_units(face);
    const FT_F26Dot6 size = static_cast<FT_F26Dot6>(std::lround(ppem * 64.0f));
    if (size < 64 || size > 64 * 4000) return Status::error(path + ": implausible x-height for rendering");
    if (FT_Set_Char_Size(face, 0, size, 72, 72)) return Status::error(path + ": cannot set the rendering size");
    f->ppem_ = static_cast<float>(size) / 64.0f;
    out = std::move(f);
    return Status::success();
}

bool OutlineFace::has(char32_t c) const { return FT_Get_Char_Index(face_of(face_), c) != 0; }

Status OutlineFace::render(char32_t c, GlyphRaster& out) const {
    FT_Face face = face_of(face_);
    const std::string where = path_ + ": glyph U+" + std::to_string(static_cast<unsigned>(c));
    if (FT_Load_Char(face, c, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP)) return Status::error(where + ": FreeType cannot load it");
    if (FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL)) return Status::error(where + ": FreeType cannot render it");
    const FT_Bitmap& bm = face->glyph->bitmap;
    if (bm.pixel_mode != FT_PIXEL_MODE_GRAY && bm.rows > 0) return Status::error(where + ": unexpected pixel mode");
    const int w = static_cast<int>(bm.width), h = static_cast<int>(bm.rows);
    if (w > 4000 || h > 4000) return Status::error(where + ": outsized glyph");
    out.ink = Bitmap(w + 2 * kPad, h + 2 * kPad);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const unsigned char v = bm.buffer[static_cast<long>(y) * bm.pitch + x];
            if (v >= ink_level_) out.ink.set(x + kPad, y + kPad, true);
        }
    // Pixel (i, j) covers glyph space [left + i - pad, +1) x [top - (j - pad) - 1, +1), y up.
    out.origin_x = static_cast<float>(kPad - face->glyph->bitmap_left) - 0.5f;
    out.origin_y = static_cast<float>(face->glyph->bitmap_top + kPad) - 0.5f;
    out.advance_px = static_cast<float>(face->glyph->advance.x) / 64.0f;
    return Status::success();
}

namespace {

// Separate pieces a character is drawn in (the dot of an i, the two marks of a quote).
int natural_pieces(char32_t c) {
    switch (c) {
        case 'i': case 'j': case '!': case '?': case ':': case ';': case '=': case '"': return 2;
        case '%': return 3;
        default: break;
    }
    if (std::u32string(U"äëïöüÿÄËÏÖÜŸ").find(c) != std::u32string::npos) return 3;  // two dots and the letter
    if (std::u32string(U"áàâãéèêíìîóòôõúùûñçÁÀÂÃÉÈÊÍÌÎÓÒÔÕÚÙÛÑÇ«»¡¿").find(c) != std::u32string::npos) return 2;
    return 1;
}

float stroke_length(const PenStroke& s) {
    float t = 0;
    for (size_t i = 1; i < s.pts.size(); ++i) t += distance(s.pts[i - 1], s.pts[i]);
    return t;
}

std::string check_trace(const GlyphTrace& t, char32_t c, float xh) {
    // One pen lift more than the model letter is a hand's liberty; more is a broken skeleton.
    // Letters built of several strokes (H, E, #...) get one stroke more.
    const bool many = std::u32string(U"#$%&*@EFHIKMWk").find(c) != std::u32string::npos;
    const int max_pieces = natural_pieces(c) + 1, max_strokes = natural_pieces(c) + (many ? 3 : 2);
    if (t.pieces > max_pieces)
        return std::to_string(t.pieces) + " pieces (at most " + std::to_string(max_pieces) + " for this character)";
    if (static_cast<int>(t.strokes.size()) > max_strokes)
        return std::to_string(t.strokes.size()) + " strokes (at most " + std::to_string(max_strokes) + " for this character)";
    if (t.info.junctions > 10) return "tangled skeleton (" + std::to_string(t.info.junctions) + " junctions)";
    float length = 0, x0 = 1e9f, x1 = -1e9f, y0 = 1e9f, y1 = -1e9f;
    for (const PenStroke& s : t.strokes) {
        length += stroke_length(s);
        for (const Vec2& p : s.pts) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
    if (t.strokes.empty() || length < 0.03f * xh) return "degenerate skeleton (no stroke of any length)";
    if (y1 - y0 > 6.0f * xh || x1 - x0 > 6.0f * xh) return "outsized skeleton";
    return "";
}

// Stamps a disk of radius r (px) along every segment of the strokes.
Bitmap draw_strokes(const std::vector<PenStroke>& strokes, int width, int height, float r) {
    Bitmap b(width, height);
    const int ri = static_cast<int>(std::ceil(r));
    auto stamp = [&](float cx, float cy) {
        for (int y = static_cast<int>(cy) - ri; y <= static_cast<int>(cy) + ri + 1; ++y)
            for (int x = static_cast<int>(cx) - ri; x <= static_cast<int>(cx) + ri + 1; ++x)
                if (b.inside(x, y) && std::hypot(x - cx, y - cy) <= r) b.set(x, y, true);
    };
    for (const PenStroke& s : strokes)
        for (size_t i = 0; i < s.pts.size(); ++i) {
            const Vec2 a = s.pts[i], z = i + 1 < s.pts.size() ? s.pts[i + 1] : s.pts[i];
            const int n = std::max(1, static_cast<int>(std::ceil(2 * distance(a, z))));
            for (int k = 0; k <= n; ++k) stamp(a.x + (z.x - a.x) * k / n, a.y + (z.y - a.y) * k / n);
        }
    return b;
}

// How far the ink reaches past the strokes to the left or the right (the larger, px): a bar's end
// that tracing lost (a t drawn as a bare stem) leaves the ink wider than the strokes.
float side_gap(const Bitmap& ink, const std::vector<PenStroke>& strokes) {
    float ink_lo = 1e9f, ink_hi = -1e9f, lo = 1e9f, hi = -1e9f;
    for (int y = 0; y < ink.height; ++y)
        for (int x = 0; x < ink.width; ++x)
            if (ink.ink(x, y)) ink_lo = std::min(ink_lo, x + 0.5f), ink_hi = std::max(ink_hi, x + 0.5f);
    for (const PenStroke& s : strokes)
        for (const Vec2& p : s.pts) lo = std::min(lo, p.x), hi = std::max(hi, p.x);
    return hi < lo ? 0 : std::max(lo - ink_lo, ink_hi - hi);
}

}  // namespace

InkCoverage ink_coverage(const Bitmap& ink, const std::vector<PenStroke>& strokes) {
    InkCoverage c;
    const Bitmap skeleton = thin_to_skeleton(ink);
    const std::vector<float> dist = distance_to_paper(ink);
    std::vector<float> half;
    for (size_t i = 0; i < skeleton.pixels.size(); ++i)
        if (skeleton.pixels[i]) half.push_back(dist[i]);
    if (half.empty()) return c;
    std::nth_element(half.begin(), half.begin() + static_cast<long>(half.size() / 2), half.end());
    c.stroke_width = 2 * half[half.size() / 2];
    const Bitmap drawn = draw_strokes(strokes, ink.width, ink.height, kCoverageReach * c.stroke_width / 2 + kCoverageSlackPx);
    std::vector<int> labels;
    const int n = label_ink(ink, labels);
    std::vector<size_t> total(static_cast<size_t>(n) + 1, 0), covered(static_cast<size_t>(n) + 1, 0);
    for (size_t i = 0; i < ink.pixels.size(); ++i) {
        if (!ink.pixels[i]) continue;
        ++total[static_cast<size_t>(labels[i])];
        covered[static_cast<size_t>(labels[i])] += drawn.pixels[i];
    }
    Bitmap missed(ink.width, ink.height);
    for (size_t i = 0; i < ink.pixels.size(); ++i) missed.pixels[i] = ink.pixels[i] && !drawn.pixels[i];
    std::vector<int> gaps;
    const int g = label_ink(missed, gaps);
    std::vector<size_t> gap_area(static_cast<size_t>(g) + 1, 0);
    for (int l : gaps) gap_area[static_cast<size_t>(l)] += l > 0;
    const size_t largest = g > 0 ? *std::max_element(gap_area.begin() + 1, gap_area.end()) : 0;
    c.largest_gap = static_cast<float>(largest) / (c.stroke_width * c.stroke_width);
    c.side_gap = side_gap(ink, strokes) / c.stroke_width - 0.5f;
    size_t all = 0, all_covered = 0;
    c.worst_piece = 1;
    for (size_t k = 1; k < total.size(); ++k) {
        all += total[k], all_covered += covered[k];
        c.worst_piece = std::min(c.worst_piece, static_cast<float>(covered[k]) / static_cast<float>(total[k]));
    }
    c.share = all ? static_cast<float>(all_covered) / static_cast<float>(all) : 0;
    return c;
}

std::string coverage_problem(const InkCoverage& c) {
    char buf[160];
    if (c.largest_gap > kMaxInkGap) {
        std::snprintf(buf, sizeof buf, "stroke lost in tracing (%.1f stroke widths squared of ink left out in one piece; at most %.1f)",
                      static_cast<double>(c.largest_gap), static_cast<double>(kMaxInkGap));
        return buf;
    }
    if (c.side_gap > kMaxSideGap) {
        std::snprintf(buf, sizeof buf, "stroke lost in tracing (the ink reaches %.1f stroke widths past the strokes sideways; at most %.1f)",
                      static_cast<double>(c.side_gap), static_cast<double>(kMaxSideGap));
        return buf;
    }
    if (c.worst_piece < kMinPieceCoverage) {
        std::snprintf(buf, sizeof buf, "mark lost in tracing (a piece of the ink is %.0f %% covered)",
                      100.0 * c.worst_piece);
        return buf;
    }
    return "";
}

GlyphTrace trace_glyph(Bitmap ink, char32_t c, float xh) {
    GlyphTrace t;
    remove_specks(ink, std::max(3, static_cast<int>(std::lround(0.0008f * xh * xh))));
    if (ink.count() == 0) {
        t.problem = "no ink";
        return t;
    }
    fill_small_holes(ink, static_cast<int>(std::lround(0.006f * xh * xh)), 0.03f * xh);
    std::vector<int> labels;
    t.pieces = label_ink(ink, labels);
    SkelGraph g = trace_skeleton(thin_to_skeleton(ink), distance_to_paper(ink));
    GraphCleaning clean;
    clean.spur_pixels = std::max(2.0f, 0.03f * xh);
    clean.probe = 0.1f * xh;
    clean_graph(g, clean);
    t.strokes = order_pen_strokes(g, ink, xh, t.info);
    for (PenStroke& s : t.strokes) smooth_pen_stroke(s, 0.35f);
    t.problem = check_trace(t, c, xh);
    t.coverage = ink_coverage(ink, t.strokes);
    if (t.problem.empty()) t.problem = coverage_problem(t.coverage);
    return t;
}

namespace {

// Lower-case letters whose shape differs from their capital in every ordinary hand.
constexpr char32_t kDistinctLower[] = U"abdeghnqrt";

// How many of kDistinctLower are drawn as (small) capitals: shaped like their capital.
Status count_capital_like(const OutlineFace& face, int& out) {
    out = 0;
    for (const char32_t* p = kDistinctLower; *p; ++p) {
        if (!face.has(*p) || !face.has(upper_case(*p))) continue;
        GlyphRaster lower, upper;
        Status s = face.render(*p, lower);
        if (s) s = face.render(upper_case(*p), upper);
        if (!s) return s;
        out += shape_similarity(lower.ink, upper.ink) >= kCapitalLikeSimilarity;
    }
    return Status::success();
}

}  // namespace

std::u32string hand_font_characters() {
    std::u32string out;
    for (char32_t c = 32; c < 127; ++c) out += c;
    return out + kWesternEuropean;
}

Status convert_outline_font(const std::string& path, const std::string& name, const OutlineOptions& opt, FontConversion& out) {
    std::unique_ptr<OutlineFace> face;
    Status s = OutlineFace::open(path, opt, face);
    if (!s) return s;
    const float k = face->units_per_px();
    out = FontConversion{};
    out.font.name = name;
    if (!(s = count_capital_like(*face, out.capital_like))) return s;
    for (char32_t c : hand_font_characters()) {
        if (!face->has(c)) {
            out.dropped[c] = "not in the font";
            continue;
        }
        GlyphRaster r;
        if (!(s = face->render(c, r))) return s;
        Glyph glyph;
        glyph.right = r.advance_px * k;
        if (c != U' ') {
            GlyphTrace t = trace_glyph(r.ink, c, opt.x_height_px);
            out.coverage[c] = t.coverage;
            if (!t.problem.empty()) {
                out.dropped[c] = t.problem;
                continue;
            }
            for (const PenStroke& p : t.strokes) {
                InkStroke stroke;
                for (const Vec2& q : p.pts) {
                    stroke.x.push_back((q.x - r.origin_x) * k);
                    stroke.y.push_back((q.y - r.origin_y) * k);
                }
                glyph.strokes.push_back(std::move(stroke));
                out.kinds[c].push_back(static_cast<int>(p.kind));
            }
            out.strokes[c] = static_cast<int>(t.strokes.size());
        }
        out.font.glyphs[c] = std::move(glyph);
    }
    if (!(s = measure_font(out.font))) out.unmeasured = s.message;  // the gate fails the hand
    return Status::success();
}

}  // namespace hw
