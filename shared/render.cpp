#include "render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sheet.h"


namespace hw {

struct Frame {
    float min_x = 0, min_y = 0, k = 1, width = 1, height = 1;
};

static Frame fit(const std::vector<InkStroke>& lines, const RenderStyle& st) {
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (const auto& l : lines)
        for (size_t i = 0; i < l.x.size(); ++i) {
            x0 = std::min(x0, l.x[i]); x1 = std::max(x1, l.x[i]);
            y0 = std::min(y0, l.y[i]); y1 = std::max(y1, l.y[i]);
        }
    Frame f;
    if (x0 > x1) { x0 = y0 = 0; x1 = y1 = 1; }
    const float inner = std::max(1.0f, st.height - 2 * st.margin);
    f.k = st.pixels_per_unit > 0 ? st.pixels_per_unit : inner / std::max(1e-6f, y1 - y0);
    // Keep pictures of runaway samples to a sane size.
    f.k = std::min(f.k, 4000.0f / std::max(1e-6f, x1 - x0));
    f.min_x = x0;
    f.min_y = y0;
    f.width = std::ceil((x1 - x0) * f.k + 2 * st.margin);
    f.height = std::ceil((y1 - y0) * f.k + 2 * st.margin);
    return f;
}

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string render_svg(const std::vector<InkStroke>& lines, const RenderStyle& st, const std::string& title) {
    const Frame f = fit(lines, st);
    char buf[128];
    std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    std::snprintf(buf, sizeof buf, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
                  f.width, f.height, f.width, f.height);
    o += buf;
    o += "<title>" + xml_escape(title) + "</title>\n";
    o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(buf, sizeof buf, "<g fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
                  xml_escape(st.colour).c_str(), st.stroke_width);
    o += buf;
    for (const auto& l : lines) {
        InkStroke px;  // in the picture's pixels
        for (size_t i = 0; i < l.x.size(); ++i) {
            px.x.push_back((l.x[i] - f.min_x) * f.k + st.margin);
            px.y.push_back((l.y[i] - f.min_y) * f.k + st.margin);
        }
        for (const PenRun& r : pen_runs(px, st.pressure)) {
            std::snprintf(buf, sizeof buf, "<path d=\"M%.2f %.2f", r.x0, r.y0);
            o += buf;
            for (size_t k = 0; k + 5 < r.curve.size(); k += 6) {
                std::snprintf(buf, sizeof buf, " C%.2f %.2f %.2f %.2f %.2f %.2f", r.curve[k], r.curve[k + 1], r.curve[k + 2],
                              r.curve[k + 3], r.curve[k + 4], r.curve[k + 5]);
                o += buf;
            }
            if (st.pressure) {
                std::snprintf(buf, sizeof buf, "\" stroke-width=\"%.2f", st.stroke_width * r.width_factor);
                o += buf;
            }
            o += "\"/>\n";
        }
    }
    o += "</g>\n</svg>\n";
    return o;
}

std::string render_rows_svg(const std::vector<std::pair<std::string, std::vector<InkStroke>>>& rows, float row_height) {
    RenderStyle st;
    st.height = row_height;
    std::string body;
    float y = 0, width = 200;
    char buf[160];
    for (const auto& row : rows) {
        const Frame f = fit(row.second, st);
        width = std::max(width, f.width);
        std::snprintf(buf, sizeof buf, "<text x=\"8\" y=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#888\">", y + 14);
        body += buf + xml_escape(row.first) + "</text>\n";
        std::snprintf(buf, sizeof buf, "<g transform=\"translate(0 %.0f)\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" stroke-linecap=\"round\">\n", y + 16, kInkColour);
        body += buf;
        for (const auto& l : row.second) {
            body += "<path d=\"";
            for (size_t i = 0; i < l.x.size(); ++i) {
                std::snprintf(buf, sizeof buf, "%s%.1f %.1f", i == 0 ? "M" : " L", (l.x[i] - f.min_x) * f.k + st.margin,
                              (l.y[i] - f.min_y) * f.k + st.margin);
                body += buf;
            }
            body += "\"/>\n";
        }
        body += "</g>\n";
        y += f.height + 20;
    }
    std::snprintf(buf, sizeof buf, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">\n", width, y);
    return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + buf + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
}

void ink_frame(const std::vector<InkStroke>& lines, const RenderStyle& style, float& width, float& height, float& k,
               float& min_x, float& min_y) {
    const Frame f = fit(lines, style);
    width = f.width;
    height = f.height;
    k = f.k;
    min_x = f.min_x;
    min_y = f.min_y;
}

}  // namespace hw
