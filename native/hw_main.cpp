// hw: the native command-line front end of the inference core.
//   hw sample --model F (--text "..." | --text-file F) [options] -o OUT
//   hw info F
//   hw convert IN.hwm OUT.hwm [--precision f32|f16|int8] [--meta KEY=JSON]...
//   hw score --model F.hwm --ink F.jsonl [--format json|text]
#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "files.h"
#include "generator.h"
#include "hw_page.h"
#include "hwm_format.h"
#include "ink_jsonl.h"
#include "layout.h"
#include "model.h"
#include "model_file.h"
#include "raster.h"
#include "render.h"
#include "score.h"
#include "sheet.h"
#include "text.h"
#include "views.h"

using namespace hw;

static const char* kUsage =
    "usage:\n"
    "  hw sample --model F.hwm (--text \"...\" | --text-file F.txt) [-o OUT]\n"
    "            [--format json|svg|png|pdf|gcode|plot-svg] [--bias B] [--seed N] [--greedy]\n"
    "            [--max-steps N] [--replace-unknown C] [--diagnostics] [--views V.svg]\n"
    "            [--prime-ink F.jsonl [--prime-index I] [--prime-text \"...\"]]\n"
    "            [--stroke-width PX] [--height PX] [--pen-width MM] [--pressure]\n"
    "            [--page a4|a5|a3|letter|legal|WxH] [--margin MM] [--x-height MM]\n"
    "            [--line-spacing F] [--align left|centre|justify] [--dpi N] [--threads N]\n"
    "            [--feed MM/MIN] [--pen servo|z] [--pen-up CMD] [--pen-down CMD] [--z-up MM] [--z-down MM]\n"
    "  hw info F.hwm\n"
    "  hw convert IN.hwm OUT.hwm [--precision f32|f16|int8] [--meta KEY=JSON[,KEY=JSON...]]\n"
    "  hw score --model F.hwm --ink F.jsonl [--format json|text]\n"
    "Without --format, the extension of -o decides (.json .svg .png .pdf .gcode .nc, .plot.svg for\n"
    "plot-svg); without -o, JSON goes to standard output. --text writes one line (up to 200\n"
    "characters); --text-file a page (up to 2,000) in one hand. Each command takes --help.\n"
    "score: the model's negative log-likelihood of each ink record (nats; JSON by default).\n";

const Fail fail{"hw"};


static int cmd_info(int argc, char** argv) {
    Args args({}, {});
    args.describe("hw info F.hwm: the model's header as JSON");
    Status s = args.parse(argc, argv, 2);
    if (!s) return fail(2, s.message);
    if (args.positional().size() != 1) return fail(2, std::string("info needs one file\n") + kUsage);
    Model m;
    if (!(s = load_model_file(args.positional()[0], m))) return fail(2, s.message);
    nlohmann::json h = nlohmann::json::parse(m.header_json);
    std::printf("%s\n", h.dump(2).c_str());
    return 0;
}

