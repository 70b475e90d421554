// hw sample's outputs: the formats and the -o extensions that pick them, and the paper, the pen
// and the plotter of the page exports (SVG, plotter SVG, PNG, PDF, G-code), as CLI11 bindings
// with the layout and the writing of a sheet they lead to.
#pragma once
#include <optional>
#include <string>

#include "cli_app.h"
#include "layout.h"
#include "model.h"
#include "sheet.h"

namespace hw {

// -o and --format. resolve() picks the format: --format, or without it the extension of -o
// (.plot.svg: plot-svg; .gcode .nc .ngc: gcode; else the extension's own name), json when -o has
// none; an extension that names no format is an error.
struct OutputChoice {
    std::optional<std::string> format;
    std::string output;  // empty or "-": standard output (JSON only)
    Status resolve(std::string& fmt) const;
    bool to_stdout() const { return output.empty() || output == "-"; }
};
void bind_output(CLI::App& app, OutputChoice& o);

// The paper, the pen and the plotter. The options fill the fields; finish_paper() then checks the
// margins against the page and makes the G-code pen commands.
struct PaperOptions {
    float width_mm = 210, height_mm = 297, margin_mm = 15, x_height_mm = 2.5f, line_spacing = 1, dpi = 150;
    Align align = Align::Left;
    PenStyle pen;
    GcodeOptions gcode;
    std::string pen_preset = "servo";                // --pen, with its heights for z
    float z_up_mm = 5, z_down_mm = 0;
    std::optional<std::string> pen_up, pen_down;     // replace the preset's commands
};
void bind_paper(CLI::App& app, PaperOptions& p);
Status finish_paper(PaperOptions& p);

// Millimetres per writing unit: the model's x-height (line_height / 1.3) at --x-height.
float mm_per_unit(const Model& m, const PaperOptions& p);
// The layout of the paper's writing area in writing units; `paged`: broken into pages.
LayoutOptions layout_for(const Model& m, const PaperOptions& p, bool paged);
// One of the page exports of a sheet: svg, plot-svg, png, pdf, gcode.
Status write_sheet(const std::string& out, const std::string& fmt, const Sheet& sheet, const PaperOptions& p);

}  // namespace hw
