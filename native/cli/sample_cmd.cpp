// hw sample: handwriting from a model. --text writes one line (JSON, a picture fitted to the
// ink, or the line on the page); --text-file writes a page in one hand (hw_page.h), as JSON or a
// page export (page_options.h).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_app.h"
#include "command.h"
#include "exit_codes.h"
#include "files.h"
#include "generator.h"
#include "hw_page.h"
#include "ink_input.h"
#include "layout.h"
#include "model.h"
#include "model_file.h"
#include "page_options.h"
#include "raster.h"
#include "render.h"
#include "sample_json.h"
#include "text.h"
#include "views.h"

namespace hw {

static const Fail fail{"hw"};

// hw sample's options, as bound.
struct SampleArgs {
    std::string model;
    std::optional<std::string> text, text_file;
    char32_t replacement = 0;  // --replace-unknown; 0: none
    GenerateOptions gen;
    bool diagnostics = false;
    std::optional<std::string> views;
    std::optional<std::string> prime_ink, prime_text;
    int prime_index = 0;
    OutputChoice out;
    std::string format;  // resolved from out
    RenderStyle line_style;  // a one-line svg/png
    PaperOptions paper;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int attempts = 4;
};

static void bind_text(CLI::App& app, SampleArgs& a) {
    app.add_option("--model", a.model, "the model (.hwm)")->required();
    auto* text = app.add_option("--text", a.text, "one line to write (up to " + std::to_string(kMaxTextChars) + " characters)");
    app.add_option("--text-file", a.text_file,
                   "a text file written as a page in one hand (up to " + std::to_string(kMaxPageChars) +
                       " characters; blank lines part paragraphs)")
        ->excludes(text);
    add_read_option(
        app, "--replace-unknown",
        [&a](const std::string& v) {
            std::u32string r;
            return utf8_decode(v, r) && r.size() == 1 && (a.replacement = r[0], true);
        },
        "one character", "write this character for ones the model lacks")
        ->type_name("CHAR");
}

static void bind_generation(CLI::App& app, SampleArgs& a) {
    app.add_option("--bias", a.gen.bias, "sampling bias, 0 (varied) to 20 (neat)")->check(number_in(0, 20));
    app.add_option("--seed", a.gen.seed, "random seed")->transform(integer_in(0, 9007199254740991LL));
    app.add_flag("--greedy", a.gen.greedy, "take each mixture's most likely point instead of sampling");
    app.add_option("--max-steps", a.gen.max_steps, "cap on the points of a line (default: from the text's length)")
        ->transform(integer_in(1, 100000))
        ->default_str("");
    app.add_flag("--diagnostics", a.diagnostics, "add phi, kappa and the mixture per point to the JSON");
    app.add_option("--views", a.views,
                   "write Graves' views (attention heatmap, coloured strokes, density, pi) as SVG (of the first line of a page)");
    app.add_option("--prime-ink", a.prime_ink, "ink records (JSON Lines) whose hand to write in");
    app.add_option("--prime-index", a.prime_index, "which of the usable records")->transform(integer_in(0, 1000000000));
    app.add_option("--prime-text", a.prime_text, "the text of the priming ink, when the record has none");
}

static void bind_layout(CLI::App& app, SampleArgs& a) {
    bind_output(app, a.out);
    app.add_option("--stroke-width", a.line_style.stroke_width, "pen width in pixels of a one-line svg/png")->check(number_in(0.1, 50));
    app.add_option("--height", a.line_style.height, "height in pixels of a one-line svg/png")->check(number_in(16, 4000));
    bind_paper(app, a.paper);
    app.add_option("--threads", a.threads, "lines of a page written at once (default: the CPU count)")->transform(integer_in(1, 256));
    app.add_option("--attempts", a.attempts, "tries per line of a page before a line that fails the check is kept")
        ->transform(integer_in(1, 20));
}

// Parses hw sample's command line into `a`, with the checks between options.
static Status parse_sample(int argc, char** argv, SampleArgs& a) {
    CLI::App app(kSampleCommand.summary);
    use_conventions(app);
    bind_text(app, a);
    bind_generation(app, a);
    bind_layout(app, a);
    Status s = parse_command(app, argc, argv, 2);
    if (!s || !(s = a.out.resolve(a.format))) return s;
    a.gen.diagnostics = a.diagnostics || a.views;
    return s;
}

// --prime-ink: the record --prime-index picks, prepared as the model's input, and its text.
static Status load_priming(const SampleArgs& a, const Model& m, Priming& prime) {
    std::vector<InkLine> lines;
    size_t skipped = 0;
    Status s = read_ink_reporting(*a.prime_ink, lines, skipped);
    if (!s) return s;
    if (skipped > 0)
        std::fprintf(stderr, "hw: %zu ink records skipped in %s; --prime-index counts the %zu usable ones\n", skipped,
                     a.prime_ink->c_str(), lines.size());
    if (static_cast<size_t>(a.prime_index) >= lines.size())
        return Status::error("--prime-index: " + std::to_string(a.prime_index) + " is past the last of the " +
                             std::to_string(lines.size()) + " usable records");
    const InkLine& line = lines[static_cast<size_t>(a.prime_index)];
    if (!(s = prepare_ink(m, line.strokes, prime.points)))
        return Status::error(*a.prime_ink + ":" + std::to_string(line.line) + ": " + s.message);
    prime.text = a.prime_text ? *a.prime_text : line.text;
    if (prime.text.empty()) return Status::error("--prime-ink: the record has no text; give --prime-text");
    return s;
}

static Status write_views(const SampleArgs& a, const std::u32string& text, const std::vector<Point>& pts,
                          const std::vector<StepDiagnostics>& diag, const std::vector<int>& peaks, const Model& m) {
    if (!a.views) return Status::success();
    return write_file_atomic(*a.views, views_svg(text, pts, diag, peaks, m.norm.scale_x, m.norm.scale_y));
}

// A one-line svg or png, fitted to the ink.
static Status write_line_picture(const SampleArgs& a, const std::string& fmt, const Generator& g, const std::vector<Point>& pts,
                                 const Model& m) {
    RenderStyle style = a.line_style;
    style.pressure = a.paper.pen.pressure;
    const auto lines = offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y);
    if (fmt == "svg") return write_file_atomic(a.out.output, render_svg(lines, style, utf8_encode(g.text())));
    std::vector<uint8_t> png;
    Status s = render_png(lines, style, png);
    return s ? write_file_atomic(a.out.output, png.data(), png.size()) : s;
}

