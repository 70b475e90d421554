// The handwriting outline fonts of the hands manifest (hand_manifest.h) and their single-stroke
// conversions as SVG fonts (the format parse_svg_font reads: glyphs with unicode,
// horiz-adv-x and an M/L path, y up, 1000 units per em, the x-height in font-face), so that the
// machine that trains, which has no FreeType, reads them like Inkscape's SVG fonts.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "hand_manifest.h"
#include "outline_font.h"
#include "stroke_font.h"

namespace hw {

// Where a hand's font file is: under `fonts_dir` (/usr/share/fonts) for a Debian font, under
// `npm_dir` (tools/fonts/node_modules) for an npm one.
std::string hand_font_path(const HandFontSpec& spec, const std::string& fonts_dir, const std::string& npm_dir);

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
