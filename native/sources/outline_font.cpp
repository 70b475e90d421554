#include "outline_font.h"

#include <algorithm>
#include <cmath>

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
        default: return 1;
    }
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

}  // namespace

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
    return t;
}

Status convert_outline_font(const std::string& path, const std::string& name, const OutlineOptions& opt, FontConversion& out) {
    std::unique_ptr<OutlineFace> face;
    Status s = OutlineFace::open(path, opt, face);
    if (!s) return s;
    const float k = face->units_per_px();
    out = FontConversion{};
    out.font.name = name;
    for (char32_t c = 32; c < 127; ++c) {
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
    if (!(s = measure_font(out.font))) return Status::error(path + ": " + s.message);
    return Status::success();
}

}  // namespace hw