// Re-stores a model's weights at another precision and/or adds entries to its header's "meta"
// (for example points_per_second, the pace the page draws at). The result is checked by loading it.
static int cmd_convert(int argc, char** argv) {
    Args args({"--precision", "--meta"}, {});
    args.describe("hw convert IN.hwm OUT.hwm: the model's weights at another precision, with entries added to its meta",
                  {{"--precision", "f32, f16 (default) or int8"},
                   {"--meta", "KEY=JSON[,KEY=JSON...] added to the header's meta (a bare word is a string)"}});
    Status s = args.parse(argc, argv, 2);
    if (!s) return fail(2, s.message);
    if (args.positional().size() != 2) return fail(2, std::string("convert needs an input and an output file\n") + kUsage);
    const std::string in = args.positional()[0], out = args.positional()[1];
    Precision precision = Precision::F16;
    if (args.has("--precision") && !parse_precision(args.get("--precision"), precision))
        return fail(2, "--precision must be f32, f16 or int8, not \"" + args.get("--precision") + "\"");
    std::vector<uint8_t> bytes;
    if (!(s = read_model_bytes(in, bytes))) return fail(2, s.message);
    Model check;
    if (!(s = load_model(bytes.data(), bytes.size(), check))) return fail(2, in + ": " + s.message);
    HwmFile f;
    if (!(s = read_hwm(bytes.data(), bytes.size(), f))) return fail(2, in + ": " + s.message);
    if (!f.header.contains("meta") || !f.header["meta"].is_object()) f.header["meta"] = nlohmann::json::object();
    if (args.has("--meta") && !(s = parse_meta_entries(args.get("--meta"), f.header["meta"]))) return fail(2, s.message);
    std::vector<uint8_t> result;
    if (!(s = write_hwm(f.header, f.tensors, precision, result))) return fail(2, in + ": " + s.message);
    Model reloaded;
    if (!(s = load_model(result.data(), result.size(), reloaded))) return fail(2, "converted model does not load: " + s.message);
    if (!(s = write_file_atomic(out, result.data(), result.size()))) return fail(2, s.message);
    std::fprintf(stderr, "hw: wrote %s (%s, %zu bytes)\n", out.c_str(), args.get("--precision", "f16").c_str(), result.size());
    return 0;
}

// The one rule for records an ink file's reader skipped: each on standard error as FILE:LINE: what.
static void report_skipped(const InkReadReport& report) {
    for (const std::string& msg : report.skipped) std::fprintf(stderr, "%s\n", msg.c_str());
}

static Status load_priming(const Args& a, const Model& m, Priming& prime) {
    std::vector<InkLine> lines;
    InkReadReport report;
    Status s = read_ink_file(a.get("--prime-ink"), lines, report);
    report_skipped(report);
    if (!s) return s;
    if (!report.skipped.empty())
        std::fprintf(stderr, "hw: %zu ink records skipped in %s; --prime-index counts the %zu usable ones\n",
                     report.skipped.size(), a.get("--prime-ink").c_str(), lines.size());
    long long index = 0;
    if (!(s = a.get_int("--prime-index", 0, static_cast<long long>(lines.size()) - 1, index))) return s;
    const InkLine& line = lines[static_cast<size_t>(index)];
    if (!(s = prepare_ink(m, line.strokes, prime.points)))
        return Status::error(a.get("--prime-ink") + ":" + std::to_string(line.line) + ": " + s.message);
    prime.text = a.has("--prime-text") ? a.get("--prime-text") : line.text;
    if (prime.text.empty()) return Status::error("--prime-ink: the record has no text; give --prime-text");
    return s;
}

static std::string format_of(const Args& a) {
    if (a.has("--format")) return a.get("--format");
    const std::string out = a.get("--output");
    auto ends = [&](const std::string& e) { return out.size() > e.size() && out.compare(out.size() - e.size(), e.size(), e) == 0; };
    if (ends(".plot.svg")) return "plot-svg";
    if (ends(".nc") || ends(".ngc") || ends(".gcode")) return "gcode";
    const size_t dot = out.rfind('.');
    return dot == std::string::npos ? "json" : out.substr(dot + 1);
}

static nlohmann::json diagnostics_json(const std::vector<StepDiagnostics>& diag) {
    nlohmann::json d = nlohmann::json::array();
    for (const auto& s : diag)
        d.push_back({{"phi", s.phi}, {"kappa", s.kappa}, {"pi", s.mixture.pi}, {"mu1", s.mixture.mu1},
                     {"mu2", s.mixture.mu2}, {"sigma1", s.mixture.sigma1}, {"sigma2", s.mixture.sigma2},
                     {"rho", s.mixture.rho}, {"eos", s.mixture.eos}});
    return d;
}

static nlohmann::json points_array(const std::vector<Point>& pts) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Point& p : pts) arr.push_back({p.dx, p.dy, static_cast<int>(p.pen_up)});
    return arr;
}

