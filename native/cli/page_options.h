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

// The paper, the pen and the plotter. The options fill the fields (within the core's PaperLimits);
// finish_paper() then checks the paper (check_paper) and makes the G-code pen commands.
struct PaperOptions {
    Paper paper;
    float dpi = 150;
    PenStyle pen;
    GcodeOptions gcode;
    std::string pen_preset = "servo";                // --pen, with its heights for z
    float z_up_mm = 5, z_down_mm = 0;
    std::optional<std::string> pen_up, pen_down;     // replace the preset's commands
};
void bind_paper(CLI::App& app, PaperOptions& p);
Status finish_paper(PaperOptions& p);

// Whether a page export format takes several pages (pdf); the others are one page of the paper.
bool paged_format(const std::string& fmt);
// One of the page exports of a sheet: svg, plot-svg, png, pdf, gcode.
Status write_sheet(const std::string& out, const std::string& fmt, const Sheet& sheet, const PaperOptions& p);

}  // namespace hw
