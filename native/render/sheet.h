// Writing on paper: strokes in millimetres on a page, and the exports that need no library
// beyond the core: SVG (smoothed strokes, optionally with a pen-pressure look), hairline SVG for
// pen plotters, and G-code. PNG and PDF are in raster.h (cairo, a separate library).
#pragma once
#include <string>
#include <vector>

#include "ink.h"
#include "status.h"

namespace hw {

// Strokes in millimetres (origin at the page's top left, y down) on pages of one size.
struct Sheet {
    std::vector<InkStroke> strokes;
    std::vector<int> stroke_page;      // the page of each stroke (0-based)
    float width_mm = 210, height_mm = 297;
    int pages = 1;
    std::string title;
};

// A paper size by name (a3, a4, a5, letter, legal) or as WxH in millimetres ("148x210").
bool parse_page_size(const std::string& text, float& width_mm, float& height_mm);

// How strokes are drawn: the pen's width in mm and whether it swells where the pen slows.
struct PenStyle {
    float width_mm = 0.5f;
    bool pressure = false;  // variable width from speed: slow parts thicker, fast parts thinner
    std::string colour = "#1a1a2e";
};

// One piece of a stroke drawn at one width: a start point and cubic Bézier segments
// (c1x c1y c2x c2y x y each) through the stroke's points (Catmull-Rom, so the curve passes
// through every point of the ink).
struct PenRun {
    float width_factor = 1;  // times PenStyle::width_mm
    float x0 = 0, y0 = 0;
    std::vector<float> curve;  // 6 numbers per segment
};
// The stroke as smoothed runs: one run when !pressure, else runs of near-equal width (8 levels
// between 0.45 and 1.4 of the pen, from each segment's length relative to the stroke's median).
std::vector<PenRun> pen_runs(const InkStroke& s, bool pressure);

// SVG of one page of the sheet, sized in mm, with smoothed strokes (and the pressure look).
std::string sheet_svg(const Sheet& sheet, const PenStyle& pen, int page = 0);
// Hairline SVG for plotters: one unfilled path per stroke (its points as straight segments, the
// centre line the pen follows), sized in mm, stroke width 0.1 mm that does not scale.
std::string plotter_svg(const Sheet& sheet, int page = 0);

// G-code for a pen plotter. Coordinates are absolute millimetres from the page's bottom-left
// corner (y up, as plotters count); each stroke is: pen up, G0 to its start, pen down, G1
// through its points at `feed`. The pen commands are configurable (servo or Z).
struct GcodeOptions {
    float feed = 3000;          // drawing speed, mm/min
    float travel_feed = 6000;   // pen-up moves, mm/min (given on the G0 lines' first use)
    std::string pen_up = "M5";        // servo defaults (GRBL-style pen plotters)
    std::string pen_down = "M3 S90";
    bool z_mode = false;        // pen_up/pen_down are Z moves (G0 Z.. / G1 Z..)
};
// Sets pen_up/pen_down for "servo" or "z" (with the heights); false for another name.
bool gcode_pen_preset(const std::string& name, float z_up, float z_down, GcodeOptions& out);
// Each pen command must be one G-code line: not empty, valid UTF-8, no control character (a line
// feed, CR, VT, FF, NEL, U+2028... would start another command the controller runs).
Status check_pen_commands(const GcodeOptions& opt);
// Refuses bad pen commands, a sheet of more than one page, or strokes outside the page.
Status sheet_gcode(const Sheet& sheet, const GcodeOptions& opt, std::string& out);

}  // namespace hw