static std::string points_json(const Generator& g, const std::vector<Point>& pts, const Model& m,
                               const std::vector<StepDiagnostics>* diag) {
    nlohmann::json j;
    j["text"] = utf8_encode(g.text());
    j["points"] = points_array(pts);
    j["steps"] = g.steps();
    j["finished"] = g.finished();
    j["dropped"] = g.dropped();  // points of a stray stroke after the end, left out
    j["scale"] = {m.norm.scale_x, m.norm.scale_y};
    if (diag) j["diagnostics"] = diagnostics_json(*diag);
    return j.dump() + "\n";
}

static std::string page_json(const PageResult& r, const Model& m, bool diagnostics) {
    nlohmann::json lines = nlohmann::json::array();
    for (size_t i = 0; i < r.lines.size(); ++i) {
        const WrittenLine& w = r.lines[i];
        nlohmann::json l = {{"text", utf8_encode(r.plan[i].text)}, {"paragraph", r.plan[i].paragraph},
                            {"points", points_array(w.points)}, {"peaks", w.peaks}, {"finished", w.finished},
                            {"ok", w.check.ok}, {"seed", w.seed}, {"attempts", w.attempts}};
        if (!w.check.ok) l["problem"] = w.check.problem;
        if (diagnostics) l["diagnostics"] = diagnostics_json(w.diag);
        lines.push_back(std::move(l));
    }
    nlohmann::json j = {{"lines", lines}, {"advance", r.advance}, {"pages", r.placed.pages},
                        {"scale", {m.norm.scale_x, m.norm.scale_y}}};
    return j.dump() + "\n";
}

static Status read_options(const Args& a, GenerateOptions& opt, char32_t& replacement) {
    double bias = 0;
    long long seed = 0, max_steps = 0;
    Status s;
    if (!(s = a.get_float("--bias", 0, 20, bias))) return s;
    if (!(s = a.get_int("--seed", 0, 9007199254740991LL, seed))) return s;
    if (!(s = a.get_int("--max-steps", 1, 100000, max_steps))) return s;
    opt.bias = static_cast<float>(bias);
    opt.seed = static_cast<uint64_t>(seed);
    opt.max_steps = static_cast<int>(max_steps);
    opt.greedy = a.has("--greedy");
    opt.diagnostics = a.has("--diagnostics") || a.has("--views");
    replacement = 0;
    if (a.has("--replace-unknown")) {
        std::u32string r;
        if (!utf8_decode(a.get("--replace-unknown"), r) || r.size() != 1)
            return Status::error("--replace-unknown takes exactly one character");
        replacement = r[0];
    }
    return Status::success();
}

// The paper, the pen and the plotter: every option of the page exports.
struct PaperOptions {
    float width_mm = 210, height_mm = 297, margin_mm = 15, x_height_mm = 2.5f, line_spacing = 1, dpi = 150;
    Align align = Align::Left;
    PenStyle pen;
    GcodeOptions gcode;
};

static Status read_pen(const Args& a, PaperOptions& p) {
    double w = p.pen.width_mm, feed = p.gcode.feed, z_up = 5, z_down = 0;
    Status s;
    if (!(s = a.get_float("--pen-width", 0.01, 10, w)) || !(s = a.get_float("--feed", 1, 100000, feed)) ||
        !(s = a.get_float("--z-up", -100, 100, z_up)) || !(s = a.get_float("--z-down", -100, 100, z_down)))
        return s;
    p.pen.width_mm = static_cast<float>(w);
    p.pen.pressure = a.has("--pressure");
    p.gcode.feed = static_cast<float>(feed);
    if (!gcode_pen_preset(a.get("--pen", "servo"), static_cast<float>(z_up), static_cast<float>(z_down), p.gcode))
        return Status::error("--pen must be servo or z, not \"" + a.get("--pen") + "\"");
    if (a.has("--pen-up")) p.gcode.pen_up = a.get("--pen-up");
    if (a.has("--pen-down")) p.gcode.pen_down = a.get("--pen-down");
    return check_pen_commands(p.gcode);
}

