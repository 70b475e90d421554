#include "hand_fonts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "render.h"
#include "text.h"

namespace hw {

std::string hand_font_path(const HandFontSpec& spec, const std::string& fonts_dir, const std::string& npm_dir) {
    return (spec.source == "fontsource" ? npm_dir : fonts_dir) + "/" + spec.file;
}

namespace {

void refuse_glyph(FontConversion& c, char32_t ch, const std::string& why) {
    if (!c.font.glyphs.erase(ch)) return;
    c.strokes.erase(ch);
    c.kinds.erase(ch);
    c.dropped[ch] = why;
}

}  // namespace

void refuse_glyphs(const HandFontSpec& spec, FontConversion& c) {
    std::u32string refused;
    if (utf8_decode(spec.refuse, refused).ok)
        for (char32_t ch : refused) refuse_glyph(c, ch, spec.refuse_why);
    // The label is what the ink says: a capitals-only hand's lower case (as the gate finds it:
    // FontConversion::capitals_only) are small capitals, so it keeps no lower-case glyph and writes
    // upper-cased text (StrokeFont::capitals_only).
    if (c.capitals_only())
        for (const auto& [ch, g] : std::map<char32_t, Glyph>(c.font.glyphs))
            if (upper_case(ch) != ch) refuse_glyph(c, ch, "a small capital, not a lower-case letter (the hand writes capitals only)");
}

namespace {

std::string number(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(v));
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}

// "M x y L x y ..." with y up, as SVG fonts have it.
std::string path_of(const Glyph& g) {
    std::string d;
    for (const InkStroke& s : g.strokes)
        for (size_t i = 0; i < s.x.size(); ++i)
            d += (d.empty() ? "" : " ") + std::string(i == 0 ? "M " : "L ") + number(s.x[i]) + " " + number(-s.y[i]);
    return d;
}

}  // namespace

std::string svg_font_text(const StrokeFont& font, const HandFontSpec& spec, const std::string& source_path) {
    float top = 0, bottom = 0, advance = 0;
    for (const auto& [c, g] : font.glyphs) {
        advance += g.right / static_cast<float>(font.glyphs.size());
        for (const auto& s : g.strokes)
            for (float y : s.y) top = std::max(top, -y), bottom = std::min(bottom, -y);
    }
    std::string t = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\">\n";
    t += "<metadata>\nFont name:      " + xml_escape(spec.name) + " (single-stroke centre lines)\nConverted from: " +
         xml_escape(source_path) + " (package " + xml_escape(spec.package) + ")\nOriginal font:  " + xml_escape(spec.original) +
         "\nLicence:        " + xml_escape(spec.licence) + "\nHand:           " + xml_escape(spec.hand) +
         "\nConversion:     hw-train strokefonts (outline rendered, thinned to its skeleton, traced into pen strokes)\n</metadata>\n";
    t += "<defs>\n<font id=\"" + xml_escape(spec.name) + "\" horiz-adv-x=\"" + number(advance) + "\">\n";
    t += "<font-face font-family=\"" + xml_escape(spec.name) + "\" units-per-em=\"1000\" ascent=\"" + number(top) +
         "\" descent=\"" + number(bottom) + "\" x-height=\"" + number(font.x_height) + "\" />\n";
    t += "<missing-glyph horiz-adv-x=\"" + number(advance) + "\" />\n";
    for (const auto& [c, g] : font.glyphs) {
        t += "<glyph unicode=\"" + xml_escape(utf8_encode(c)) + "\" horiz-adv-x=\"" + number(g.right - g.left) + "\"";
        const std::string d = path_of(g);
        t += d.empty() ? " />\n" : " d=\"" + d + "\" />\n";
    }
    return t + "</font>\n</defs>\n</svg>\n";
}

