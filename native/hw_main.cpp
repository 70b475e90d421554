// hw: the native command-line front end of the inference core.
//   hw sample --model F --text "..." [options] -o OUT
//   hw info F
//   hw convert IN.hwm OUT.hwm [--precision f32|f16|int8] [--meta KEY=JSON]...
//   hw score --model F.hwm --ink F.jsonl [--format json|text]
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "files.h"
#include "generator.h"
#include "hwm_format.h"
#include "ink_jsonl.h"
#include "model.h"
#include "model_file.h"
#include "render.h"
#include "score.h"
#include "text.h"

using namespace hw;

static const char* kUsage =
    "usage:\n"
    "  hw sample --model F.hwm --text \"...\" [-o OUT] [--format svg|json|png]\n"
    "            [--bias B] [--seed N] [--greedy] [--max-steps N] [--replace-unknown C]\n"
    "            [--prime-ink F.jsonl [--prime-index I] [--prime-text \"...\"]]\n"
    "            [--stroke-width W] [--height PX] [--diagnostics]\n"
    "  hw info F.hwm\n"
    "  hw convert IN.hwm OUT.hwm [--precision f32|f16|int8] [--meta KEY=JSON[,KEY=JSON...]]\n"
    "  hw score --model F.hwm --ink F.jsonl [--format json|text]\n"
    "Without --format, the extension of -o decides; without -o, JSON goes to standard output.\n"
    "score: the model's negative log-likelihood of each ink record (nats; JSON by default).\n";

const Fail fail{"hw"};


static int cmd_info(int argc, char** argv) {
    Args args({}, {});
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
    for (const std::string& item : args.has("--meta") ? split_list(args.get("--meta")) : std::vector<std::string>{}) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return fail(2, "--meta: \"" + item + "\" is not KEY=JSON");
        nlohmann::json v = nlohmann::json::parse(item.substr(eq + 1), nullptr, false);
        if (v.is_discarded()) v = item.substr(eq + 1);  // a bare word is taken as a string
        f.header["meta"][item.substr(0, eq)] = v;
    }
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
    if (!(s = prepare_ink(m, line.strokes, prime.points))) return Status::error(a.get("--prime-ink") + ": " + s.message);
    prime.text = a.has("--prime-text") ? a.get("--prime-text") : line.text;
    if (prime.text.empty()) return Status::error("--prime-ink: the record has no text; give --prime-text");
    return s;
}

static std::string format_of(const Args& a) {
    if (a.has("--format")) return a.get("--format");
    const std::string out = a.get("--output");
    const size_t dot = out.rfind('.');
    return dot == std::string::npos ? "json" : out.substr(dot + 1);
}

static std::string points_json(const Generator& g, const std::vector<Point>& pts, const Model& m,
                               const std::vector<StepDiagnostics>* diag) {
    nlohmann::json j;
    j["text"] = utf8_encode(g.text());
    nlohmann::json arr = nlohmann::json::array();
    for (const Point& p : pts) arr.push_back({p.dx, p.dy, static_cast<int>(p.pen_up)});
    j["points"] = arr;
    j["steps"] = g.steps();
    j["finished"] = g.finished();
    j["dropped"] = g.dropped();  // points of a stray stroke after the end, left out
    j["scale"] = {m.norm.scale_x, m.norm.scale_y};
    if (diag) {
        nlohmann::json d = nlohmann::json::array();
        for (const auto& s : *diag)
            d.push_back({{"phi", s.phi}, {"kappa", s.kappa}, {"pi", s.mixture.pi}, {"mu1", s.mixture.mu1},
                         {"mu2", s.mixture.mu2}, {"sigma1", s.mixture.sigma1}, {"sigma2", s.mixture.sigma2},
                         {"rho", s.mixture.rho}, {"eos", s.mixture.eos}});
        j["diagnostics"] = d;
    }
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
    opt.diagnostics = a.has("--diagnostics");
    replacement = 0;
    if (a.has("--replace-unknown")) {
        std::u32string r;
        if (!utf8_decode(a.get("--replace-unknown"), r) || r.size() != 1)
            return Status::error("--replace-unknown takes exactly one character");
        replacement = r[0];
    }
    return Status::success();
}

static Status write_output(const Args& a, const std::string& fmt, const Generator& g, const std::vector<Point>& pts,
                           const Model& m, const std::vector<StepDiagnostics>* diag) {
    const std::string out = a.get("--output");
    RenderStyle style;
    double w = style.stroke_width, h = style.height;
    Status s;
    if (!(s = a.get_float("--stroke-width", 0.1, 50, w))) return s;
    if (!(s = a.get_float("--height", 16, 4000, h))) return s;
    style.stroke_width = static_cast<float>(w);
    style.height = static_cast<float>(h);
    const auto lines = offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y);
    if (fmt == "json") {
        const std::string text = points_json(g, pts, m, diag);
        if (out.empty() || out == "-") {
            std::fwrite(text.data(), 1, text.size(), stdout);
            return Status::success();
        }
        return write_file_atomic(out, text);
    }
    if (out.empty() || out == "-") return Status::error("--format " + fmt + " needs -o FILE");
    if (fmt == "svg") return write_file_atomic(out, render_svg(lines, style, utf8_encode(g.text())));
    const auto png = render_png(lines, style);
    return write_file_atomic(out, png.data(), png.size());
}