static Status read_paper(const Args& a, PaperOptions& p) {
    if (a.has("--page") && !parse_page_size(a.get("--page"), p.width_mm, p.height_mm))
        return Status::error("--page must be a3, a4, a5, letter, legal or WxH in mm (20-5000), not \"" + a.get("--page") + "\"");
    double margin = p.margin_mm, xh = p.x_height_mm, spacing = p.line_spacing, dpi = p.dpi;
    Status s;
    if (!(s = a.get_float("--margin", 0, 500, margin)) || !(s = a.get_float("--x-height", 0.5, 100, xh)) ||
        !(s = a.get_float("--line-spacing", 0.5, 5, spacing)) || !(s = a.get_float("--dpi", 10, 2400, dpi)))
        return s;
    if (2 * margin >= std::min(p.width_mm, p.height_mm) - 10) return Status::error("--margin leaves no room on the page");
    p.margin_mm = static_cast<float>(margin);
    p.x_height_mm = static_cast<float>(xh);
    p.line_spacing = static_cast<float>(spacing);
    p.dpi = static_cast<float>(dpi);
    if (a.has("--align") && !parse_align(a.get("--align"), p.align))
        return Status::error("--align must be left, centre or justify, not \"" + a.get("--align") + "\"");
    return read_pen(a, p);
}

// Millimetres per writing unit: the model's x-height (line_height / 1.3) at --x-height.
static float mm_per_unit(const Model& m, const PaperOptions& p) {
    return p.x_height_mm / (m.norm.line_height / kLineHeightPerXHeight);
}

static LayoutOptions layout_for(const Model& m, const PaperOptions& p, bool paged) {
    const float k = mm_per_unit(m, p);
    LayoutOptions lay;
    lay.width = (p.width_mm - 2 * p.margin_mm) / k;
    lay.margin_left = lay.margin_top = p.margin_mm / k;
    lay.align = p.align;
    lay.line_spacing = 2.2f * p.line_spacing;
    lay.page_height = paged ? p.height_mm / k : 0;
    return lay;
}

// One of the page exports of a sheet: svg, plot-svg, png, pdf, gcode.
static Status write_sheet(const std::string& out, const std::string& fmt, const Sheet& sheet, const PaperOptions& p) {
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

static Status write_views(const Args& a, const std::u32string& text, const std::vector<Point>& pts,
                          const std::vector<StepDiagnostics>& diag, const std::vector<int>& peaks, const Model& m) {
    if (!a.has("--views")) return Status::success();
    return write_file_atomic(a.get("--views"), views_svg(text, pts, diag, peaks, m.norm.scale_x, m.norm.scale_y));
}

// --text: one line, as JSON, a picture fitted to the ink (svg, png) or on the page.
static Status write_line_output(const Args& a, const std::string& fmt, const Generator& g, const std::vector<Point>& pts,
                                const std::vector<int>& peaks, const Model& m, const std::vector<StepDiagnostics>* diag) {
    const std::string out = a.get("--output");
    if (fmt == "json") {
        const std::string text = points_json(g, pts, m, a.has("--diagnostics") ? diag : nullptr);
        if (out.empty() || out == "-") return std::fwrite(text.data(), 1, text.size(), stdout), Status::success();
        return write_file_atomic(out, text);
    }
    if (out.empty() || out == "-") return Status::error("--format " + fmt + " needs -o FILE");
    PaperOptions paper;
    Status s = read_paper(a, paper);
    if (!s) return s;
    if (fmt == "svg" || fmt == "png") {
        RenderStyle style;
        double w = style.stroke_width, h = style.height;
        if (!(s = a.get_float("--stroke-width", 0.1, 50, w)) || !(s = a.get_float("--height", 16, 4000, h))) return s;
        style.stroke_width = static_cast<float>(w);
        style.height = static_cast<float>(h);
        style.pressure = paper.pen.pressure;
        const auto lines = offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y);
        if (fmt == "svg") return write_file_atomic(out, render_svg(lines, style, utf8_encode(g.text())));
        std::vector<uint8_t> png;
        if (!(s = render_png(lines, style, png))) return s;
        return write_file_atomic(out, png.data(), png.size());
    }
    WrittenLine w;
    w.points = pts;
    w.peaks = peaks;
    PlannedLine plan;
    plan.text = g.text();
    plan.paragraph_end = true;
    const PlacedPage page = place_lines(m, {plan}, {w}, layout_for(m, paper, false));
    return write_sheet(out, fmt, page_sheet(page, mm_per_unit(m, paper), paper.width_mm, paper.height_mm, utf8_encode(g.text())), paper);
}

