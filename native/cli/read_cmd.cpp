// hw read --model R.hwm --ink F.jsonl: what each ink record says, as the recognizer reads it (the
// greedy CTC decoding), and, for a record with a text, whether each of its words is written there
// (Recognizer::check), as JSON or as a table.
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
#include "reader.h"
#include "text.h"

namespace hw {

// One record read: what the recognizer reads, and the verdict on each word of its text.
struct ReadRecord {
    size_t line = 0;
    std::string text, read;
    std::vector<WordCheck> words;
    size_t wrong() const {
        size_t n = 0;
        for (const auto& w : words) n += !w.ok;
        return n;
    }
};

// Prepares a record's ink as priming ink is (the model's units), reads it and checks its text;
// messages start with FILE:LINE.
static Status read_record(const Recognizer& r, const InkLine& rec, const std::string& path, ReadRecord& out) {
    const std::string where = path + ":" + std::to_string(rec.line);
    std::vector<Point> pts;
    FrameLogProbs lp;
    Status s = prepare_ink(r.model(), rec.strokes, pts);
    if (s) s = r.read(pts, lp);
    if (s && !rec.text.empty()) s = r.check_frames(rec.text, lp, out.words);
    if (!s) return Status::error(where + ": " + s.message);
    out.line = rec.line;
    out.text = rec.text;
    out.read = utf8_encode(r.greedy_decode(lp));
    return s;
}

static std::string read_json(const std::vector<ReadRecord>& recs, size_t skipped) {
    nlohmann::json arr = nlohmann::json::array();
    size_t words = 0, wrong = 0;
    for (const auto& r : recs) {
        nlohmann::json ws = nlohmann::json::array();
        for (const auto& w : r.words)
            ws.push_back({{"word", utf8_encode(w.word)}, {"read", utf8_encode(w.read)}, {"ok", w.ok}, {"gap_nats", w.gap_nats}});
        arr.push_back({{"line", r.line}, {"text", r.text}, {"read", r.read}, {"words", ws}, {"wrong", r.wrong()}});
        words += r.words.size(), wrong += r.wrong();
    }
    return json_text({{"records", arr}, {"lines", recs.size()}, {"skipped", skipped}, {"words", words}, {"wrong_words", wrong}}) + "\n";
}

static std::string read_table(const std::vector<ReadRecord>& recs, size_t skipped) {
    std::string out;
    size_t words = 0, wrong = 0;
    for (const auto& r : recs) {
        out += std::to_string(r.line) + "\t" + r.read + "\n";
        for (const auto& w : r.words)
            if (!w.ok) out += "\t  wrong: \"" + utf8_encode(w.word) + "\" reads \"" + utf8_encode(w.read) + "\"\n";
        words += r.words.size(), wrong += r.wrong();
    }
    return out + std::to_string(recs.size()) + " lines, " + std::to_string(wrong) + " of " + std::to_string(words) +
           " words wrong, " + std::to_string(skipped) + " skipped\n";
}

struct ReadArgs {
    std::string model, ink, format = "json";
};

static int run_read(int argc, char** argv) {
    const Fail fail{"hw"};
    ReadArgs a;
    CLI::App app(kReadCommand.summary);
    use_conventions(app);
    app.add_option("--model", a.model, "the recognizer (.hwm of kind recognizer)")->required();
    app.add_option("--ink", a.ink, "ink records (JSON Lines, docs/INK.md); a record's text, when it has one, is checked word by word")
        ->required();
    app.add_option("--format", a.format, "the output: JSON, or a table as text")->check(CLI::IsMember({"json", "text"}));
    Status s = parse_command(app, argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message);
    Model m;
    Recognizer r;
    if (!(s = load_model_file(a.model, m))) return fail(kExitBadInput, s.message);
    if (!(s = r.load(m))) return fail(kExitBadInput, a.model + ": " + s.message);
    std::vector<InkLine> lines;
    size_t skipped = 0;
    if (!(s = read_ink_reporting(a.ink, lines, skipped))) return fail(kExitBadInput, s.message);
    std::vector<ReadRecord> recs;
    for (const InkLine& rec : lines) {
        ReadRecord out;
        if ((s = read_record(r, rec, a.ink, out))) recs.push_back(std::move(out));
        else std::fprintf(stderr, "%s\n", s.message.c_str()), ++skipped;
    }
    if (recs.empty()) return fail(kExitBadInput, a.ink + ": no usable ink record (" + std::to_string(skipped) + " skipped)");
    const std::string text = a.format == "json" ? read_json(recs, skipped) : read_table(recs, skipped);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
}

const Command kReadCommand{"read", "what each record of an ink file says, read by a recognizer, its words checked", run_read};

}  // namespace hw
