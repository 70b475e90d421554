#include "stroke_font.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdlib>

#include <pugixml.hpp>

#include "text.h"

namespace hw {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string cur;
    for (char c : text) {
        if (c == '\n') {
            lines.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) lines.push_back(cur);
    return lines;
}

// "  699  1JZ": a right-aligned number in columns 0-4 and a vertex count in columns 5-7.
bool record_start(const std::string& line, int& count) {
    if (line.size() < 8) return false;
    for (int i = 0; i < 8; ++i)
        if (line[i] != ' ' && (line[i] < '0' || line[i] > '9')) return false;
    if (line[4] < '0' || line[4] > '9' || line[7] < '0' || line[7] > '9') return false;
    count = std::atoi(line.substr(5, 3).c_str());
    return true;
}

// One record's coordinate pairs (bearing first); " R" lifts the pen.
bool decode_jhf(const std::string& data, int count, Glyph& g, std::string& why) {
    if (count < 1 || static_cast<int>(data.size()) < 2 * count) return why = "record shorter than its vertex count", false;
    g.left = static_cast<float>(data[0] - 'R');
    g.right = static_cast<float>(data[1] - 'R');
    g.strokes.emplace_back();
    for (int i = 1; i < count; ++i) {
        const char a = data[2 * i], b = data[2 * i + 1];
        if (a == ' ' && b == 'R') {
            g.strokes.emplace_back();
            continue;
        }
        if (a < ' ' || a > '~' || b < ' ' || b > '~') return why = "coordinate outside the printable range", false;
        g.strokes.back().x.push_back(static_cast<float>(a - 'R'));
        g.strokes.back().y.push_back(static_cast<float>(b - 'R'));
    }
    g.strokes.erase(std::remove_if(g.strokes.begin(), g.strokes.end(), [](const InkStroke& s) { return s.x.empty(); }),
                    g.strokes.end());
    if (!(g.right >= g.left)) return why = "right bearing left of the left one", false;
    return true;
}

}  // namespace

Status parse_jhf(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings) {
    const std::vector<std::string> lines = split_lines(text);
    char32_t code = 32;
    size_t i = 0;
    while (i < lines.size() && code < 127) {
        int count = 0;
        if (!record_start(lines[i], count)) {
            warnings.push_back(path + ":" + std::to_string(i + 1) + ": not a glyph record");
            ++i;
            continue;
        }
        const size_t first = i;
        std::string data = lines[i++].substr(8);
        // A record continues onto following lines until it holds its vertex count.
        while (static_cast<int>(data.size()) < 2 * count && i < lines.size()) data += lines[i++];
        Glyph g;
        std::string why;
        if (decode_jhf(data, count, g, why)) out.glyphs[code] = std::move(g);
        else warnings.push_back(path + ":" + std::to_string(first + 1) + ": " + why);
        ++code;
    }
    if (out.glyphs.empty()) return Status::error(path + ": no glyph records");
    return Status::success();
}

