// hw score --model F.hwm --ink F.jsonl: the model's negative log-likelihood of each ink record
// (nats), as JSON or as a table.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_app.h"
#include "command.h"
#include "exit_codes.h"
#include "ink_input.h"
#include "json_text.h"
#include "model_file.h"
#include "score.h"

namespace hw {

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
    const Status read = read_ink_reporting(path, lines, skipped);
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
    return json_text(j) + "\n";
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

struct ScoreArgs {
    std::string model, ink, format = "json";
};

static void bind_score(CLI::App& app, ScoreArgs& a) {
    app.add_option("--model", a.model, "the model (.hwm)")->required();
    app.add_option("--ink", a.ink, "ink records (JSON Lines, docs/INK.md)")->required();
    app.add_option("--format", a.format, "the output: JSON, or a table as text")->check(CLI::IsMember({"json", "text"}));
}

static int run_score(int argc, char** argv) {
    const Fail fail{"hw"};
    ScoreArgs a;
    CLI::App app(kScoreCommand.summary);
    use_conventions(app);
    bind_score(app, a);
    Status s = parse_command(app, argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message);
    Model m;
    if (!(s = load_model_file(a.model, m))) return fail(kExitBadInput, s.message);
    std::vector<ScoredRecord> recs;
    size_t skipped = 0;
    if (!(s = score_ink_file(m, a.ink, recs, skipped))) return fail(kExitBadInput, s.message);
    const std::string text = a.format == "json" ? score_json(recs, skipped) : score_table(recs, skipped);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
}

const Command kScoreCommand{"score", "a model's negative log-likelihood of each record of an ink file (nats)", run_score};

}  // namespace hw
