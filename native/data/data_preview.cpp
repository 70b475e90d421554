#include "data_preview.h"

#include <algorithm>
#include <cstdio>

#include "render.h"

namespace hw {

namespace {

std::vector<const DataLine*> pick(const Dataset& d, size_t count, std::vector<bool>& valid) {
    std::vector<const DataLine*> out;
    const size_t nv = d.valid.empty() ? 0 : std::max<size_t>(1, count / 6);
    const size_t nt = std::min(d.train.size(), count - std::min(count, nv));
    for (size_t i = 0; i < nt; ++i) out.push_back(&d.train[i * d.train.size() / nt]), valid.push_back(false);
    for (size_t i = 0; i < std::min(nv, d.valid.size()); ++i)
        out.push_back(&d.valid[i * d.valid.size() / nv]), valid.push_back(true);
    return out;
}

// One line as a path, scaled by `k` pixels per data unit, its top-left at (ox, oy).
std::string line_path(const DataLine& l, float quantum, float k, float ox, float oy, float& width) {
    const auto strokes = line_strokes(l, quantum);
    float minx = 1e30f, miny = 1e30f, maxx = -1e30f;
    for (const auto& s : strokes)
        for (size_t i = 0; i < s.x.size(); ++i) minx = std::min(minx, s.x[i]), maxx = std::max(maxx, s.x[i]), miny = std::min(miny, s.y[i]);
    width = (maxx - minx) * k;
    std::string d;
    char buf[64];
    for (const auto& s : strokes)
        for (size_t i = 0; i < s.x.size(); ++i) {
            std::snprintf(buf, sizeof buf, "%c%.1f %.1f", i == 0 ? 'M' : 'L', ox + (s.x[i] - minx) * k, oy + (s.y[i] - miny) * k);
            d += buf;
        }
    return d;
}

}  // namespace

std::string preview_svg(const Dataset& d, size_t count) {
    std::vector<bool> valid;
    const auto lines = pick(d, count, valid);
    const float k = 24.0f / std::max(1e-3f, d.norm.line_height);  // a line height is 24 pixels
    const float row = 130, col = 760, margin = 20;
    const size_t rows = (lines.size() + 1) / 2;
    std::string body;
    char buf[1024];
    for (size_t i = 0; i < lines.size(); ++i) {
        const float ox = margin + static_cast<float>(i / std::max<size_t>(rows, 1)) * col;
        const float oy = margin + static_cast<float>(i % std::max<size_t>(rows, 1)) * row;
        float w = 0;
        const std::string path = line_path(*lines[i], d.quantum, k, ox, oy, w);
        const float shrink = w > col - 20 ? (col - 20) / w : 1.0f;  // very long lines are shrunk to fit
        std::snprintf(buf, sizeof buf, "<g transform=\"translate(%.1f %.1f) scale(%.3f) translate(%.1f %.1f)\">", ox, oy, shrink, -ox, -oy);
        body += std::string(buf) + "<path d=\"" + path + "\"/></g>\n";
        const auto& l = *lines[i];
        const std::string src = l.source < d.sources.size() ? d.sources[l.source] : "?";
        std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\">", ox, oy + row - 28);
        body += std::string(buf) + xml_escape(l.text) + "</text>\n";
        std::snprintf(buf, sizeof buf, "<text class=\"s\" x=\"%.1f\" y=\"%.1f\">", ox, oy + row - 14);
        body += std::string(buf) + (valid[i] ? "[valid] " : "") + xml_escape(src) + " (" + std::to_string(l.size()) + " points)</text>\n";
    }
    std::snprintf(buf, sizeof buf,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">\n"
                  "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                  "<style>path{fill:none;stroke:%s;stroke-width:1.6;stroke-linecap:round;stroke-linejoin:round}"
                  "text{font:13px sans-serif;fill:#a02020}.s{font-size:10px;fill:#666}</style>\n",
                  2 * col + 2 * margin, static_cast<float>(rows) * row + 2 * margin, kInkColour);
    return std::string(buf) + body + "</svg>\n";
}

}  // namespace hw
