#include "sheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "render.h"
#include "text.h"

namespace hw {

namespace {

Status within(const char* what, float v, float lo, float hi, const char* unit) {
    if (v >= lo && v <= hi) return Status::success();
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s must be between %g and %g%s, not %g", what, lo, hi, unit, v);
    return Status::error(buf);
}

}  // namespace

Status check_paper(const Paper& p) {
    using L = PaperLimits;
    Status s;
    if (!(s = within("the paper's width", p.width_mm, L::kMinSizeMm, L::kMaxSizeMm, " mm")) ||
        !(s = within("the paper's height", p.height_mm, L::kMinSizeMm, L::kMaxSizeMm, " mm")) ||
        !(s = within("margin", p.margin_mm, L::kMinMarginMm, L::kMaxMarginMm, " mm")) ||
        !(s = within("x-height", p.x_height_mm, L::kMinXHeightMm, L::kMaxXHeightMm, " mm")) ||
        !(s = within("line spacing", p.line_spacing, L::kMinLineSpacing, L::kMaxLineSpacing, "")))
        return s;
    if (2 * p.margin_mm >= std::min(p.width_mm, p.height_mm) - 10) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "margin %g mm leaves no room on a %g x %g mm paper", p.margin_mm, p.width_mm, p.height_mm);
        return Status::error(buf);
    }
    return Status::success();
}

float mm_per_unit(float line_height, const Paper& p) { return p.x_height_mm / (line_height / kLineHeightPerXHeight); }

LayoutOptions paper_layout(float line_height, const Paper& p, bool paged) {
    const float k = mm_per_unit(line_height, p);
    LayoutOptions lay;
    lay.width = (p.width_mm - 2 * p.margin_mm) / k;
    lay.margin_left = lay.margin_top = p.margin_mm / k;
    lay.align = p.align;
    lay.line_spacing = kLineSpacing * p.line_spacing;
    lay.page_height = paged ? p.height_mm / k : 0;
    return lay;
}

namespace {

// The writing's scale on the paper relative to the x-height asked for: 1, or less where the
// writing of a page (margin to the last line's lower half pitch) is taller than the paper's room.
float fit_factor(const PlacedPage& page, float k, const Paper& paper) {
    const float margin_u = paper.margin_mm / k;
    float content = 0;
    for (const PlacedLine& l : page.lines) content = std::max(content, l.baseline + 0.5f * page.pitch - margin_u);
    const float room = paper.height_mm - 2 * paper.margin_mm;
    return content * k > room ? room / (content * k) : 1.0f;
}

}  // namespace

Sheet page_sheet(const PlacedPage& page, float k, const Paper& paper, const std::string& title) {
    Sheet sheet;
    sheet.width_mm = paper.width_mm;
    sheet.height_mm = paper.height_mm;
    sheet.pages = page.pages;
    sheet.title = title;
    const float f = fit_factor(page, k, paper), margin_u = paper.margin_mm / k;
    sheet.x_height_mm = paper.x_height_mm * f;
    sheet.shrunk = f < 1;
    // From the top-left margin when shrunk; as placed (the same bits as without the rule) otherwise.
    auto mm = [&](float v) { return sheet.shrunk ? paper.margin_mm + (v - margin_u) * (k * f) : v * k; };
    auto inside = [&](float x, float y) { return x >= 0 && x <= sheet.width_mm && y >= 0 && y <= sheet.height_mm; };
    for (const PlacedLine& line : page.lines)
        for (const InkStroke& s : line.strokes) {
            InkStroke cut;
            for (size_t i = 0; i <= s.size(); ++i) {
                const float x = i < s.size() ? mm(s.x[i]) : -1, y = i < s.size() ? mm(s.y[i]) : -1;
                if (inside(x, y)) {
                    cut.x.push_back(x);
                    cut.y.push_back(y);
                } else if (cut.size() > 0) {
                    sheet.strokes.push_back(std::move(cut));
                    sheet.stroke_page.push_back(line.page);
                    cut = InkStroke{};
                }
            }
        }
    return sheet;
}