// --text: one line, as JSON, a picture fitted to the ink (svg, png) or on the page.
static Status write_line_output(const SampleArgs& a, const std::string& fmt, const Generator& g, const std::vector<Point>& pts,
                                const std::vector<int>& peaks, const Model& m, const std::vector<StepDiagnostics>* diag) {
    if (fmt == "json") {
        const std::string text = line_json(g, pts, m, a.diagnostics ? diag : nullptr);
        if (a.out.to_stdout()) return std::fwrite(text.data(), 1, text.size(), stdout), Status::success();
        return write_file_atomic(a.out.output, text);
    }
    if (a.out.to_stdout()) return Status::error("--format " + fmt + " needs -o FILE");
    PaperOptions paper = a.paper;
    Status s = finish_paper(paper);
    if (!s) return s;
    if (fmt == "svg" || fmt == "png") return write_line_picture(a, fmt, g, pts, m);
    WrittenLine w;
    w.points = pts;
    w.peaks = peaks;
    PlannedLine plan;
    plan.text = g.text();
    plan.paragraph_end = true;
    const PlacedPage page = place_lines(m, {plan}, {w}, layout_for(m, paper, false));
    const Sheet sheet = page_sheet(page, mm_per_unit(m, paper), paper.width_mm, paper.height_mm, utf8_encode(g.text()));
    return write_sheet(a.out.output, fmt, sheet, paper);
}

static int sample_line(const SampleArgs& a, const std::string& fmt, const Model& m, const Priming* prime) {
    Generator g;
    Status s = g.start(m, a.text.value_or(""), a.gen, prime, a.replacement);
    if (!s) return fail(kExitBadInput, s.message);
    for (const auto& r : g.replaced())
        std::fprintf(stderr, "hw: replaced '%s' at position %zu\n", utf8_encode(r.second).c_str(), r.first + 1);
    std::vector<Point> pts;
    std::vector<StepDiagnostics> diag;
    std::vector<int> peaks;
    while (!g.done()) g.run(4096, pts, a.gen.diagnostics ? &diag : nullptr, &peaks);
    if (m.hp.kind == ModelKind::Synthesis && !g.finished())
        std::fprintf(stderr, "hw: stopped at the step cap (%d) before the attention reached the end of the text\n", g.max_steps());
    if (!(s = write_views(a, g.text(), pts, diag, peaks, m)) ||
        !(s = write_line_output(a, fmt, g, pts, peaks, m, a.gen.diagnostics ? &diag : nullptr)))
        return fail(kExitBadInput, s.message);
    return kExitOk;
}