static int sample_line(const Args& a, const std::string& fmt, const Model& m, const GenerateOptions& opt,
                       const Priming* prime, char32_t replacement) {
    Generator g;
    Status s = g.start(m, a.get("--text"), opt, prime, replacement);
    if (!s) return fail(2, s.message);
    for (const auto& r : g.replaced())
        std::fprintf(stderr, "hw: replaced '%s' at position %zu\n", utf8_encode(r.second).c_str(), r.first + 1);
    std::vector<Point> pts;
    std::vector<StepDiagnostics> diag;
    std::vector<int> peaks;
    while (!g.done()) g.run(4096, pts, opt.diagnostics ? &diag : nullptr, &peaks);
    if (m.hp.kind == ModelKind::Synthesis && !g.finished())
        std::fprintf(stderr, "hw: stopped at the step cap (%d) before the attention reached the end of the text\n", g.max_steps());
    if (!(s = write_views(a, g.text(), pts, diag, peaks, m))) return fail(2, s.message);
    if (!(s = write_line_output(a, fmt, g, pts, peaks, m, opt.diagnostics ? &diag : nullptr))) return fail(2, s.message);
    return 0;
}

// A text file for a page: UTF-8, line ends unified (unify_line_ends: CR LF or a lone CR, a BOM
// dropped), typography mapped, tabs as spaces; a character the model cannot write (or a control
// character) is named with its line and column, unless --replace-unknown gives one to write instead.
static Status read_page_text(const std::string& path, const Model& m, char32_t replacement, std::u32string& out) {
    std::vector<uint8_t> bytes;
    Status s = read_file_bounded(path, 4 * kMaxPageChars + 4096, bytes);
    if (!s) return s;
    std::u32string raw;
    if (!(s = utf8_decode(unify_line_ends(std::string(bytes.begin(), bytes.end())), raw))) return Status::error(path + ": " + s.message);
    out.clear();
    size_t line = 1, col = 0;
    for (char32_t c : normalise_typography(raw)) {
        ++col;
        if (c == U'\n') { out += c; ++line; col = 0; continue; }
        if (m.alphabet.find(c) == std::u32string::npos) {
            const std::string where = path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
            const std::string what = is_control_char(c) ? "a control character" : "'" + utf8_encode(c) + "'";
            if (replacement == 0 || is_control_char(c)) return Status::error(where + "the model cannot write " + what);
            std::fprintf(stderr, "hw: %sreplaced %s\n", escape_controls(where).c_str(), what.c_str());
            c = replacement;
        }
        out += c;
    }
    if (out.size() > kMaxPageChars)
        return Status::error(path + ": " + std::to_string(out.size()) + " characters; the limit is " + std::to_string(kMaxPageChars));
    return Status::success();
}

