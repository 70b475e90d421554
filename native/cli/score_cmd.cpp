// hw score --model F.hwm --ink F.jsonl: the model's negative log-likelihood of each ink record
// (nats), as JSON or as a table; with --prime, how much priming with a line of a writer lowers the
// NLL of that writer's next line (nats per point).
#include <cstdio>
#include <map>
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
    const Status read = read_ink_reporting(path, lines, skipped);
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

// One pair of a writer's records: B scored alone and after A as priming ink.
struct PrimedPair {
    size_t prime_line = 0, line = 0;
    std::string writer, text;
    LineScore alone, primed;
    double gain() const { return alone.nats_per_point() - primed.nats_per_point(); }
};

// Pairs each record with the one before it of the same writer (records without a writer are
// left out); each pair's B is scored alone and primed by A, prepared as priming ink is.
static Status score_pairs(const Model& m, const std::string& path, std::vector<PrimedPair>& out, size_t& skipped) {
    std::vector<InkLine> lines;
    Status s = read_ink_reporting(path, lines, skipped);
    if (!s) return s;
    std::map<std::string, const InkLine*> last;
    for (const InkLine& rec : lines) {
        if (rec.writer.empty()) continue;
        const InkLine* a = last[rec.writer];
        last[rec.writer] = &rec;
        if (!a) continue;
        PrimedPair p{a->line, rec.line, rec.writer, rec.text, {}, {}};
        Priming prime{{}, a->text};
        std::vector<Point> pts;
        const std::string where = path + ":" + std::to_string(rec.line);
        if (!(s = prepare_ink(m, a->strokes, prime.points)) || !(s = prepare_ink(m, rec.strokes, pts)) ||
            !(s = score_points(m, rec.text, pts, p.alone)) || !(s = score_points_primed(m, prime, rec.text, pts, p.primed))) {
            std::fprintf(stderr, "%s: %s\n", where.c_str(), s.message.c_str());
            ++skipped;
            continue;
        }
        out.push_back(std::move(p));
    }
    if (out.empty()) return Status::error(path + ": no two usable records of one writer (the field \"writer\") to pair");
    return Status::success();
}

static std::string pairs_json(const std::vector<PrimedPair>& pairs, size_t skipped) {
    nlohmann::json arr = nlohmann::json::array();
    double gain = 0;
    for (const auto& p : pairs) {
        arr.push_back({{"prime_line", p.prime_line}, {"line", p.line}, {"writer", p.writer}, {"text", p.text},
                       {"alone", p.alone.nats_per_point()}, {"primed", p.primed.nats_per_point()}, {"gain", p.gain()}});
        gain += p.gain() / static_cast<double>(pairs.size());
    }
    return json_text({{"pairs", arr}, {"count", pairs.size()}, {"skipped", skipped}, {"mean_gain", gain}}) + "\n";
}

static std::string pairs_table(const std::vector<PrimedPair>& pairs, size_t skipped) {
    std::string out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%6s %6s %10s %10s %8s  %s\n", "prime", "line", "alone", "primed", "gain", "writer");
    out += buf;
    double gain = 0;
    for (const auto& p : pairs) {
        std::snprintf(buf, sizeof buf, "%6zu %6zu %10.4f %10.4f %8.4f  ", p.prime_line, p.line, p.alone.nats_per_point(),
                      p.primed.nats_per_point(), p.gain());
        out += buf + p.writer + "\n";
        gain += p.gain() / static_cast<double>(pairs.size());
    }
    std::snprintf(buf, sizeof buf, "mean gain %.4f nats/point over %zu pairs, %zu skipped\n", gain, pairs.size(), skipped);
    return out + buf;
}

struct ScoreArgs {
    std::string model, ink, format = "json";
    bool prime = false;
    long long max_points = kDefaultScorePoints;
};

static void bind_score(CLI::App& app, ScoreArgs& a) {
    app.add_option("--model", a.model, "the model (.hwm)")->required();
    app.add_option("--ink", a.ink, "ink records (JSON Lines, docs/INK.md)")->required();
    app.add_option("--format", a.format, "the output: JSON, or a table as text")->check(CLI::IsMember({"json", "text"}));
    app.add_option("--max-points", a.max_points, "the most points scored over all records: the work budget")
        ->check(integer_in(1, 1LL << 40));
    app.add_flag("--prime", a.prime,
                 "score each record alone and primed by the record before it of the same writer; the gain is the "
                 "difference in nats per point (a synthesis model)");
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
    size_t skipped = 0;
    std::string text;
    if (a.prime) {
        if (m.hp.kind != ModelKind::Synthesis) return fail(kExitBadInput, a.model + ": --prime needs a synthesis model");
        std::vector<PrimedPair> pairs;
        if (!(s = score_pairs(m, a.ink, pairs, skipped))) return fail(kExitBadInput, s.message);
        text = a.format == "json" ? pairs_json(pairs, skipped) : pairs_table(pairs, skipped);
    } else {
        std::vector<ScoredRecord> recs;
        if (!(s = score_ink_file(m, a.ink, static_cast<size_t>(a.max_points), recs, skipped))) return fail(kExitBadInput, s.message);
        text = a.format == "json" ? score_json(recs, skipped) : score_table(recs, skipped);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
}

const Command kScoreCommand{"score", "a model's negative log-likelihood of each record of an ink file (nats)", run_score};

}  // namespace hw
