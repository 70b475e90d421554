// The page driver and the page exports for the page and the widget (their worker): the same C++
// as hw sample --text-file (shared/page_writer.h, sheet.h, render.h), so the same text, settings
// and seed give the same page and the same files. JavaScript keeps the canvas, the controls and
// the downloads, and takes its limits and constants from here.
#include <cmath>

#include "binding.h"
#include "page_writer.h"
#include "render.h"
#include "sheet.h"

namespace hw {
namespace {

double number_in(const val& o, const char* key, double fallback) {
    const val v = o.isUndefined() || o.isNull() ? val::undefined() : o[key];
    return v.isNumber() ? v.as<double>() : fallback;
}

std::string string_in(const val& o, const char* key) {
    const val v = o.isUndefined() || o.isNull() ? val::undefined() : o[key];
    return v.isString() ? v.as<std::string>() : std::string();
}

// {width, height, margin, xHeight, lineSpacing, align} in mm (the page's export settings).
Status paper_from(const val& o, Paper& p) {
    p.width_mm = static_cast<float>(number_in(o, "width", p.width_mm));
    p.height_mm = static_cast<float>(number_in(o, "height", p.height_mm));
    p.margin_mm = static_cast<float>(number_in(o, "margin", p.margin_mm));
    p.x_height_mm = static_cast<float>(number_in(o, "xHeight", p.x_height_mm));
    p.line_spacing = static_cast<float>(number_in(o, "lineSpacing", p.line_spacing));
    const std::string align = string_in(o, "align");
    if (!align.empty() && !parse_align(align, p.align)) return Status::error("unknown alignment \"" + align + "\"");
    return check_paper(p);
}

// The pen and the plotter of an export: {penWidth (mm), pressure, colour, feed, pen ('servo' | 'z'),
// zUp, zDown, penUp, penDown (one G-code line each, replacing the preset's)}.
Status pen_from(const val& o, PenStyle& pen, GcodeOptions& gcode) {
    using L = PaperLimits;
    pen.width_mm = static_cast<float>(number_in(o, "penWidth", pen.width_mm));
    pen.pressure = !o.isUndefined() && o["pressure"].isTrue();
    if (!string_in(o, "colour").empty()) pen.colour = string_in(o, "colour");
    gcode.feed = static_cast<float>(number_in(o, "feed", gcode.feed));
    if (!(pen.width_mm >= L::kMinPenMm && pen.width_mm <= L::kMaxPenMm)) return Status::error("the pen width is out of range");
    if (!(gcode.feed >= L::kMinFeed && gcode.feed <= L::kMaxFeed)) return Status::error("the feed rate is out of range");
    const std::string preset = string_in(o, "pen").empty() ? "servo" : string_in(o, "pen");
    if (!gcode_pen_preset(preset, static_cast<float>(number_in(o, "zUp", 5)), static_cast<float>(number_in(o, "zDown", 0)), gcode))
        return Status::error("unknown pen \"" + preset + "\" (servo or z)");
    for (const char* key : {"penUp", "penDown"}) {  // given (as the page's fields give them): one line each
        if (o.isUndefined() || !o[key].isString()) continue;
        const std::string cmd = o[key].as<std::string>();
        if (cmd.empty() || cmd.find_first_of("\r\n") != std::string::npos)
            return Status::error("the pen up and pen down commands take one G-code line each");
        (key[3] == 'U' ? gcode.pen_up : gcode.pen_down) = cmd;
    }
    return Status::success();
}

// Points (x, y, pen lifted after it) of placed strokes, and their curves (CurveStream).
void flatten(const std::vector<InkStroke>& strokes, std::vector<float>& points, std::vector<float>& curves) {
    CurveStream cs;
    for (const InkStroke& s : strokes)
        for (size_t i = 0; i < s.size(); ++i) {
            const bool up = i + 1 == s.size();
            points.insert(points.end(), {s.x[i], s.y[i], up ? 1.0f : 0.0f});
            cs.add(s.x[i], s.y[i], up, curves);
        }
    cs.finish(curves);
}

// The page driver for one page: start(), then step(n) until done(), reading events() as it goes.
class WasmPageWriter {
public:
    explicit WasmPageWriter(const WasmModel& m) : model_(&m) {}

