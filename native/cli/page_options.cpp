#include "page_options.h"

#include <algorithm>
#include <vector>

#include "files.h"
#include "raster.h"

namespace hw {

namespace {

// Each output format with the -o extensions that pick it (besides its own name, for those whose
// name is an extension); a longer match wins, so x.plot.svg is plot-svg.
struct FormatInfo {
    const char* name;
    std::vector<std::string> extensions;
};

const std::vector<FormatInfo>& formats() {
    static const std::vector<FormatInfo> all = {{"json", {".json"}},  {"svg", {".svg"}},
                                                {"png", {".png"}},    {"pdf", {".pdf"}},
                                                {"gcode", {".gcode", ".nc", ".ngc"}},
                                                {"plot-svg", {".plot.svg"}}};
    return all;
}

bool ends_with(const std::string& text, const std::string& end) {
    return text.size() > end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The formats' names joined by `sep`, or (extensions) their -o extensions joined by spaces.
std::string format_list(const char* sep, bool extensions = false) {
    std::string out;
    for (const FormatInfo& f : formats()) {
        if (!extensions) out += (out.empty() ? "" : sep) + std::string(f.name);
        for (const std::string& e : extensions ? f.extensions : std::vector<std::string>{}) out += (out.empty() ? "" : " ") + e;
    }
    return out;
}

bool is_output_format(const std::string& name) {
    return std::any_of(formats().begin(), formats().end(), [&](const FormatInfo& f) { return name == f.name; });
}

// The format -o's extension names: the longest extension of the table that ends it, else the text
// after its last dot; json without one.
std::string format_of_output(const std::string& output) {
    size_t longest = 0;
    std::string name;
    for (const FormatInfo& f : formats())
        for (const std::string& e : f.extensions)
            if (e.size() > longest && ends_with(output, e)) longest = e.size(), name = f.name;
    if (!name.empty()) return name;
    const size_t dot = output.rfind('.');
    return dot == std::string::npos ? "json" : output.substr(dot + 1);
}

}  // namespace

Status OutputChoice::resolve(std::string& fmt) const {
    fmt = format ? *format : format_of_output(output);
    if (is_output_format(fmt)) return Status::success();
    return Status::error("unknown output format \"" + fmt + "\" (" + format_list(", ") + ")");
}

void bind_output(CLI::App& app, OutputChoice& o) {
    app.add_option("-o,--output", o.output,
                   "output file; without --format its extension picks the format (" + format_list(" ", true) +
                       "); without -o, JSON goes to standard output");
    app.add_option("--format", o.format, "the output format; plot-svg is a hairline SVG for plotters")
        ->type_name(format_list("|"))
        ->check([](const std::string& v) {
            return is_output_format(v) ? std::string() : "must be " + format_list("|") + ", not \"" + v + "\"";
        });
}

// The pen of the page exports and the G-code of a plotter.
static void bind_pen(CLI::App& app, PaperOptions& p) {
    app.add_option("--pen-width", p.pen.width_mm, "pen width in mm on the page")->check(number_in(0.01, 10));
    app.add_flag("--pressure", p.pen.pressure, "variable width from the pen's speed");
    app.add_option("--feed", p.gcode.feed, "G-code drawing feed rate, mm/min")->check(number_in(1, 100000));
    add_read_option(
        app, "--pen",
        [&p](const std::string& v) {
            GcodeOptions probe;
            return gcode_pen_preset(v, 0, 0, probe) && (p.pen_preset = v, true);
        },
        "servo|z", "G-code pen commands: servo (M3 S90 / M5, the default) or z (G1 Z.. / G0 Z..)");
    // Checked by check_pen_commands (render/sheet.h) in finish_paper: one line, no control character.
    app.add_option("--pen-up", p.pen_up, "G-code line that lifts the pen")->type_name("CMD");
    app.add_option("--pen-down", p.pen_down, "G-code line that lowers the pen")->type_name("CMD");
    app.add_option("--z-up", p.z_up_mm, "--pen z: pen-up height in mm")->check(number_in(-100, 100));
    app.add_option("--z-down", p.z_down_mm, "--pen z: pen-down height in mm")->check(number_in(-100, 100));
}

void bind_paper(CLI::App& app, PaperOptions& p) {
    add_read_option(
        app, "--page", [&p](const std::string& v) { return parse_page_size(v, p.width_mm, p.height_mm); },
        "a3|a4|a5|letter|legal|WxH", "paper (default a4); WxH in mm, 20-5000");
    app.add_option("--margin", p.margin_mm, "margins in mm")->check(number_in(0, 500));
    app.add_option("--x-height", p.x_height_mm, "x-height of the writing in mm")->check(number_in(0.5, 100));
    app.add_option("--line-spacing", p.line_spacing, "line spacing, 1 = 2.2 line heights")->check(number_in(0.5, 5));
    add_read_option(
        app, "--align", [&p](const std::string& v) { return parse_align(v, p.align); }, "left|centre|justify",
        "alignment of the lines (default left)");
    app.add_option("--dpi", p.dpi, "PNG resolution of a page")->check(number_in(10, 2400));
    bind_pen(app, p);
}

Status finish_paper(PaperOptions& p) {
    if (2 * p.margin_mm >= std::min(p.width_mm, p.height_mm) - 10) return Status::error("--margin leaves no room on the page");
    gcode_pen_preset(p.pen_preset, p.z_up_mm, p.z_down_mm, p.gcode);
    if (p.pen_up) p.gcode.pen_up = *p.pen_up;
    if (p.pen_down) p.gcode.pen_down = *p.pen_down;
    return check_pen_commands(p.gcode);
}

float mm_per_unit(const Model& m, const PaperOptions& p) {
    return p.x_height_mm / (m.norm.line_height / kLineHeightPerXHeight);
}

LayoutOptions layout_for(const Model& m, const PaperOptions& p, bool paged) {
    const float k = mm_per_unit(m, p);
    LayoutOptions lay;
    lay.width = (p.width_mm - 2 * p.margin_mm) / k;
    lay.margin_left = lay.margin_top = p.margin_mm / k;
    lay.align = p.align;
    lay.line_spacing = 2.2f * p.line_spacing;
    lay.page_height = paged ? p.height_mm / k : 0;
    return lay;
}

Status write_sheet(const std::string& out, const std::string& fmt, const Sheet& sheet, const PaperOptions& p) {
    if (fmt == "svg") return write_file_atomic(out, sheet_svg(sheet, p.pen));
    if (fmt == "plot-svg") return write_file_atomic(out, plotter_svg(sheet));
    std::vector<uint8_t> bytes;
    std::string text;
    Status s = fmt == "png" ? sheet_png(sheet, p.pen, p.dpi, bytes)
               : fmt == "pdf" ? sheet_pdf(sheet, p.pen, bytes)
                              : sheet_gcode(sheet, p.gcode, text);
    if (!s) return s;
    return fmt == "gcode" ? write_file_atomic(out, text) : write_file_atomic(out, bytes.data(), bytes.size());
}

}  // namespace hw