std::string fit_note(const Sheet& sheet) {
    if (!sheet.shrunk) return "";
    char buf[96];
    std::snprintf(buf, sizeof buf, "written smaller (x-height %.2f mm) to fit the page", sheet.x_height_mm);
    return buf;
}

std::string page_title(const std::u32string& text) {
    constexpr size_t kMax = 60;
    std::u32string title;
    bool more = false;
    for (size_t i = 0; i < text.size();) {
        while (i < text.size() && (text[i] == U' ' || text[i] == U'\n' || text[i] == U'\t' || text[i] == U'\r')) ++i;
        size_t end = i;
        while (end < text.size() && text[end] != U' ' && text[end] != U'\n' && text[end] != U'\t' && text[end] != U'\r') ++end;
        if (end == i) break;
        const size_t need = (title.empty() ? 0 : 1) + (end - i);
        if (title.size() + need > kMax) {
            if (title.empty()) title = text.substr(i, kMax);  // one word longer than a title
            more = true;
            break;
        }
        if (!title.empty()) title += U' ';
        title += text.substr(i, end - i);
        i = end;
    }
    return escape_controls(utf8_encode(title)) + (more ? "\u2026" : "");
}

bool parse_page_size(const std::string& text, float& width_mm, float& height_mm) {
    struct Named { const char* name; float w, h; };
    static const Named sizes[] = {{"a3", 297, 420}, {"a4", 210, 297}, {"a5", 148, 210}, {"letter", 215.9f, 279.4f},
                                  {"legal", 215.9f, 355.6f}};
    for (const Named& n : sizes)
        if (text == n.name) { width_mm = n.w; height_mm = n.h; return true; }
    const size_t x = text.find('x');
    if (x == std::string::npos) return false;
    char* end = nullptr;
    const std::string a = text.substr(0, x), b = text.substr(x + 1);
    const double w = std::strtod(a.c_str(), &end);
    if (a.empty() || *end) return false;
    const double h = std::strtod(b.c_str(), &end);
    using L = PaperLimits;
    if (b.empty() || *end || !(w >= L::kMinSizeMm && w <= L::kMaxSizeMm) || !(h >= L::kMinSizeMm && h <= L::kMaxSizeMm)) return false;
    width_mm = static_cast<float>(w);
    height_mm = static_cast<float>(h);
    return true;
}

namespace {

float seg_len(const InkStroke& s, size_t i) {  // length of segment i -> i + 1
    return std::hypot(s.x[i + 1] - s.x[i], s.y[i + 1] - s.y[i]);
}

// A dot: a zero-length segment, which round caps show.
void dot_curve(float x, float y, std::vector<float>& curve) { curve.insert(curve.end(), {x, y, x, y, x + 0.01f, y}); }

// Catmull-Rom segment i -> i + 1 as a cubic Bézier appended to `curve`. It reads points up to
// i + 2 (or the stroke's last): the same curve once those are known, whatever follows.
void bezier(const InkStroke& s, size_t i, std::vector<float>& curve) {
    const size_t n = s.size();
    const size_t a = i == 0 ? 0 : i - 1, d = std::min(n - 1, i + 2);
    curve.insert(curve.end(), {s.x[i] + (s.x[i + 1] - s.x[a]) / 6, s.y[i] + (s.y[i + 1] - s.y[a]) / 6,
                               s.x[i + 1] - (s.x[d] - s.x[i]) / 6, s.y[i + 1] - (s.y[d] - s.y[i]) / 6, s.x[i + 1], s.y[i + 1]});
}

// Width per segment for the pressure look: points are sampled at a fixed rate, so a segment's
// length is the pen's speed; slower is thicker. Smoothed over two neighbours each side, in 8 levels.
std::vector<int> width_levels(const InkStroke& s) {
    const size_t m = s.size() - 1;
    std::vector<float> len(m), sorted;
    for (size_t i = 0; i < m; ++i) len[i] = seg_len(s, i);
    sorted = len;
    std::sort(sorted.begin(), sorted.end());
    const float med = std::max(1e-6f, sorted[m / 2]);
    std::vector<int> level(m);
    for (size_t i = 0; i < m; ++i) {
        float sum = 0;
        int k = 0;
        for (size_t j = i >= 2 ? i - 2 : 0; j <= std::min(m - 1, i + 2); ++j, ++k) sum += len[j] / med;
        const float f = std::min(1.4f, std::max(0.45f, 1.45f - 0.5f * sum / static_cast<float>(k)));
        level[i] = static_cast<int>(std::lround((f - 0.45f) / 0.95f * 7));
    }
    return level;
}

}  // namespace