// --text-file: a page in one hand, as JSON (the lines' points) or a page export.
static int sample_page(const Args& a, const std::string& fmt, const Model& m, const GenerateOptions& opt,
                       const Priming* style, char32_t replacement) {
    if (m.hp.kind != ModelKind::Synthesis) return fail(2, "--text-file needs a synthesis model");
    if (replacement != 0 && m.alphabet.find(replacement) == std::u32string::npos)
        return fail(2, "--replace-unknown: the model's alphabet has no '" + utf8_encode(replacement) + "'");
    PaperOptions paper;
    PageRequest req;
    long long threads = std::max(1u, std::thread::hardware_concurrency()), attempts = 4;
    Status s = read_paper(a, paper);
    if (!s || !(s = a.get_int("--threads", 1, 256, threads)) || !(s = a.get_int("--attempts", 1, 20, attempts)) ||
        !(s = read_page_text(a.get("--text-file"), m, replacement, req.text)))
        return fail(2, s.message);
    req.layout = layout_for(m, paper, fmt == "pdf" || fmt == "gcode");  // pages: PDF has several, G-code refuses more than one
    req.gen = opt;
    req.style = style;
    req.threads = static_cast<int>(threads);
    req.max_attempts = static_cast<int>(attempts);
    PageResult r;
    if (!(s = write_page(m, req, r))) return fail(2, a.get("--text-file") + ": " + s.message);
    for (size_t i = 0; i < r.lines.size(); ++i)
        if (!r.lines[i].check.ok)
            std::fprintf(stderr, "hw: line %zu kept after %d attempts: %s\n", i + 1, r.lines[i].attempts, r.lines[i].check.problem.c_str());
    if (!(s = write_views(a, r.plan[0].text, r.lines[0].points, r.lines[0].diag, r.lines[0].peaks, m))) return fail(2, s.message);
    const std::string out = a.get("--output");
    if (fmt == "json") {
        const std::string text = page_json(r, m, a.has("--diagnostics"));
        if (out.empty() || out == "-") return std::fwrite(text.data(), 1, text.size(), stdout), 0;
        s = write_file_atomic(out, text);
    } else if (out.empty() || out == "-") {
        s = Status::error("--format " + fmt + " needs -o FILE");
    } else {
        s = write_sheet(out, fmt, page_sheet(r.placed, mm_per_unit(m, paper), paper.width_mm, paper.height_mm, a.get("--text-file")), paper);
    }
    return s ? 0 : fail(2, s.message);
}

static Args sample_args() {
    Args a({"--model", "--text", "--text-file", "--bias", "--seed", "--format", "--output", "--prime-ink", "--prime-text",
            "--prime-index", "--max-steps", "--replace-unknown", "--stroke-width", "--height", "--views", "--page",
            "--margin", "--x-height", "--line-spacing", "--align", "--dpi", "--threads", "--attempts", "--pen-width",
            "--feed", "--pen", "--pen-up", "--pen-down", "--z-up", "--z-down"},
           {"--greedy", "--diagnostics", "--pressure"});
    a.describe(std::string("hw sample: handwriting from a model\n") + kUsage,
               {{"--model", "the model (.hwm)"}, {"--text", "one line to write (up to 200 characters)"},
                {"--text-file", "a text file written as a page in one hand (up to 2,000 characters; blank lines part paragraphs)"},
                {"--output", "output file; its extension picks the format"},
                {"--format", "json, svg, png, pdf, gcode or plot-svg (hairline SVG for plotters)"},
                {"--bias", "sampling bias, 0 (varied) to 20 (neat); default 0"}, {"--seed", "random seed (default 0)"},
                {"--max-steps", "cap on the points of a line"}, {"--replace-unknown", "write this character for ones the model lacks"},
                {"--prime-ink", "ink records (JSON Lines) whose hand to write in"}, {"--prime-index", "which record (default 0)"},
                {"--prime-text", "the text of the priming ink, when the record has none"},
                {"--diagnostics", "add phi, kappa and the mixture per point to the JSON"},
                {"--views", "write Graves' views (attention heatmap, coloured strokes, density, pi) as SVG (of the first line of a page)"},
                {"--stroke-width", "pen width in pixels of a one-line svg/png (default 2)"},
                {"--height", "height in pixels of a one-line svg/png (default 120)"},
                {"--page", "paper: a3, a4 (default), a5, letter, legal or WxH in mm"}, {"--margin", "margins in mm (default 15)"},
                {"--x-height", "x-height of the writing in mm (default 2.5)"},
                {"--line-spacing", "line spacing, 1 = 2.2 line heights (default 1)"},
                {"--align", "left (default), centre or justify"}, {"--dpi", "PNG resolution of a page (default 150)"},
                {"--threads", "lines written at once (default: the CPU count)"},
                {"--attempts", "tries per line before a line that fails the check is kept (default 4)"},
                {"--pen-width", "pen width in mm on the page (default 0.5)"}, {"--pressure", "variable width from the pen's speed"},
                {"--feed", "G-code drawing feed rate, mm/min (default 3000)"},
                {"--pen", "G-code pen commands: servo (M3 S90 / M5, default) or z (G1 Z.. / G0 Z..)"},
                {"--pen-up", "G-code line that lifts the pen"}, {"--pen-down", "G-code line that lowers the pen"},
                {"--z-up", "--pen z: pen-up height in mm (default 5)"}, {"--z-down", "--pen z: pen-down height in mm (default 0)"}});
    return a;
}

