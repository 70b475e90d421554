// The WebAssembly binding: a thin embind layer over the core. JavaScript owns every object
// (Model, Generator, Stepper) through handles and frees them with .delete(); nothing here is
// global. Points leave through typed-array views of WASM memory that the caller copies at once
// (a view dies when memory grows).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "binding.h"
#include "generator.h"
#include "ink.h"
#include "model.h"
#include "sheet.h"
#include "text.h"

namespace hw {

// The one conversion of priming ink from JavaScript: strokes as a style file holds them,
// [[[x, y] or [x, y, t], ...], ...] (absolute points, y down, any unit; t in milliseconds, on
// every point of a stroke or on none), into the core's InkStrokes.
static Status strokes_from(const val& js, std::vector<InkStroke>& out) {
    out.clear();
    if (!js.isArray()) return Status::error("priming ink must be strokes: [[[x, y], ...], ...]");
    const size_t n = js["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i) {
        const val stroke = js[i];
        const std::string where = "priming ink stroke " + std::to_string(i + 1);
        if (!stroke.isArray()) return Status::error(where + " is not an array of points");
        InkStroke s;
        const size_t m = stroke["length"].as<size_t>();
        for (size_t j = 0; j < m; ++j) {
            const val p = stroke[j];
            const size_t k = p.isArray() ? p["length"].as<size_t>() : 0;
            bool numbers = k == 2 || k == 3;
            for (size_t c = 0; numbers && c < k; ++c) numbers = p[c].isNumber();
            if (!numbers) return Status::error(where + ", point " + std::to_string(j + 1) + " is not [x, y] or [x, y, t]");
            s.x.push_back(p[0].as<float>());
            s.y.push_back(p[1].as<float>());
            if (k == 3) s.t.push_back(p[2].as<float>());
        }
        if (!s.t.empty() && s.t.size() != s.x.size())
            return Status::error(where + " has time stamps on some points only");
        out.push_back(std::move(s));
    }
    return Status::success();
}

Status priming_from(const Model& m, const val& strokes, const std::string& text, Priming& out) {
    std::vector<InkStroke> ink;
    Status s = strokes_from(strokes, ink);
    if (!s) return s;
    if (!(s = prepare_ink(m, ink, out.points))) return Status::error("priming ink: " + s.message);
    out.text = text;
    return s;
}

namespace {

using emscripten::val;

// One generation: start() with an options object, then run(n) repeatedly until done().
class WasmGenerator {
public:
    explicit WasmGenerator(const WasmModel& m) : model_(&m) {}

    // opts: {bias, seed, maxSteps, greedy, attention, primeStrokes (a style's strokes, as in its
    // JSON), primeText}. Text the model cannot write is refused with a message naming the
    // characters (the page prepares typed text first: Model.prepareText). Returns "" or the
    // core's message (unknown characters, bad bias, bad ink...).
    std::string start(const std::string& text, const val& opts) {
        if (!model_->loaded()) return "no model loaded";
        GenerateOptions opt;
        opt.bias = number_or(opts, "bias", 0.0);
        opt.seed = static_cast<uint64_t>(number_or(opts, "seed", 0.0));
        opt.max_steps = static_cast<int>(number_or(opts, "maxSteps", 0.0));
        opt.greedy = opts["greedy"].isTrue();
        track_attention_ = opts["attention"].isTrue();
        opt.diagnostics = track_diag_ = opts["diagnostics"].isTrue();
        Priming prime;
        const val strokes = opts["primeStrokes"];
        const bool primed = !strokes.isUndefined() && !strokes.isNull();
        if (primed) {
            const Status s = priming_from(model_->model(), strokes, string_or(opts, "primeText"), prime);
            if (!s) return s.message;
        }
        points_.clear();
        positions_.clear();
        pen_ = PenPosition{};
        stream_ = CurveStream{};
        const Status s = gen_.start(model_->model(), text, opt, primed ? &prime : nullptr);
        return s ? "" : s.message;
    }

    // Produces up to n points. Then points() holds their (dx, dy, pen_up) offsets as the core
    // samples them (what the native CLI prints), positions() the same points as (x, y, pen_up)
    // in data units from the start of the line, and with {attention: true} attention() the
    // character each was written at.
    int run(int n) {
        begin_run();
        if (!gen_.done()) gen_.run(n, pts_, track_diag_ ? &diag_ : nullptr, track_attention_ ? &attention_ : nullptr);
        return end_run();
    }