std::vector<PenRun> pen_runs(const InkStroke& s, bool pressure) {
    std::vector<PenRun> runs;
    if (s.size() == 0) return runs;
    if (s.size() == 1) {
        runs.push_back({1.0f, s.x[0], s.y[0], {}});
        dot_curve(s.x[0], s.y[0], runs.back().curve);
        return runs;
    }
    const std::vector<int> level = pressure ? width_levels(s) : std::vector<int>(s.size() - 1, -1);
    for (size_t i = 0; i + 1 < s.size(); ++i) {
        if (runs.empty() || level[i] != level[i - 1]) {
            PenRun r;
            r.width_factor = level[i] < 0 ? 1.0f : 0.45f + 0.95f * static_cast<float>(level[i]) / 7;
            r.x0 = s.x[i];
            r.y0 = s.y[i];
            runs.push_back(std::move(r));
        }
        bezier(s, i, runs.back().curve);
    }
    return runs;
}

static std::string svg_head(const Sheet& sheet) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.2fmm\" "
                  "height=\"%.2fmm\" viewBox=\"0 0 %.2f %.2f\">\n",
                  sheet.width_mm, sheet.height_mm, sheet.width_mm, sheet.height_mm);
    return std::string(buf) + "<title>" + xml_escape(sheet.title) + "</title>\n";
}

std::string sheet_svg(const Sheet& sheet, const PenStyle& pen, int page) {
    std::string o = svg_head(sheet) + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o += "<g fill=\"none\" stroke=\"" + xml_escape(pen.colour) + "\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n";
    char buf[160];
    for (size_t i = 0; i < sheet.strokes.size(); ++i) {
        if (i < sheet.stroke_page.size() && sheet.stroke_page[i] != page) continue;
        for (const PenRun& r : pen_runs(sheet.strokes[i], pen.pressure)) {
            std::snprintf(buf, sizeof buf, "<path stroke-width=\"%.3f\" d=\"M%.2f %.2f", pen.width_mm * r.width_factor, r.x0, r.y0);
            o += buf;
            for (size_t k = 0; k + 5 < r.curve.size(); k += 6) {
                std::snprintf(buf, sizeof buf, " C%.2f %.2f %.2f %.2f %.2f %.2f", r.curve[k], r.curve[k + 1], r.curve[k + 2],
                              r.curve[k + 3], r.curve[k + 4], r.curve[k + 5]);
                o += buf;
            }
            o += "\"/>\n";
        }
    }
    return o + "</g>\n</svg>\n";
}

std::string plotter_svg(const Sheet& sheet, int page) {
    std::string o = svg_head(sheet);
    o += "<g fill=\"none\" stroke=\"black\" stroke-width=\"0.1\" vector-effect=\"non-scaling-stroke\">\n";
    char buf[64];
    for (size_t i = 0; i < sheet.strokes.size(); ++i) {
        if (i < sheet.stroke_page.size() && sheet.stroke_page[i] != page) continue;
        const InkStroke& s = sheet.strokes[i];
        o += "<path d=\"";
        for (size_t j = 0; j < s.size(); ++j) {
            std::snprintf(buf, sizeof buf, "%s%.2f %.2f", j == 0 ? "M" : " L", s.x[j], s.y[j]);
            o += buf;
        }
        if (s.size() == 1) o += " l0.01 0";
        o += "\"/>\n";
    }
    return o + "</g>\n</svg>\n";
}

