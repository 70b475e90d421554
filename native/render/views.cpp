#include "views.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "render.h"
#include "text.h"

namespace hw {

namespace {

constexpr float kPanelWidth = 900, kInkHeight = 220, kCell = 12, kGap = 40, kLeft = 40;

// A colour per character index: hues around the wheel.
std::string hue(int ch, int count) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "hsl(%d,70%%,40%%)", count > 0 ? (ch * 360 / std::max(1, count) + ch * 137) % 360 : 0);
    return buf;
}

struct InkFrame {
    std::vector<float> x, y;  // pen position after each point, in ink units
    float x0 = 0, y0 = 0, k = 1;
};

InkFrame frame(const std::vector<Point>& pts, float sx, float sy) {
    InkFrame f;
    PenPosition pen;
    float x1 = -1e30f, y1 = -1e30f;
    f.x0 = f.y0 = 1e30f;
    for (const Point& p : pts) {
        pen.advance(p, sx, sy);
        f.x.push_back(pen.x);
        f.y.push_back(pen.y);
        f.x0 = std::min(f.x0, pen.x); x1 = std::max(x1, pen.x);
        f.y0 = std::min(f.y0, pen.y); y1 = std::max(y1, pen.y);
    }
    if (pts.empty()) f.x0 = f.y0 = x1 = y1 = 0;
    f.k = std::min((kPanelWidth - 2 * kLeft) / std::max(1e-3f, x1 - f.x0), (kInkHeight - 40) / std::max(1e-3f, y1 - f.y0));
    return f;
}

// Ellipses of the mixture's components with weight above 5% around the pen at each step.
std::string density(const InkFrame& f, const std::vector<Point>& pts, const std::vector<StepDiagnostics>& diag,
                    float sx, float sy, float top) {
    std::string o = "<g fill=\"#2a6fdb\" stroke=\"none\">\n";
    char buf[200];
    for (size_t i = 0; i + 1 < pts.size() && i < diag.size(); ++i) {
        const Mixture& m = diag[i].mixture;
        for (size_t c = 0; c < m.pi.size(); ++c) {
            if (m.pi[c] < 0.05f) continue;
            const double s1 = m.sigma1[c] * sx * f.k, s2 = m.sigma2[c] * sy * f.k, r = m.rho[c];
            const double a = s1 * s1, b = r * s1 * s2, d = s2 * s2;  // covariance in pixels
            const double tr = (a + d) / 2, det = std::sqrt(std::max(0.0, (a - d) * (a - d) / 4 + b * b));
            const double angle = 0.5 * std::atan2(2 * b, a - d) * 180 / M_PI;
            const double cx = kLeft + (f.x[i] + m.mu1[c] * sx - f.x0) * f.k, cy = top + 20 + (f.y[i] + m.mu2[c] * sy - f.y0) * f.k;
            std::snprintf(buf, sizeof buf, "<ellipse cx=\"%.1f\" cy=\"%.1f\" rx=\"%.2f\" ry=\"%.2f\" transform=\"rotate(%.1f %.1f %.1f)\" opacity=\"%.3f\"/>\n",
                          cx, cy, std::sqrt(tr + det) + 0.3, std::sqrt(std::max(0.0, tr - det)) + 0.3, angle, cx, cy, 0.35 * m.pi[c]);
            o += buf;
        }
    }
    return o + "</g>\n";
}

// The strokes, each segment coloured by the character attended and as heavy as the probability
// that the stroke ends there.
std::string coloured_ink(const InkFrame& f, const std::vector<Point>& pts, const std::vector<StepDiagnostics>& diag,
                         const std::vector<int>& peaks, int U, float top) {
    std::string o = "<g fill=\"none\" stroke-linecap=\"round\">\n";
    char buf[200];
    bool pen_was_up = true;
    for (size_t i = 0; i < pts.size(); ++i) {
        const bool starts = pen_was_up;
        pen_was_up = pts[i].pen_up > 0.5f;
        if (starts || i == 0) continue;
        const float eos = i < diag.size() ? diag[i].mixture.eos : 0;
        const int ch = i < peaks.size() ? peaks[i] : 0;
        std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.2f\"/>\n",
                      kLeft + (f.x[i - 1] - f.x0) * f.k, top + 20 + (f.y[i - 1] - f.y0) * f.k, kLeft + (f.x[i] - f.x0) * f.k,
                      top + 20 + (f.y[i] - f.y0) * f.k, hue(ch, U).c_str(), 1.2 + 6.0 * eos);
        o += buf;
    }
    return o + "</g>\n";
}

// A heatmap: one row per label, one column per step (at most kPanelWidth wide), shade = value.
std::string heatmap(const std::vector<std::string>& labels, const std::vector<std::vector<float>>& cols, float top,
                    const std::string& colour) {
    const float cw = cols.empty() ? 1 : std::min(4.0f, (kPanelWidth - kLeft) / static_cast<float>(cols.size()));
    std::string o;
    char buf[200];
    for (size_t r = 0; r < labels.size(); ++r) {
        std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">", kLeft - 6, top + r * kCell + 9);
        o += buf + xml_escape(labels[r]) + "</text>\n";
    }
    o += "<g fill=\"" + colour + "\">\n";
    for (size_t t = 0; t < cols.size(); ++t)
        for (size_t r = 0; r < cols[t].size() && r < labels.size(); ++r) {
            if (cols[t][r] < 0.02f) continue;
            std::snprintf(buf, sizeof buf, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" opacity=\"%.2f\"/>\n", kLeft + t * cw,
                          top + r * kCell, cw, kCell, std::min(1.0f, cols[t][r]));
            o += buf;
        }
    return o + "</g>\n";
}

std::string caption(float y, const std::string& text) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">", kLeft, y);
    return buf + xml_escape(text) + "</text>\n";
}

}  // namespace

std::string views_svg(const std::u32string& text, const std::vector<Point>& points, const std::vector<StepDiagnostics>& diag,
                      const std::vector<int>& peaks, float scale_x, float scale_y) {
    const int U = static_cast<int>(text.size());
    const InkFrame f = frame(points, scale_x, scale_y);
    float y = 20;
    std::string body = caption(y, "Strokes coloured by the attended character; weight = stroke-end probability; "
                                  "blue: next-point density");
    body += density(f, points, diag, scale_x, scale_y, y) + coloured_ink(f, points, diag, peaks, U, y);
    y += kInkHeight + kGap;
    std::vector<std::string> chars;
    for (char32_t c : text) chars.push_back(c == U' ' ? "\u2423" : utf8_encode(c));
    std::vector<std::vector<float>> phi, pi;
    for (const StepDiagnostics& d : diag) {
        phi.push_back(d.phi);
        pi.push_back(d.mixture.pi);
    }
    body += caption(y - 8, "Window weights \u03c6 over time (rows: characters, columns: steps)");
    body += heatmap(chars, phi, y, "#b3261e");
    y += U * kCell + kGap;
    const size_t M = diag.empty() ? 0 : diag[0].mixture.pi.size();
    std::vector<std::string> comps;
    for (size_t c = 0; c < M; ++c) comps.push_back(std::to_string(c + 1));
    body += caption(y - 8, "Mixture weights \u03c0 over time (rows: components)");
    body += heatmap(comps, pi, y, "#1b5e20");
    y += static_cast<float>(M) * kCell + 20;
    char head[200];
    std::snprintf(head, sizeof head, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\">\n",
                  kPanelWidth + 20, y);
    return std::string(head) + "<title>" + xml_escape(utf8_encode(text)) + "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
}

}  // namespace hw