    // Several generators of one model step together (Generator::run_together): afterwards each
    // holds what its own run(n) would have given, bit for bit. Returns the points per generator.
    static val run_together(const val& generators, int n) {
        std::vector<WasmGenerator*> gens;
        const size_t count = generators["length"].as<size_t>();
        for (size_t i = 0; i < count; ++i) gens.push_back(generators[i].as<WasmGenerator*>(emscripten::allow_raw_pointers()));
        std::vector<Generator*> cores;
        std::vector<std::vector<Point>> pts(count);
        std::vector<std::vector<int>> peaks(count);
        for (WasmGenerator* g : gens) g->begin_run(), cores.push_back(&g->gen_);
        Generator::run_together(cores.data(), static_cast<int>(count), n, pts.data(), peaks.data());
        val got = val::array();
        for (size_t i = 0; i < count; ++i) {
            gens[i]->pts_.swap(pts[i]);
            if (gens[i]->track_attention_) gens[i]->attention_.swap(peaks[i]);
            got.call<void>("push", gens[i]->end_run());
        }
        return got;
    }

    // Before a run: no points yet.
    void begin_run() {
        pts_.clear();
        attention_.clear();
        diag_.clear();
    }

    // After a run: the points in pts_ as points_ and positions_; returns how many.
    int end_run() {
        const Model& m = model_->model();
        points_.resize(3 * pts_.size());
        positions_.resize(3 * pts_.size());
        for (size_t i = 0; i < pts_.size(); ++i) {
            const Point& p = pts_[i];
            pen_.advance(p, m.norm.scale_x, m.norm.scale_y);
            points_[3 * i] = p.dx;
            points_[3 * i + 1] = p.dy;
            points_[3 * i + 2] = p.pen_up;
            positions_[3 * i] = pen_.x;
            positions_[3 * i + 1] = pen_.y;
            positions_[3 * i + 2] = p.pen_up;
        }
        curves_.clear();
        for (size_t i = 0; i < pts_.size(); ++i)
            stream_.add(positions_[3 * i], positions_[3 * i + 1], positions_[3 * i + 2] > 0.5f, curves_);
        if (gen_.done()) stream_.finish(curves_);
        flatten_diagnostics();
        return static_cast<int>(pts_.size());
    }
    // Views of the last run's points: copy them (slice) before calling into the module again.
    val points() const { return view(points_); }
    val positions() const { return view(positions_); }
    // The curves into the points handed out so far that are final (6 numbers each: the core's
    // CurveStream, shared/sheet.h), the rest once the generation is done: what the canvas draws.
    val curves() const { return view(curves_); }
    // Per point of the last run: the index in text() where the window weights peaked (U: past the end).
    val attention() const { return view(attention_); }
    // With {diagnostics: true} (run() only; runTogether collects none): per point of the last run,
    // diagnosticsStride() floats: [eos, pi (M), mu1 (M), mu2 (M), sigma1 (M), sigma2 (M), rho (M),
    // phi (U: over text())], the biased mixture the point was drawn from (offsets in normalised
    // units) and the window weights, for the page's live views.
    val diagnostics() const { return view(diag_flat_); }
    int diagnostics_stride() const { return diag_stride_; }

    bool done() const { return gen_.done(); }
    bool finished() const { return gen_.finished(); }
    int steps() const { return gen_.steps(); }
    int max_steps() const { return gen_.max_steps(); }
    std::string text() const { return utf8_encode(gen_.text()); }

private:
    static double number_or(const val& o, const char* key, double fallback) {
        const val v = o[key];
        return v.isNumber() ? v.as<double>() : fallback;
    }
    template <typename T>
    static val view(const std::vector<T>& v) { return val(emscripten::typed_memory_view(v.size(), v.data())); }
    static std::string string_or(const val& o, const char* key) {
        const val v = o[key];
        return v.isString() ? v.as<std::string>() : std::string();
    }

    void flatten_diagnostics() {
        diag_flat_.clear();
        for (const StepDiagnostics& d : diag_) {
            const Mixture& x = d.mixture;
            diag_stride_ = static_cast<int>(1 + 6 * x.pi.size() + d.phi.size());
            diag_flat_.push_back(x.eos);
            for (const auto* v : {&x.pi, &x.mu1, &x.mu2, &x.sigma1, &x.sigma2, &x.rho, &d.phi})
                diag_flat_.insert(diag_flat_.end(), v->begin(), v->end());
        }
    }

    const WasmModel* model_;
    Generator gen_;
    std::vector<Point> pts_;
    PenPosition pen_;             // where the pen is after the points handed out so far
    CurveStream stream_;          // the curves of those points
    std::vector<float> curves_;   // the curves that became final in the last run
    std::vector<float> points_;   // (dx, dy, pen_up) per point of the last run
    std::vector<float> positions_;  // (x, y, pen_up) per point of the last run, data units
    std::vector<int> attention_;
    bool track_attention_ = false;
    bool track_diag_ = false;
    std::vector<StepDiagnostics> diag_;
    std::vector<float> diag_flat_;  // diag_ flattened, diag_stride_ floats per point
    int diag_stride_ = 0;
};

// Teacher-forced stepping for tests and diagnostics: feed given points, read the mixture.
class WasmStepper {
public:
    WasmStepper(const WasmModel& m, const val& codes)
        : model_(&m), state_(make_state(m.model(), emscripten::convertJSArrayToNumberVector<int>(codes))) {}