namespace {

const char* const kStrokeColours[] = {"#1f3a93", "#e67e22", "#27ae60", "#c0392b", "#8e44ad"};

// One line of text in one font: glyphs side by side on a baseline at (x, y), x-height `size` px.
std::string preview_line(const StrokeFont& f, const std::string& text, float x, float y, float size) {
    const float k = size / f.x_height;
    std::u32string u;
    if (!utf8_decode(text, u).ok) return "";
    std::string out;
    for (char32_t c : u) {
        auto it = f.glyphs.find(c);
        if (it == f.glyphs.end()) {  // a dropped glyph: a red box where it would be
            out += "<rect x=\"" + number(x) + "\" y=\"" + number(y - size) + "\" width=\"" + number(0.6f * size) +
                   "\" height=\"" + number(size) + "\" fill=\"none\" stroke=\"#d00\" stroke-width=\"0.8\"/>";
            x += 0.8f * size;
            continue;
        }
        const Glyph& g = it->second;
        for (size_t s = 0; s < g.strokes.size(); ++s) {
            const InkStroke& st = g.strokes[s];
            const std::string colour = kStrokeColours[std::min<size_t>(s, 4)];
            std::string pts;
            for (size_t i = 0; i < st.x.size(); ++i)
                pts += number(x + (st.x[i] - g.left) * k) + "," + number(y + (st.y[i] - f.baseline) * k) + " ";
            out += "<polyline points=\"" + pts + "\" stroke=\"" + colour + "\"/>";
            out += "<circle cx=\"" + number(x + (st.x[0] - g.left) * k) + "\" cy=\"" + number(y + (st.y[0] - f.baseline) * k) +
                   "\" r=\"" + number(0.09f * size) + "\" fill=\"" + colour + "\"/>";
        }
        x += (g.right - g.left) * k;
    }
    return out;
}

// How far the font's strokes reach above and below the baseline, in x-heights (at least the
// x-height above and a little below), so rows of tall scripts do not overlap.
std::pair<float, float> reach_of(const StrokeFont& f) {
    float up = 1.0f, down = 0.3f;
    for (const auto& [c, g] : f.glyphs)
        for (const auto& s : g.strokes)
            for (float y : s.y) up = std::max(up, (f.baseline - y) / f.x_height), down = std::max(down, (y - f.baseline) / f.x_height);
    return {std::min(up, 3.5f), std::min(down, 2.5f)};
}

}  // namespace

std::string hand_fonts_preview_svg(const std::vector<std::pair<const HandFontSpec*, const StrokeFont*>>& fonts,
                                   const std::vector<std::string>& lines, float size) {
    const float label = 14, width = 1100;
    float height = 30;
    for (const auto& f : fonts) {
        const auto [up, down] = reach_of(*f.second);
        height += label + 10 + static_cast<float>(lines.size()) * (up + down + 0.3f) * size;
    }
    std::string t = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) + "\" height=\"" + number(height) +
                    "\" viewBox=\"0 0 " + number(width) + " " + number(height) + "\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    t += "<text x=\"10\" y=\"18\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#333\">Strokes in writing order: "
         "1st blue, 2nd orange, 3rd green, 4th red, later purple; a dot where the pen comes down; red box: glyph dropped</text>\n";
    float y = 30;
    for (const auto& [spec, font] : fonts) {
        const auto [up, down] = reach_of(*font);
        t += "<text x=\"10\" y=\"" + number(y + label - 3) + "\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#555\">" +
             xml_escape(spec->name + " - " + spec->original + " - " + spec->licence + " - " + spec->hand) + "</text>\n";
        y += label;
        t += "<g fill=\"none\" stroke-width=\"" + number(0.09f * size + 0.1f) + "\" stroke-linecap=\"round\" stroke-linejoin=\"round\">";
        for (const std::string& line : lines) {
            t += preview_line(*font, line, 14, y + up * size, size);
            y += (up + down + 0.3f) * size;
        }
        t += "</g>\n";
        y += 10;
    }
    return t + "</svg>\n";
}

}  // namespace hw
