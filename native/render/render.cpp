#include "render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "crc32.h"

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
        o += "<path d=\"";
        for (size_t i = 0; i < l.x.size(); ++i) {
            std::snprintf(buf, sizeof buf, "%s%.2f %.2f", i == 0 ? "M" : " L", (l.x[i] - f.min_x) * f.k + st.margin,
                          (l.y[i] - f.min_y) * f.k + st.margin);
            o += buf;
        }
        if (l.x.size() == 1) o += " l0.01 0";  // a dot still shows with round caps
        o += "\"/>\n";
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
        std::snprintf(buf, sizeof buf, "<g transform=\"translate(0 %.0f)\" fill=\"none\" stroke=\"#1a1a2e\" stroke-width=\"1.6\" stroke-linecap=\"round\">\n", y + 16);
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

// ---- PNG ----

static void put_u32be(std::vector<uint8_t>& o, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) o.push_back(static_cast<uint8_t>(v >> s));
}

static void chunk(std::vector<uint8_t>& png, const char* type, const std::vector<uint8_t>& data) {
    put_u32be(png, static_cast<uint32_t>(data.size()));
    const size_t start = png.size();
    png.insert(png.end(), type, type + 4);
    png.insert(png.end(), data.begin(), data.end());
    put_u32be(png, crc32(&png[start], png.size() - start));
}

// zlib stream of stored (uncompressed) deflate blocks: valid PNG without a compression library.
static std::vector<uint8_t> zlib_stored(const std::vector<uint8_t>& raw) {
    std::vector<uint8_t> z = {0x78, 0x01};
    size_t pos = 0;
    do {
        const size_t n = std::min<size_t>(65535, raw.size() - pos);
        z.push_back(pos + n == raw.size() ? 1 : 0);
        z.push_back(static_cast<uint8_t>(n)); z.push_back(static_cast<uint8_t>(n >> 8));
        z.push_back(static_cast<uint8_t>(~n)); z.push_back(static_cast<uint8_t>(~n >> 8));
        z.insert(z.end(), raw.begin() + pos, raw.begin() + pos + n);
        pos += n;
    } while (pos < raw.size());
    uint32_t a = 1, b = 0;
    for (uint8_t c : raw) { a = (a + c) % 65521; b = (b + a) % 65521; }
    put_u32be(z, (b << 16) | a);
    return z;
}

// Coverage of a round-capped segment of half-width r at each pixel, one pixel of soft edge.
static void draw_segment(std::vector<float>& ink, int w, int h, float x0, float y0, float x1, float y1, float r) {
    const int ax = std::max(0, static_cast<int>(std::floor(std::min(x0, x1) - r - 1)));
    const int bx = std::min(w - 1, static_cast<int>(std::ceil(std::max(x0, x1) + r + 1)));
    const int ay = std::max(0, static_cast<int>(std::floor(std::min(y0, y1) - r - 1)));
    const int by = std::min(h - 1, static_cast<int>(std::ceil(std::max(y0, y1) + r + 1)));
    const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = ay; y <= by; ++y)
        for (int x = ax; x <= bx; ++x) {
            const float px = x + 0.5f - x0, py = y + 0.5f - y0;
            float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
            t = std::max(0.0f, std::min(1.0f, t));
            const float ex = px - t * dx, ey = py - t * dy;
            const float cov = std::max(0.0f, std::min(1.0f, r + 0.5f - std::sqrt(ex * ex + ey * ey)));
            float& v = ink[static_cast<size_t>(y) * w + x];
            v = std::max(v, cov);
        }
}

std::vector<uint8_t> render_png(const std::vector<InkStroke>& lines, const RenderStyle& st) {
    const Frame f = fit(lines, st);
    const int w = static_cast<int>(f.width), h = static_cast<int>(f.height);
    std::vector<float> ink(static_cast<size_t>(w) * h, 0.0f);
    const float r = st.stroke_width / 2;
    for (const auto& l : lines)
        for (size_t i = 0; i < l.x.size(); ++i) {
            const size_t j = i + 1 < l.x.size() ? i + 1 : i;
            draw_segment(ink, w, h, (l.x[i] - f.min_x) * f.k + st.margin, (l.y[i] - f.min_y) * f.k + st.margin,
                         (l.x[j] - f.min_x) * f.k + st.margin, (l.y[j] - f.min_y) * f.k + st.margin, r);
        }
    std::vector<uint8_t> raw;
    raw.reserve(static_cast<size_t>(w + 1) * h);
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);  // filter: none
        for (int x = 0; x < w; ++x) raw.push_back(static_cast<uint8_t>(255.0f * (1.0f - ink[static_cast<size_t>(y) * w + x]) + 0.5f));
    }
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<uint8_t> ihdr;
    put_u32be(ihdr, static_cast<uint32_t>(w));
    put_u32be(ihdr, static_cast<uint32_t>(h));
    ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // 8-bit greyscale
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", zlib_stored(raw));
    chunk(png, "IEND", {});
    return png;
}

}  // namespace hw