// A text file for a page: UTF-8, typography mapped, CR dropped, tabs as spaces; a character the
// model cannot write (or a control character) is named with its line and column, unless
// --replace-unknown gives one to write instead.
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

// The page's lines that failed the check on every attempt, on standard error.
static void report_kept_lines(const PageResult& r) {
    for (size_t i = 0; i < r.lines.size(); ++i)
        if (!r.lines[i].check.ok)
            std::fprintf(stderr, "hw: line %zu kept after %d attempts: %s\n", i + 1, r.lines[i].attempts, r.lines[i].check.problem.c_str());
}

// The written page as JSON (standard output or -o) or as a page export.
static Status write_page_output(const SampleArgs& a, const std::string& fmt, const PageResult& r, const Model& m,
                                const PaperOptions& paper) {
    if (fmt == "json") {
        const std::string text = page_json(r, m, a.diagnostics);
        if (a.out.to_stdout()) return std::fwrite(text.data(), 1, text.size(), stdout), Status::success();
        return write_file_atomic(a.out.output, text);
    }
    if (a.out.to_stdout()) return Status::error("--format " + fmt + " needs -o FILE");
    const Sheet sheet = page_sheet(r.placed, mm_per_unit(m, paper), paper.width_mm, paper.height_mm, *a.text_file);
    return write_sheet(a.out.output, fmt, sheet, paper);
}

// --text-file: a page in one hand, as JSON (the lines' points) or a page export.
static int sample_page(const SampleArgs& a, const std::string& fmt, const Model& m, const Priming* style) {
    if (m.hp.kind != ModelKind::Synthesis) return fail(kExitBadInput, "--text-file needs a synthesis model");
    if (a.replacement != 0 && m.alphabet.find(a.replacement) == std::u32string::npos)
        return fail(kExitBadInput, "--replace-unknown: the model's alphabet has no '" + utf8_encode(a.replacement) + "'");
    PaperOptions paper = a.paper;
    PageRequest req;
    Status s = finish_paper(paper);
    if (!s || !(s = read_page_text(*a.text_file, m, a.replacement, req.text))) return fail(kExitBadInput, s.message);
    req.layout = layout_for(m, paper, fmt == "pdf" || fmt == "gcode");  // pages: PDF has several, G-code refuses more than one
    req.gen = a.gen;
    req.style = style;
    req.threads = a.threads;
    req.max_attempts = a.attempts;
    PageResult r;
    if (!(s = write_page(m, req, r))) return fail(kExitBadInput, *a.text_file + ": " + s.message);
    report_kept_lines(r);
    if (!(s = write_views(a, r.plan[0].text, r.lines[0].points, r.lines[0].diag, r.lines[0].peaks, m)) ||
        !(s = write_page_output(a, fmt, r, m, paper)))
        return fail(kExitBadInput, s.message);
    return kExitOk;
}

static int run_sample(int argc, char** argv) {
    SampleArgs a;
    Status s = parse_sample(argc, argv, a);
    if (!s) return fail(kExitBadInput, s.message);
    Model m;
    if (!(s = load_model_file(a.model, m))) return fail(kExitBadInput, s.message);
    if (m.hp.kind == ModelKind::Synthesis && !a.text && !a.text_file)
        return fail(kExitBadInput, "a synthesis model needs --text or --text-file");
    Priming prime;
    if (a.prime_ink && !(s = load_priming(a, m, prime))) return fail(kExitBadInput, s.message);
    const Priming* style = a.prime_ink ? &prime : nullptr;
    return a.text_file ? sample_page(a, a.format, m, style) : sample_line(a, a.format, m, style);
}

const Command kSampleCommand{"sample",
                             "handwriting from a model: one line (--text) or a page in one hand (--text-file), as JSON, "
                             "SVG, PNG, PDF or G-code",
                             run_sample};

}  // namespace hw