static int cmd_sample(int argc, char** argv) {
    Args a = sample_args();
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(2, s.message + "\n" + kUsage);
    if (!a.has("--model")) return fail(2, std::string("sample needs --model\n") + kUsage);
    if (a.has("--text") && a.has("--text-file")) return fail(2, "give --text or --text-file, not both");
    const std::string fmt = format_of(a);
    if (fmt != "svg" && fmt != "json" && fmt != "png" && fmt != "pdf" && fmt != "gcode" && fmt != "plot-svg")
        return fail(2, "unknown output format \"" + fmt + "\" (json, svg, png, pdf, gcode, plot-svg)");
    GenerateOptions opt;
    char32_t replacement = 0;
    if (!(s = read_options(a, opt, replacement))) return fail(2, s.message);
    Model m;
    if (!(s = load_model_file(a.get("--model"), m))) return fail(2, s.message);
    if (m.hp.kind == ModelKind::Synthesis && !a.has("--text") && !a.has("--text-file"))
        return fail(2, "a synthesis model needs --text or --text-file");
    Priming prime;
    if (a.has("--prime-ink") && !(s = load_priming(a, m, prime))) return fail(2, s.message);
    const Priming* style = a.has("--prime-ink") ? &prime : nullptr;
    if (a.has("--text-file")) return sample_page(a, fmt, m, opt, style, replacement);
    return sample_line(a, fmt, m, opt, style, replacement);
}

// One scored ink record, with the line of the file it came from.
struct ScoredRecord {
    size_t line = 0;
    std::string text;
    LineScore score;
};

// The most points `hw score` steps the network through, over all records, unless --max-points says
// otherwise: about 300 handwritten lines (a record's prepared ink may take up to kMaxPrimePoints).
constexpr long long kDefaultScorePoints = 200000;

// Prepares a record's ink exactly as priming does, then scores it if its points fit in `budget`
// (which they then use up); messages start with FILE:LINE. `over` says the budget stopped it.
static Status score_record(const Model& m, const InkLine& rec, const std::string& path, size_t& budget, bool& over,
                           ScoredRecord& out) {
    const std::string where = path + ":" + std::to_string(rec.line);
    std::vector<Point> pts;
    Status s = prepare_ink(m, rec.strokes, pts);
    if ((over = s && pts.size() > budget))
        return Status::error(where + ": its " + std::to_string(pts.size()) + " points would pass the work budget (" +
                             std::to_string(budget) + " points left; --max-points sets it)");
    if (!s || !(s = score_points(m, rec.text, pts, out.score))) return Status::error(where + ": " + s.message);
    budget -= pts.size();
    out.line = rec.line;
    out.text = rec.text;
    return s;
}

// Scores every record of an ink file; each bad one (unreadable, or refused by the preparation or
// the model) is reported on standard error as FILE:LINE and skipped. Over `budget` points in all,
// scoring stops with an error.
static Status score_ink_file(const Model& m, const std::string& path, size_t budget, std::vector<ScoredRecord>& out,
                             size_t& skipped) {
    std::vector<InkLine> lines;
    InkReadReport report;
    const Status read = read_ink_file(path, lines, report);
    report_skipped(report);
    skipped = report.skipped.size();
    if (!read) return read;
    for (const InkLine& rec : lines) {
        ScoredRecord r;
        bool over = false;
        const Status s = score_record(m, rec, path, budget, over, r);
        if (over) return s;
        if (!s) {
            std::fprintf(stderr, "%s\n", s.message.c_str());
            ++skipped;
            continue;
        }
        out.push_back(std::move(r));
    }
    if (out.empty()) return Status::error(path + ": no usable ink record (" + std::to_string(skipped) + " skipped)");
    return Status::success();
}