    // text: prepared (Model.prepareText), newlines kept. opts: {seed, bias, greedy, diagnostics,
    // attempts, primeStrokes, primeText (a chosen hand; none: the text's first line primes the
    // rest), and either paper: {width, height, margin, xHeight, lineSpacing, align, paged} (an
    // export: planned as hw sample plans it) or width (writing units), lineSpacing (times the
    // standard spacing), align (the canvas)}. Returns "" or the message.
    std::string start(const std::string& text, const val& opts) {
        if (!model_->loaded()) return "no model loaded";
        const Model& m = model_->model();
        PageRequest req;
        Status s = utf8_decode(text, req.text);
        if (s) s = layout_from(opts, req.layout);
        if (s && !opts["primeStrokes"].isUndefined() && !opts["primeStrokes"].isNull())
            s = priming_from(m, opts["primeStrokes"], string_in(opts, "primeText"), style_);
        if (!s) return s.message;
        req.style = style_.points.empty() ? nullptr : &style_;
        req.gen.bias = static_cast<float>(number_in(opts, "bias", 0));
        req.gen.seed = static_cast<uint64_t>(number_in(opts, "seed", 0));
        req.gen.greedy = opts["greedy"].isTrue();
        req.gen.diagnostics = opts["diagnostics"].isTrue();
        req.max_attempts = static_cast<int>(number_in(opts, "attempts", kLineAttempts));
        s = writer_.start(m, req);
        return s ? "" : s.message;
    }

    std::string step(int n) {
        const Status s = writer_.step(n);
        return s ? "" : s.message;
    }
    bool done() const { return writer_.done(); }
    void cancel() { writer_.cancel(); }

    // The events since the last call, in reading order (page_writer.h: PageEvent), as objects:
    // {kind: 'plan', lines: [{text, paragraph, paragraphEnd}]}, {kind: 'line', line, text, maxSteps},
    // {kind: 'points', line, positions (Float32Array x, y, pen lifted: data units from the line's
    // start), attention (Int32Array: index in the line event's text), curves (Float32Array, 6 per
    // point, CurveStream: as many as are final), steps, diagnostics, diagStride (when asked for)},
    // {kind: 'restart', line}, {kind: 'line-end', line, finished, attempts, ok, problem, seed,
    // curves}, {kind: 'placed', width, height, pages, title, lines: [{page, baseline, points,
    // curves, strokeChars}]}.
    val events() {
        val out = val::array();
        for (const PageEvent& e : writer_.take_events()) out.call<void>("push", event_js(e));
        return out;
    }

    // The written page as an export of the paper it was started with: format 'svg', 'plot-svg' or
    // 'gcode'; pen as pen_from reads it. {text, error, note (written smaller to fit), title,
    // width, height (the paper, mm)}.
    val export_page(const std::string& format, const val& pen) const {
        val out = val::object();
        PenStyle style;
        GcodeOptions gcode;
        Status s = !writer_.done() ? Status::error("the page is not written yet")
                   : !on_paper_    ? Status::error("the page was not written for paper")
                                   : pen_from(pen, style, gcode);
        std::string text;
        const Sheet sheet = s ? sheet_of() : Sheet{};
        if (s) s = sheet_export(format, sheet, style, gcode, text);
        out.set("text", text);
        out.set("error", s ? std::string() : s.message);
        out.set("note", fit_note(sheet));
        out.set("title", sheet.title);
        out.set("width", sheet.width_mm);  // the paper, mm (a PNG drawn of the SVG takes its size)
        out.set("height", sheet.height_mm);
        return out;
    }

private:
    Status layout_from(const val& opts, LayoutOptions& lay) {
        const float lh = model_->model().norm.line_height;
        const val paper = opts["paper"];
        on_paper_ = !paper.isUndefined() && !paper.isNull();
        if (on_paper_) {
            Status s = paper_from(paper, paper_);
            if (s) lay = paper_layout(lh, paper_, paper["paged"].isTrue());
            return s;
        }
        lay.width = static_cast<float>(number_in(opts, "width", 0));
        lay.line_spacing = kLineSpacing * static_cast<float>(number_in(opts, "lineSpacing", 1));
        const std::string align = string_in(opts, "align");
        if (!align.empty() && !parse_align(align, lay.align)) return Status::error("unknown alignment \"" + align + "\"");
        return Status::success();
    }

    Sheet sheet_of() const {
        const PageResult& r = writer_.result();
        std::u32string text;
        for (const PlannedLine& l : r.plan) text += (text.empty() ? U"" : U" ") + l.text;
        return page_sheet(r.placed, mm_per_unit(model_->model().norm.line_height, paper_), paper_, page_title(text));
    }

