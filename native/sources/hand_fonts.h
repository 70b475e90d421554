// The handwriting outline fonts Debian ships whose licences allow training on them, and their
// single-stroke conversions as SVG fonts (the format parse_svg_font reads: glyphs with unicode,
// horiz-adv-x and an M/L path, y up, 1000 units per em, the x-height in font-face), so that the
// machine that trains, which has no FreeType, reads them like Inkscape's SVG fonts.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "outline_font.h"
#include "stroke_font.h"

namespace hw {

struct HandFontSpec {
    const char* name;      // the cache's file name without ".svg", e.g. "hand-dkg"
    const char* file;      // under the fonts folder (/usr/share/fonts)
    const char* package;   // the Debian package that installs it
    const char* original;  // the font's own name and its author
    const char* licence;   // as Debian's copyright file states it
    const char* hand;      // whose handwriting it was drawn from, or how it was designed
    bool real_hand;        // drawn from a real person's handwriting (not a designed informal font)
    bool caps_only;        // its lower case are small capitals
    const char* refuse;    // characters left out though they convert (the font draws them unlike a pen)
    const char* refuse_why;
};

const std::vector<HandFontSpec>& hand_font_specs();

// Moves the characters the spec refuses from the converted glyphs to the dropped ones.
void refuse_glyphs(const HandFontSpec& spec, FontConversion& c);

// The SVG font text of a converted font (`font` in output units, y down as StrokeFont holds it).
std::string svg_font_text(const StrokeFont& font, const HandFontSpec& spec, const std::string& source_path);

// A sheet with each font writing `lines` at an x-height of `size` px, every stroke coloured by its
// place in its glyph's writing order (blue, orange, green, red, purple) with a dot where the pen
// comes down.
std::string hand_fonts_preview_svg(const std::vector<std::pair<const HandFontSpec*, const StrokeFont*>>& fonts,
                                   const std::vector<std::string>& lines, float size = 15);

}  // namespace hw