namespace {

// Tokens of an SVG path with only M/L (absolute or relative) and Z; anything else is refused.
bool parse_path(const char* d, std::vector<InkStroke>& strokes, std::string& why) {
    char cmd = 0;
    float cx = 0, cy = 0;
    const char* p = d;
    while (*p) {
        if (std::isspace(static_cast<unsigned char>(*p)) || *p == ',') {
            ++p;
            continue;
        }
        if (std::isalpha(static_cast<unsigned char>(*p))) {
            cmd = *p++;
            if (cmd == 'Z' || cmd == 'z') {
                if (!strokes.empty() && !strokes.back().x.empty()) {
                    strokes.back().x.push_back(strokes.back().x[0]);
                    strokes.back().y.push_back(strokes.back().y[0]);
                }
                cmd = 0;
            } else if (cmd != 'M' && cmd != 'm' && cmd != 'L' && cmd != 'l') {
                return why = std::string("unsupported path command '") + cmd + "'", false;
            }
            continue;
        }
        char* end = nullptr;
        const float x = std::strtof(p, &end);
        if (end == p) return why = "bad number in path", false;
        p = end;
        while (std::isspace(static_cast<unsigned char>(*p)) || *p == ',') ++p;
        const float y = std::strtof(p, &end);
        if (end == p || !cmd) return why = "bad coordinate pair in path", false;
        p = end;
        if (!std::isfinite(x) || !std::isfinite(y)) return why = "non-finite coordinate", false;
        const bool rel = cmd == 'm' || cmd == 'l';
        cx = rel ? cx + x : x;
        cy = rel ? cy + y : y;
        if (cmd == 'M' || cmd == 'm') {
            strokes.emplace_back();
            cmd = cmd == 'M' ? 'L' : 'l';  // further pairs after a moveto are linetos
        }
        if (strokes.empty()) return why = "path draws before a moveto", false;
        strokes.back().x.push_back(cx);
        strokes.back().y.push_back(-cy);  // y up -> y down
    }
    return true;
}

}  // namespace

Status parse_svg_font(const std::string& text, const std::string& path, StrokeFont& out, std::vector<std::string>& warnings) {
    pugi::xml_document doc;
    const pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size());
    if (!r) {
        const long line = 1 + std::count(text.begin(), text.begin() + std::min<size_t>(r.offset, text.size()), '\n');
        return Status::error(path + ":" + std::to_string(line) + ": " + r.description());
    }
    const pugi::xml_node font = doc.select_node("//font").node();
    if (!font) return Status::error(path + ": no <font> element");
    const float default_adv = font.attribute("horiz-adv-x").as_float(0);
    for (pugi::xml_node g : font.children("glyph")) {
        std::u32string u;
        // Printable ASCII and the Western European letters; ligatures and the rest are not needed.
        if (!utf8_decode(g.attribute("unicode").as_string(), u).ok || u.size() != 1) continue;
        if ((u[0] < 32 || u[0] > 126) && std::u32string(kWesternEuropean).find(u[0]) == std::u32string::npos) continue;
        Glyph glyph;
        glyph.right = g.attribute("horiz-adv-x").as_float(default_adv);
        std::string why;
        if (!parse_path(g.attribute("d").as_string(), glyph.strokes, why)) {
            warnings.push_back(path + ": glyph U+" + std::to_string(static_cast<uint32_t>(u[0])) + ": " + why);
            continue;
        }
        if (!(glyph.right > 0) || !std::isfinite(glyph.right)) glyph.right = default_adv;
        out.glyphs[u[0]] = std::move(glyph);
    }
    if (out.glyphs.empty()) return Status::error(path + ": no usable glyphs");
    return Status::success();
}

Status measure_font(StrokeFont& font) {
    // A capitals-only hand has no 'x': its x-height is taken as 0.7 of its 'X', a print hand's ratio,
    // so that its capitals come out as tall as other writers' capitals.
    const bool caps = font.capitals_only();
    auto it = font.glyphs.find(U'x');
    for (const char32_t* c = U"XHEIT"; caps && *c && (it == font.glyphs.end() || it->second.strokes.empty()); ++c)
        it = font.glyphs.find(*c);
    if (it == font.glyphs.end() || it->second.strokes.empty())
        return Status::error(font.name + (caps ? ": no glyph 'X' (nor H, E, I, T) to measure" : ": no glyph 'x' to measure"));
    float lo = 1e30f, hi = -1e30f;
    for (const auto& s : it->second.strokes)
        for (float y : s.y) lo = std::min(lo, y), hi = std::max(hi, y);
    if (!(hi - lo > 0)) return Status::error(font.name + ": glyph '" + utf8_encode(it->first) + "' has no height");
    font.baseline = hi;
    font.x_height = (hi - lo) * (caps ? kCapitalsXHeight : 1.0f);
    return Status::success();
}

}  // namespace hw