struct ScoreTotals {
    double nats = 0;
    long points = 0;
    double per_point() const { return points > 0 ? nats / static_cast<double>(points) : 0.0; }
};

static ScoreTotals score_totals(const std::vector<ScoredRecord>& recs) {
    ScoreTotals t;
    for (const auto& r : recs) {
        t.nats += r.score.nats;
        t.points += r.score.points;
    }
    return t;
}

static std::string score_json(const std::vector<ScoredRecord>& recs, size_t skipped) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : recs)
        arr.push_back({{"line", r.line}, {"text", r.text}, {"points", r.score.points}, {"nats", r.score.nats},
                       {"nats_per_point", r.score.nats_per_point()}, {"pen_nats", r.score.pen_nats}});
    const ScoreTotals t = score_totals(recs);
    nlohmann::json j = {{"records", arr},
                        {"lines", recs.size()},
                        {"skipped", skipped},
                        {"points", t.points},
                        {"nats", t.nats},
                        {"nats_per_point", t.per_point()},
                        {"nats_per_line", t.nats / static_cast<double>(recs.size())}};
    return j.dump() + "\n";
}

static std::string score_table(const std::vector<ScoredRecord>& recs, size_t skipped) {
    std::string out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%6s %7s %12s %10s  %s\n", "line", "points", "nats", "nats/pt", "text");
    out += buf;
    for (const auto& r : recs) {
        std::snprintf(buf, sizeof buf, "%6zu %7ld %12.2f %10.4f  ", r.line, r.score.points, r.score.nats,
                      r.score.nats_per_point());
        out += buf + r.text + "\n";
    }
    const ScoreTotals t = score_totals(recs);
    std::snprintf(buf, sizeof buf, "%6s %7ld %12.2f %10.4f  %zu lines, %.2f nats/line, %zu skipped\n", "all", t.points,
                  t.nats, t.per_point(), recs.size(), t.nats / static_cast<double>(recs.size()), skipped);
    return out + buf;
}

static int cmd_score(int argc, char** argv) {
    Args a({"--model", "--ink", "--format", "--max-points"}, {});
    a.describe("hw score --model F.hwm --ink F.jsonl: the model's negative log-likelihood of each ink record (nats)",
               {{"--model", "the model (.hwm)"}, {"--ink", "ink records (JSON Lines, docs/INK.md)"},
                {"--format", "json (default) or text"},
                {"--max-points", "the most points scored over all records (default 200000): the work budget"}});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(2, s.message + "\n" + kUsage);
    if (!a.has("--model") || !a.has("--ink")) return fail(2, std::string("score needs --model and --ink\n") + kUsage);
    if (!a.positional().empty()) return fail(2, "score: unexpected argument \"" + a.positional()[0] + "\"\n" + kUsage);
    const std::string fmt = a.get("--format", "json");
    if (fmt != "json" && fmt != "text") return fail(2, "unknown score format \"" + fmt + "\" (json, text)");
    long long budget = kDefaultScorePoints;
    if (!(s = a.get_int("--max-points", 1, 1LL << 40, budget))) return fail(2, s.message);
    Model m;
    if (!(s = load_model_file(a.get("--model"), m))) return fail(2, s.message);
    std::vector<ScoredRecord> recs;
    size_t skipped = 0;
    if (!(s = score_ink_file(m, a.get("--ink"), static_cast<size_t>(budget), recs, skipped))) return fail(2, s.message);
    const std::string text = fmt == "json" ? score_json(recs, skipped) : score_table(recs, skipped);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) return fail(2, std::string("no command\n") + kUsage);
    const std::string cmd = argv[1];
    if (cmd == "sample") return cmd_sample(argc, argv);
    if (cmd == "info") return cmd_info(argc, argv);
    if (cmd == "convert") return cmd_convert(argc, argv);
    if (cmd == "score") return cmd_score(argc, argv);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    return fail(2, "unknown command \"" + cmd + "\"\n" + kUsage);
}
