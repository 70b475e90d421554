// Writing on paper: the paper and its limits, a placed page in millimetres on it, and the exports
// that need no library beyond the core: SVG (smoothed strokes, optionally with a pen-pressure
// look), hairline SVG for pen plotters, and G-code. hw sample and the page (through the WASM
// binding) both write them here. PNG and PDF are in native/render/raster.h (cairo).
#pragma once
#include <string>
#include <vector>

#include "ink.h"
#include "layout.h"
#include "render.h"
#include "status.h"

namespace hw {

// ---- the paper ----

// The limits of the paper settings, for the CLI's options and the page's inputs alike.
struct PaperLimits {
    static constexpr float kMinSizeMm = 20, kMaxSizeMm = 5000;       // a WxH paper's sides
    static constexpr float kMinMarginMm = 0, kMaxMarginMm = 500;     // and room left on the paper (check_paper)
    static constexpr float kMinXHeightMm = 0.5f, kMaxXHeightMm = 100;
    static constexpr float kMinLineSpacing = 0.5f, kMaxLineSpacing = 5;  // times kLineSpacing line heights
    // PNG resolution: a browser's canvas holds an A4 page at 1200 dpi (140 megapixels), not at 2400.
    static constexpr float kMinDpi = 10, kMaxDpi = 1200;
    static constexpr float kMinPenMm = 0.01f, kMaxPenMm = 10;
    static constexpr float kMinFeed = 1, kMaxFeed = 100000;          // G-code, mm/min
    static constexpr float kMinZMm = -100, kMaxZMm = 100;            // G-code pen heights
};

// The paper of the page exports and how the writing sits on it.
struct Paper {
    float width_mm = 210, height_mm = 297;
    float margin_mm = 15;        // on every side
    float x_height_mm = 2.5f;    // of the writing
    float line_spacing = 1;      // times kLineSpacing line heights
    Align align = Align::Left;
};

// The paper's fields within PaperLimits, and margins that leave room for writing; the message
// names the setting (as the CLI's option, without its dashes).
Status check_paper(const Paper& p);
// Millimetres per writing unit: the model's x-height (line_height / kLineHeightPerXHeight) at the
// paper's x-height.
float mm_per_unit(float line_height, const Paper& p);
// The paper's writing area as layout options in writing units (its width, margins, alignment,
// spacing); `paged`: broken into pages of the paper's height, else one page as tall as the text.
LayoutOptions paper_layout(float line_height, const Paper& p, bool paged);

// Strokes in millimetres (origin at the page's top left, y down) on pages of one size.
struct Sheet {
    std::vector<InkStroke> strokes;
    std::vector<int> stroke_page;      // the page of each stroke (0-based)
    float width_mm = 210, height_mm = 297;
    int pages = 1;
    std::string title;
    float x_height_mm = 0;             // of the writing as placed (page_sheet: smaller when shrunk)
    bool shrunk = false;               // written smaller than asked to fit the paper
};

// A placed page on the paper: writing units to millimetres at the paper's x-height (k: mm per unit,
// mm_per_unit). Writing that does not fit one page of the paper (a text taller than the paper
// where the layout has no pages, or a line taller than a page) is written smaller, as much as
// it needs, from the top-left margin: sheet.shrunk says so. A stroke that still leaves the paper
// (a stray mark) is cut at its edges: a plotter never moves off the paper.
Sheet page_sheet(const PlacedPage& page, float k, const Paper& paper, const std::string& title);
// The note for a shrunk sheet ("" when it is not): what x-height the writing got.
std::string fit_note(const Sheet& sheet);
// A title for a page's exports: the text's first words (at most 60 characters), control
// characters shown as <U+XXXX>; never a file's path.
std::string page_title(const std::u32string& text);

// A paper size by name (a3, a4, a5, letter, legal) or as WxH in millimetres ("148x210").
bool parse_page_size(const std::string& text, float& width_mm, float& height_mm);

// How strokes are drawn: the pen's width in mm and whether it swells where the pen slows.
struct PenStyle {
    float width_mm = 0.5f;
    bool pressure = false;  // variable width from speed: slow parts thicker, fast parts thinner
    std::string colour = kInkColour;
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

// pen_runs' curves for points as they arrive, so that a drawing made while the pen moves (the
// page's canvas) has the curves and dots of the SVG: add() each point (pen lifted after it or
// not), finish() after the last. Each point's entry comes once it is final (after the next point
// of its stroke, or when its stroke ends), in order, 6 floats: the cubic Bézier into the point
// (c1x c1y c2x c2y x y); a stroke's first point has NaN for c1 and c2 (a move to x, y), unless the
// stroke is that point alone: then the dot's segment.
class CurveStream {
public:
    void add(float x, float y, bool pen_up, std::vector<float>& out);
    void finish(std::vector<float>& out);

private:
    void emit(size_t until, std::vector<float>& out);
    void finish_stroke();
    InkStroke stroke_;  // the stroke so far
    size_t done_ = 0;   // its points whose entries are out
};

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
// Refuses a sheet of more than one page, or strokes outside the page.
Status sheet_gcode(const Sheet& sheet, const GcodeOptions& opt, std::string& out);

// The page exports of a sheet by format name: "svg", "plot-svg" or "gcode" (the others, PNG and
// PDF, need cairo: native/render/raster.h).
Status sheet_export(const std::string& format, const Sheet& sheet, const PenStyle& pen, const GcodeOptions& gcode,
                    std::string& out);

}  // namespace hw