static int cmd_sample(int argc, char** argv) {
    Args a({"--model", "--text", "--bias", "--seed", "--format", "--output", "--prime-ink", "--prime-text",
            "--prime-index", "--max-steps", "--replace-unknown", "--stroke-width", "--height"},
           {"--greedy", "--diagnostics"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(2, s.message + "\n" + kUsage);
    if (!a.has("--model")) return fail(2, std::string("sample needs --model\n") + kUsage);
    const std::string fmt = format_of(a);
    if (fmt != "svg" && fmt != "json" && fmt != "png") return fail(2, "unknown output format \"" + fmt + "\" (svg, json, png)");
    GenerateOptions opt;
    char32_t replacement = 0;
    if (!(s = read_options(a, opt, replacement))) return fail(2, s.message);
    Model m;
    if (!(s = load_model_file(a.get("--model"), m))) return fail(2, s.message);
    if (m.hp.kind == ModelKind::Synthesis && !a.has("--text")) return fail(2, "a synthesis model needs --text");
    Priming prime;
    if (a.has("--prime-ink") && !(s = load_priming(a, m, prime))) return fail(2, s.message);
    Generator g;
    if (!(s = g.start(m, a.get("--text"), opt, a.has("--prime-ink") ? &prime : nullptr, replacement)))
        return fail(2, s.message);
    for (const auto& r : g.replaced())
        std::fprintf(stderr, "hw: replaced '%s' at position %zu\n", utf8_encode(r.second).c_str(), r.first + 1);
    std::vector<Point> pts;
    std::vector<StepDiagnostics> diag;
    while (!g.done()) g.run(4096, pts, opt.diagnostics ? &diag : nullptr);
    if (m.hp.kind == ModelKind::Synthesis && !g.finished())
        std::fprintf(stderr, "hw: stopped at the step cap (%d) before the attention reached the end of the text\n", g.max_steps());
    if (!(s = write_output(a, fmt, g, pts, m, opt.diagnostics ? &diag : nullptr))) return fail(2, s.message);
    return 0;
}

// One scored ink record, with the line of the file it came from.
struct ScoredRecord {
    size_t line = 0;
    std::string text;
    LineScore score;
};

// Prepares a record's ink exactly as priming does, then scores it; messages start with FILE:LINE.
static Status score_record(const Model& m, const InkLine& rec, const std::string& path, ScoredRecord& out) {
    const std::string where = path + ":" + std::to_string(rec.line);
    std::vector<Point> pts;
    Status s = prepare_ink(m, rec.strokes, pts);
    if (!s || !(s = score_points(m, rec.text, pts, out.score))) return Status::error(where + ": " + s.message);
    out.line = rec.line;
    out.text = rec.text;
    return s;
}

// Scores every record of an ink file; each bad one (unreadable, or refused by the preparation or
// the model) is reported on standard error as FILE:LINE and skipped.
static Status score_ink_file(const Model& m, const std::string& path, std::vector<ScoredRecord>& out, size_t& skipped) {
    std::vector<InkLine> lines;
    InkReadReport report;
    const Status read = read_ink_file(path, lines, report);
    report_skipped(report);
    skipped = report.skipped.size();
    if (!read) return read;
    for (const InkLine& rec : lines) {
        ScoredRecord r;
        const Status s = score_record(m, rec, path, r);
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
    Args a({"--model", "--ink", "--format"}, {"--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(2, s.message + "\n" + kUsage);
    if (a.has("--help")) return std::fputs(kUsage, stdout), 0;
    if (!a.has("--model") || !a.has("--ink")) return fail(2, std::string("score needs --model and --ink\n") + kUsage);
    if (!a.positional().empty()) return fail(2, "score: unexpected argument \"" + a.positional()[0] + "\"\n" + kUsage);
    const std::string fmt = a.get("--format", "json");
    if (fmt != "json" && fmt != "text") return fail(2, "unknown score format \"" + fmt + "\" (json, text)");
    Model m;
    if (!(s = load_model_file(a.get("--model"), m))) return fail(2, s.message);
    std::vector<ScoredRecord> recs;
    size_t skipped = 0;
    if (!(s = score_ink_file(m, a.get("--ink"), recs, skipped))) return fail(2, s.message);
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