    // One step with input (dx, dy, pen_up); the mixture (bias 0) is then in mixture():
    // [eos, pi (M), mu1 (M), mu2 (M), sigma1 (M), sigma2 (M), rho (M), phi (U+1 or 0), kappa (K or 0)].
    void step(float dx, float dy, float pen_up, float bias) {
        const Model& m = model_->model();
        hw::step(m, state_, Point{dx, dy, pen_up});
        mixture_from_output(m, state_.y, bias, mix_);
        out_.assign(1, mix_.eos);
        for (const auto* v : {&mix_.pi, &mix_.mu1, &mix_.mu2, &mix_.sigma1, &mix_.sigma2, &mix_.rho})
            out_.insert(out_.end(), v->begin(), v->end());
        if (m.hp.kind == ModelKind::Synthesis) {
            out_.insert(out_.end(), state_.phi.data(), state_.phi.data() + state_.phi.size());
            out_.insert(out_.end(), state_.kappa.data(), state_.kappa.data() + state_.kappa.size());
        }
    }
    val mixture() const { return val(emscripten::typed_memory_view(out_.size(), out_.data())); }

private:
    const WasmModel* model_;
    State state_;
    Mixture mix_;
    std::vector<float> out_;
};

}  // namespace
}  // namespace hw

EMSCRIPTEN_BINDINGS(hw_core) {
    using namespace emscripten;
    using hw::WasmGenerator;
    using hw::WasmModel;
    using hw::WasmStepper;
    class_<WasmModel>("Model")
        .constructor<>()
        .function("load", &WasmModel::load)
        .function("loaded", &WasmModel::loaded)
        .function("headerJson", &WasmModel::header_json)
        .function("alphabet", &WasmModel::alphabet)
        .function("kind", &WasmModel::kind)
        .function("scaleX", &WasmModel::scale_x)
        .function("scaleY", &WasmModel::scale_y)
        .function("lineHeight", &WasmModel::line_height)
        .function("maxStepsPerChar", &WasmModel::max_steps_per_char)
        .function("maxTextChars", &WasmModel::max_text_chars)
        .function("weightBytes", &WasmModel::weight_bytes)
        .function("prepareText", &WasmModel::prepare_text);
    class_<WasmGenerator>("Generator")
        .constructor<const WasmModel&>()
        .function("start", &WasmGenerator::start)
        .function("run", &WasmGenerator::run)
        .function("points", &WasmGenerator::points)
        .function("positions", &WasmGenerator::positions)
        .function("curves", &WasmGenerator::curves)
        .function("attention", &WasmGenerator::attention)
        .function("diagnostics", &WasmGenerator::diagnostics)
        .function("diagnosticsStride", &WasmGenerator::diagnostics_stride)
        .function("done", &WasmGenerator::done)
        .function("finished", &WasmGenerator::finished)
        .function("steps", &WasmGenerator::steps)
        .function("maxSteps", &WasmGenerator::max_steps)
        .function("text", &WasmGenerator::text);
    // hw.runTogether([g1, g2, ...], n): each generator as after its own g.run(n) (same bits), the
    // network steps of all taken together; returns [points of g1, ...].
    function("runTogether", &WasmGenerator::run_together);
    class_<WasmStepper>("Stepper")
        .constructor<const WasmModel&, const val&>()
        .function("step", &WasmStepper::step)
        .function("mixture", &WasmStepper::mixture);
}

// ---- Ink files (docs/INK.md): the core's reader (shared/ink_jsonl.h), the page's only one ----
#include "ink_jsonl.h"

namespace hw {
namespace {

// readInkJsonl(text, name) -> {records: [JSON text of each good record], errors: ['NAME:LINE: what']}:
// every record of a JSONL text checked by the core's reader; the page keeps the good ones as it
// parses them (JSON.parse) and shows the errors.
emscripten::val read_ink_jsonl_js(const std::string& text, const std::string& name) {
    emscripten::val records = emscripten::val::array(), errors = emscripten::val::array();
    for (const InkRecordText& r : ink_records(text)) {
        InkLine line;
        const Status s = parse_ink_line(r.json, name + ":" + std::to_string(r.line), line);
        if (s) records.call<void>("push", r.json);
        else errors.call<void>("push", s.message);
    }
    emscripten::val out = emscripten::val::object();
    out.set("records", records);
    out.set("errors", errors);
    return out;
}

}  // namespace
}  // namespace hw

EMSCRIPTEN_BINDINGS(hw_ink) {
    emscripten::function("readInkJsonl", &hw::read_ink_jsonl_js);
}