    val event_js(const PageEvent& e);
    val plan_js();
    val points_js(const PageEvent& e);
    val line_end_js(const PageEvent& e);
    val placed_js();

    const WasmModel* model_;
    PageWriter writer_;
    Priming style_;
    Paper paper_;
    bool on_paper_ = false;
    std::vector<PenPosition> pens_;    // per line: the pen after the points handed out
    std::vector<CurveStream> curves_;  // per line: the curves of those points
};

val WasmPageWriter::event_js(const PageEvent& e) {
    using K = PageEvent::Kind;
    val o = val::object();
    if (e.kind == K::Plan) return plan_js();
    if (e.kind == K::Points) return points_js(e);
    if (e.kind == K::LineEnd) return line_end_js(e);
    if (e.kind == K::Placed) return placed_js();
    if (e.line < pens_.size()) pens_[e.line] = PenPosition{}, curves_[e.line] = CurveStream{};  // a line (again)
    o.set("kind", std::string(e.kind == K::Line ? "line" : "restart"));
    o.set("line", static_cast<double>(e.line));
    if (e.kind == K::Line) {
        o.set("text", e.text);
        o.set("maxSteps", e.max_steps);
    }
    return o;
}

val WasmPageWriter::plan_js() {
    const std::vector<PlannedLine>& plan = writer_.result().plan;
    pens_.resize(plan.size());
    curves_.resize(plan.size());
    val lines = val::array();
    for (const PlannedLine& l : plan) {
        val line = val::object();
        line.set("text", utf8_encode(l.text));
        line.set("paragraph", static_cast<double>(l.paragraph));
        line.set("paragraphEnd", l.paragraph_end);
        lines.call<void>("push", line);
    }
    val o = val::object();
    o.set("kind", std::string("plan"));
    o.set("lines", lines);
    return o;
}

val WasmPageWriter::points_js(const PageEvent& e) {
    const Model& m = model_->model();
    std::vector<float> positions, curves, diag;
    int stride = 0;
    for (const Point& p : e.points) {
        pens_[e.line].advance(p, m.norm.scale_x, m.norm.scale_y);
        positions.insert(positions.end(), {pens_[e.line].x, pens_[e.line].y, p.pen_up});
        curves_[e.line].add(pens_[e.line].x, pens_[e.line].y, p.pen_up > 0.5f, curves);
    }
    for (const StepDiagnostics& d : e.diag) {  // [eos, pi, mu1, mu2, sigma1, sigma2, rho (M each), phi (U)]
        const Mixture& x = d.mixture;
        stride = static_cast<int>(1 + 6 * x.pi.size() + d.phi.size());
        diag.push_back(x.eos);
        for (const auto* v : {&x.pi, &x.mu1, &x.mu2, &x.sigma1, &x.sigma2, &x.rho, &d.phi}) diag.insert(diag.end(), v->begin(), v->end());
    }
    val o = val::object();
    o.set("kind", std::string("points"));
    o.set("line", static_cast<double>(e.line));
    o.set("positions", typed_copy(positions));
    o.set("attention", typed_copy(e.peaks));
    o.set("curves", typed_copy(curves));
    o.set("steps", e.steps);
    if (!e.diag.empty()) {
        o.set("diagnostics", typed_copy(diag));
        o.set("diagStride", stride);
    }
    return o;
}

val WasmPageWriter::line_end_js(const PageEvent& e) {
    const WrittenLine& w = writer_.result().lines[e.line];
    std::vector<float> curves;
    curves_[e.line].finish(curves);
    val o = val::object();
    o.set("kind", std::string("line-end"));
    o.set("line", static_cast<double>(e.line));
    o.set("finished", w.finished);
    o.set("attempts", w.attempts);
    o.set("ok", w.check.ok);
    o.set("problem", w.check.problem);
    o.set("seed", static_cast<double>(w.seed));
    o.set("curves", typed_copy(curves));
    return o;
}

val WasmPageWriter::placed_js() {
    const PageResult& r = writer_.result();
    val lines = val::array();
    for (const PlacedLine& pl : r.placed.lines) {
        std::vector<float> points, curves;
        flatten(pl.strokes, points, curves);
        val line = val::object();
        line.set("page", pl.page);
        line.set("baseline", pl.baseline);
        line.set("points", typed_copy(points));
        line.set("curves", typed_copy(curves));
        line.set("strokeChars", val::array(pl.stroke_char.begin(), pl.stroke_char.end()));
        lines.call<void>("push", line);
    }
    std::u32string text;
    for (const PlannedLine& l : r.plan) text += (text.empty() ? U"" : U" ") + l.text;
    val o = val::object();
    o.set("kind", std::string("placed"));
    o.set("width", r.placed.width);
    o.set("height", r.placed.height);
    o.set("pages", r.placed.pages);
    o.set("title", page_title(text));
    o.set("lines", lines);
    return o;
}

// renderSvg(lines, {strokeWidth, colour}, title): a drawing as an SVG picture, by the core's
// renderer (render_svg: the curves and dots of every export). lines: [Float32Array of (x, y, pen
// lifted after it) in the drawing's pixels].
std::string render_svg_js(const val& lines, const val& style, const std::string& title) {
    std::vector<InkStroke> strokes;
    for (size_t i = 0, n = lines["length"].as<size_t>(); i < n; ++i) {
        const std::vector<float> f = emscripten::convertJSArrayToNumberVector<float>(lines[i]);
        InkStroke cur;
        for (size_t k = 0; k + 2 < f.size(); k += 3) {
            cur.x.push_back(f[k]);
            cur.y.push_back(f[k + 1]);
            if (f[k + 2] > 0.5f || k + 5 >= f.size()) strokes.push_back(std::move(cur)), cur = InkStroke{};
        }
    }
    RenderStyle st;
    st.pixels_per_unit = 1;
    st.stroke_width = static_cast<float>(number_in(style, "strokeWidth", st.stroke_width));
    if (!string_in(style, "colour").empty()) st.colour = string_in(style, "colour");
    return render_svg(strokes, st, title);
}

// The page's constants and limits, from the one place each is defined.
val constants() {
    using L = PaperLimits;
    val o = val::object();
    o.set("maxPageChars", static_cast<double>(kMaxPageChars));
    o.set("maxTextChars", static_cast<double>(kMaxTextChars));
    o.set("lineSpacing", kLineSpacing);
    o.set("lineHeightPerXHeight", kLineHeightPerXHeight);
    o.set("attempts", kLineAttempts);
    o.set("ink", std::string(kInkColour));
    const std::pair<const char*, std::pair<float, float>> limits[] = {
        {"margin", {L::kMinMarginMm, L::kMaxMarginMm}},         {"xHeight", {L::kMinXHeightMm, L::kMaxXHeightMm}},
        {"lineSpacing", {L::kMinLineSpacing, L::kMaxLineSpacing}}, {"dpi", {L::kMinDpi, L::kMaxDpi}},
        {"penWidth", {L::kMinPenMm, L::kMaxPenMm}},             {"feed", {L::kMinFeed, L::kMaxFeed}},
        {"z", {L::kMinZMm, L::kMaxZMm}}};
    val lim = val::object();
    for (const auto& [name, range] : limits) {
        val r = val::array();
        r.call<void>("push", range.first);
        r.call<void>("push", range.second);
        lim.set(name, r);
    }
    o.set("limits", lim);
    return o;
}

// paperSize('a4' | 'letter' | ... | 'WxH') -> [width, height] in mm, or null.
val paper_size_js(const std::string& name) {
    float w, h;
    if (!parse_page_size(name, w, h)) return val::null();
    val out = val::array();
    out.call<void>("push", w);
    out.call<void>("push", h);
    return out;
}

// penCommands('servo' | 'z', zUp, zDown) -> {up, down}: the preset's G-code lines, or null.
val pen_commands_js(const std::string& name, double z_up, double z_down) {
    GcodeOptions g;
    if (!gcode_pen_preset(name, static_cast<float>(z_up), static_cast<float>(z_down), g)) return val::null();
    val out = val::object();
    out.set("up", g.pen_up);
    out.set("down", g.pen_down);
    return out;
}

}  // namespace
}  // namespace hw

EMSCRIPTEN_BINDINGS(hw_page) {
    using hw::WasmPageWriter;
    emscripten::class_<WasmPageWriter>("PageWriter")
        .constructor<const hw::WasmModel&>()
        .function("start", &WasmPageWriter::start)
        .function("step", &WasmPageWriter::step)
        .function("done", &WasmPageWriter::done)
        .function("cancel", &WasmPageWriter::cancel)
        .function("events", &WasmPageWriter::events)
        .function("exportPage", &WasmPageWriter::export_page);
    emscripten::function("renderSvg", &hw::render_svg_js);
    emscripten::function("constants", &hw::constants);
    emscripten::function("paperSize", &hw::paper_size_js);
    emscripten::function("penCommands", &hw::pen_commands_js);
}