bool gcode_pen_preset(const std::string& name, float z_up, float z_down, GcodeOptions& out) {
    char buf[64];
    if (name == "servo") {
        out.pen_up = "M5";
        out.pen_down = "M3 S90";
        out.z_mode = false;
        return true;
    }
    if (name != "z") return false;
    std::snprintf(buf, sizeof buf, "G0 Z%.2f", z_up);
    out.pen_up = buf;
    std::snprintf(buf, sizeof buf, "G1 Z%.2f F1000", z_down);
    out.pen_down = buf;
    out.z_mode = true;
    return true;
}

Status sheet_gcode(const Sheet& sheet, const GcodeOptions& opt, std::string& out) {
    if (sheet.pages > 1)
        return Status::error("G-code is one page; the text needs " + std::to_string(sheet.pages) +
                             " (a larger paper, a smaller x-height, or a shorter text)");
    const float W = sheet.width_mm, H = sheet.height_mm;
    for (const InkStroke& s : sheet.strokes)
        for (size_t j = 0; j < s.size(); ++j)
            if (!(s.x[j] >= 0 && s.x[j] <= W && s.y[j] >= 0 && s.y[j] <= H))
                return Status::error("the writing does not fit on the page (a larger paper or a smaller margin)");
    char buf[128];
    std::string o = "; " + std::string("handwriting: ") + std::to_string(sheet.strokes.size()) + " strokes\n";
    std::snprintf(buf, sizeof buf, "; page %.1f x %.1f mm, origin bottom left\nG21\nG90\n", W, H);
    o += buf;
    o += opt.pen_up + "\n";
    bool first_travel = true;
    for (const InkStroke& s : sheet.strokes) {
        if (s.size() == 0) continue;
        if (first_travel) std::snprintf(buf, sizeof buf, "G0 X%.3f Y%.3f F%.0f\n", s.x[0], H - s.y[0], opt.travel_feed);
        else std::snprintf(buf, sizeof buf, "G0 X%.3f Y%.3f\n", s.x[0], H - s.y[0]);
        first_travel = false;
        o += buf;
        o += opt.pen_down + "\n";
        for (size_t j = 1; j < s.size(); ++j) {
            std::snprintf(buf, sizeof buf, j == 1 ? "G1 X%.3f Y%.3f F%.0f\n" : "G1 X%.3f Y%.3f\n", s.x[j], H - s.y[j], opt.feed);
            o += buf;
        }
        o += opt.pen_up + "\n";
    }
    o += "G0 X0 Y0\n";
    out = std::move(o);
    return Status::success();
}

Status sheet_export(const std::string& format, const Sheet& sheet, const PenStyle& pen, const GcodeOptions& gcode,
                    std::string& out) {
    if (format == "svg") out = sheet_svg(sheet, pen);
    else if (format == "plot-svg") out = plotter_svg(sheet);
    else if (format == "gcode") return sheet_gcode(sheet, gcode, out);
    else return Status::error("unknown page export \"" + format + "\" (svg, plot-svg, gcode)");
    return Status::success();
}

void CurveStream::add(float x, float y, bool up, std::vector<float>& out) {
    stroke_.x.push_back(x);
    stroke_.y.push_back(y);
    // A point's curve (the segment into it) reads the point after it: it is final once that is
    // known, or at once when the stroke ends here.
    emit(up ? stroke_.size() : stroke_.size() - 1, out);
    if (up) finish_stroke();
}

void CurveStream::finish(std::vector<float>& out) {
    emit(stroke_.size(), out);
    finish_stroke();
}

void CurveStream::finish_stroke() {
    stroke_ = InkStroke{};
    done_ = 0;
}

// The curves of the stroke's points [done_, until).
void CurveStream::emit(size_t until, std::vector<float>& out) {
    const float none = std::nanf("");
    for (size_t i = done_; i < until; ++i) {
        if (i > 0) bezier(stroke_, i - 1, out);
        else if (until == 1 && stroke_.size() == 1) dot_curve(stroke_.x[0], stroke_.y[0], out);  // a stroke of one point
        else out.insert(out.end(), {none, none, none, none, stroke_.x[0], stroke_.y[0]});     // a stroke starts
    }
    done_ = std::max(done_, until);
}

}  // namespace hw
