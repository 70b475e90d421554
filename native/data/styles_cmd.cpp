#include "styles_cmd.h"

// `hw-train styles`: picks held-out validation lines of a dataset, one per writer or font, and
// writes them as the page's style presets (MODEL.styles.json) and optionally as ink (JSON Lines).
// Priming the synthesis network with one of them makes it continue in that hand.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "dataset.h"
#include "files.h"
#include "json_text.h"
#include "text.h"

namespace hw {

namespace {

const char* kStylesUsage =
    "usage: hw-train styles --data D.hwds --out MODEL.styles.json [--ink OUT.jsonl]\n"
    "                       [--count 8] [--min-chars 14] [--max-chars 40] [--prefer NAME,NAME...]\n"
    "                       [--pairs-ink OUT.jsonl [--pairs 2]]\n"
    "Picks one validation line per source (font style or writer), longest text first within the\n"
    "length range, and writes it as a style preset for the page (strokes in dataset units, y down).\n"
    "--prefer lists fonts (or writers) to put first, in that order; the page's menu keeps the order.\n"
    "--pairs-ink writes up to --pairs validation lines of every style that has two, as ink records\n"
    "whose writer is the style: for hw score --prime (one line of a hand priming the next).\n";

const Fail fail{"hw-train styles"};

// "fonts:scripts size=1.00 slant=0.20 ... (valid)" -> "scripts, slant 0.20"; "iam:writer 10023" -> "writer 10023".
std::string style_name(const std::string& source) {
    std::string s = source;
    const size_t colon = s.find(':');
    if (colon != std::string::npos) s = s.substr(colon + 1);
    const size_t sp = s.find(' ');
    std::string name = s.substr(0, sp);
    const size_t slant = s.find("slant=");
    if (source.rfind("fonts:", 0) == 0 && slant != std::string::npos) {
        const double v = std::atof(s.c_str() + slant + 6);
        char buf[48];
        std::snprintf(buf, sizeof buf, ", slant %.2f", v);
        name += buf;
    } else if (sp != std::string::npos && source.rfind("fonts:", 0) != 0) {
        name = s;
    }
    return name;
}

// The name a person would pick for a preset, by the look of its font (family "fonts:NAME"); other
// sources (IAM writers, user ink) keep their own name.
const std::map<std::string, std::string>& friendly_names() {
    static const std::map<std::string, std::string> names = {
        {"cursive", "Neat cursive"},          {"scripts", "Copybook script"},     {"scriptc", "Formal script"},
        {"futural", "Plain print"},           {"futuram", "Bold print"},          {"rowmans", "Roman print"},
        {"rowmand", "Heavy roman"},           {"timesi", "Book italic"},          {"timesr", "Book print"},
        {"EMSAllure", "Flowing script"},      {"EMSElfin", "Elfin print"},        {"EMSFelix", "Titling capitals"},
        {"EMSNixish", "Quick print"},         {"EMSNixishItalic", "Quick italic"}, {"EMSReadability", "Clear print"},
        {"EMSReadabilityItalic", "Clear italic"}, {"EMSTech", "Technical print"}, {"HersheyScriptMed", "Old script"},
        {"HersheySerifMedItalic", "Serif italic"}, {"hand-dkg", "Loose print"},    {"hand-breip", "Round print"},
        {"hand-delphine", "Small neat hand"}, {"hand-steve", "Compact hand"},     {"hand-comicneue", "Comic"},
        {"hand-ecolier", "School cursive"},   {"hand-dancing", "Dancing script"}, {"hand-rufscript", "Rough marker"},
        {"hand-kristi", "Brush"},             {"hand-havana", "Neon script"},     {"hand-humor", "Comic capitals"},
        {"hand-tomson", "Comic lettering"},   {"hand-bwht-build", "Marker capitals"},
        {"hand-bwht-connect", "Felt-tip capitals"}, {"hand-bwht-create", "Rough capitals"},
        {"hand-bwht-learn", "Tall capitals"}, {"hand-bwht-mentor", "Narrow capitals"},
        {"hand-bwht-organize", "Round capitals"}, {"hand-architects-daughter", "Architect's print"},
        {"hand-indie-flower", "Rounded print"}, {"hand-patrick-hand", "Neat print"}, {"hand-la-belle-aurore", "Slanted cursive"},
        {"hand-cedarville-cursive", "Casual cursive"}, {"hand-homemade-apple", "Quick cursive"}, {"hand-caveat", "Quick note"},
        {"hand-mansalva", "Marker"}, {"hand-caveat-brush", "Brush pen"}, {"hand-bad-script", "Casual script"},
        {"hand-edu-qld-beginner", "School print"}, {"hand-the-girl-next-door", "Airy print"}};
    return names;
}

// Hands that left the corpus (the QA gate refused them) and the hand whose preset now answers to
// their preset's name and font name, so that published embeds and links naming them still write.
const std::map<std::string, std::string>& retired_hands() {
    static const std::map<std::string, std::string> to = {
        {"hand-dkg", "hand-the-girl-next-door"},   // Loose print: its t and f traced into an l
        {"hand-rufscript", "hand-mansalva"},       // Rough marker: the same
        {"hand-ecolier", "hand-bad-script"},       // School cursive: its x lost in tracing
        {"hand-kristi", "hand-caveat-brush"}};     // Brush: its m lost in tracing
    return to;
}

// A preset's shown name, and the names it also answers to (its font-and-slant name of earlier
// releases and its font), so old links and `hand=` attributes keep working.
nlohmann::json preset_names(const std::string& source) {
    const std::string old = style_name(source);
    const std::string font = old.substr(0, old.find(','));
    const auto it = friendly_names().find(font);
    if (source.rfind("fonts:", 0) != 0 || it == friendly_names().end()) return {{"name", old}, {"aliases", nlohmann::json::array()}};
    nlohmann::json aliases = {old, font};
    for (const auto& [gone, now] : retired_hands())
        if (now == font) aliases.push_back(friendly_names().at(gone)), aliases.push_back(gone);
    return {{"name", it->second}, {"aliases", aliases}};
}

// A line written in capitals only (a capitals-only hand's): never a preset, the page's hands
// write lower case.
bool capitals_only_line(const std::string& text) {
    std::u32string u;
    if (!utf8_decode(text, u).ok) return true;
    bool letters = false;
    for (char32_t c : u) {
        if (upper_case(c) != c) return false;  // a lower-case letter
        letters |= c >= U'A' && c <= U'Z';
    }
    return letters;
}

// The font (or writer) a source belongs to, so that two slants of one font count once.
std::string family(const std::string& source) {
    const size_t sp = source.find(' ');
    return source.rfind("fonts:", 0) == 0 ? source.substr(0, sp) : source;
}

// The line's strokes as JSON arrays of [x, y] in data units, rounded to 0.01.
nlohmann::json strokes_json(const Dataset& d, const DataLine& l) {
    nlohmann::json strokes = nlohmann::json::array();
    for (const InkStroke& s : line_strokes(l, d.quantum)) {
        nlohmann::json cur = nlohmann::json::array();
        for (size_t k = 0; k < s.size(); ++k)
            cur.push_back({std::round(s.x[k] * 100.0) / 100, std::round(s.y[k] * 100.0) / 100});
        strokes.push_back(cur);
    }
    return strokes;
}

const std::string& source_of(const Dataset& d, const DataLine& l) {
    static const std::string unknown = "unknown";
    return l.source < d.sources.size() ? d.sources[l.source] : unknown;
}

struct StylesOptions {
    std::string data, out, ink, pairs_ink;
    long long count = 8, min_chars = 14, max_chars = 40, pairs = 2;
    std::vector<std::string> prefer;
};

Status read_styles_options(const Args& a, StylesOptions& o) {
    if (!a.has("--data") || !a.has("--out")) return Status::error(std::string("--data and --out are required\n") + kStylesUsage);
    o.data = a.get("--data");
    o.out = a.get("--out");
    o.ink = a.get("--ink");
    o.pairs_ink = a.get("--pairs-ink");
    Status s;
    if (!(s = a.get_int("--pairs", 2, 100, o.pairs))) return s;
    if (!(s = a.get_int("--count", 1, 100, o.count)) || !(s = a.get_int("--min-chars", 1, 1000, o.min_chars)) ||
        !(s = a.get_int("--max-chars", o.min_chars, 1000, o.max_chars)))
        return s;
    if (!(s = check_outputs_apart({{"--data", o.data}}, {{"--out", o.out}, {"--ink", o.ink}}))) return s;
    if (a.has("--prefer")) o.prefer = split_list(a.get("--prefer"));
    for (const std::string& name : o.prefer)
        if (name.empty()) return Status::error("--prefer: an empty font name in \"" + a.get("--prefer") + "\"");
    return Status::success();
}

// Per family, the best line: the longest text within the range (ties: the earliest). `order`
// lists the families in the dataset's order.
std::map<std::string, size_t> pick_lines(const Dataset& d, const std::vector<DataLine>& pool, const StylesOptions& o,
                                         std::vector<std::string>& order) {
    std::map<std::string, size_t> pick;
    for (size_t i = 0; i < pool.size(); ++i) {
        const DataLine& l = pool[i];
        const size_t n = utf8_length(l.text);
        if (n < static_cast<size_t>(o.min_chars) || n > static_cast<size_t>(o.max_chars) || l.size() < 2) continue;
        if (capitals_only_line(l.text)) continue;
        const std::string fam = family(source_of(d, l));
        auto it = pick.find(fam);
        if (it == pick.end()) {
            pick[fam] = i;
            order.push_back(fam);
        } else if (n > utf8_length(pool[it->second].text)) {
            it->second = i;
        }
    }
    return pick;
}

// Preferred families first, in the order given; the rest keep the dataset's order; at most `count`.
Status order_families(const StylesOptions& o, std::vector<std::string>& order) {
    std::vector<std::string> preferred;
    for (const std::string& name : o.prefer) {
        auto it = std::find_if(order.begin(), order.end(), [&](const std::string& f) {
            return f == name || f == "fonts:" + name || f.find(":" + name) != std::string::npos; });
        if (it == order.end()) return Status::error("--prefer: no validation line of \"" + name + "\" in the length range");
        preferred.push_back(*it);
        order.erase(it);
    }
    order.insert(order.begin(), preferred.begin(), preferred.end());
    if (order.size() > static_cast<size_t>(o.count)) order.resize(static_cast<size_t>(o.count));
    return Status::success();
}

// The style file (and, with --ink, the same lines as ink JSONL), written atomically.
Status write_styles(const Dataset& d, const std::vector<DataLine>& pool, const std::map<std::string, size_t>& pick,
                    const std::vector<std::string>& order, const StylesOptions& o) {
    nlohmann::json styles = nlohmann::json::array();
    std::string ink;
    for (const auto& fam : order) {
        const DataLine& l = pool[pick.at(fam)];
        const std::string src = source_of(d, l);
        const nlohmann::json names = preset_names(src);
        nlohmann::json st = {{"name", names["name"]}, {"aliases", names["aliases"]}, {"text", l.text}, {"source", src},
                             {"strokes", strokes_json(d, l)}};
        ink += json_text(nlohmann::json({{"text", l.text}, {"strokes", st["strokes"]}, {"writer", st["name"]}})) + "\n";
        styles.push_back(std::move(st));
    }
    nlohmann::json out = {{"note", "Held-out validation lines of " + o.data + ", one per font or writer (hw-train styles)."},
                          {"styles", styles}};
    Status s = write_file_atomic(o.out, json_text(out) + "\n");
    if (s && !o.ink.empty()) s = write_file_atomic(o.ink, ink);
    if (s) std::fprintf(stderr, "hw-train styles: wrote %zu styles to %s\n", styles.size(), o.out.c_str());
    return s;
}

// For hw score --prime: up to `pairs` validation lines of every style (one writer: a font with its
// slant, size and hand) that has two or more in the length range, as ink records whose writer is
// the style, so consecutive records of one writer pair up.
Status write_pairs_ink(const Dataset& d, const std::vector<DataLine>& pool, const StylesOptions& o) {
    std::map<uint32_t, std::vector<size_t>> by_style;
    for (size_t i = 0; i < pool.size(); ++i) {
        const size_t n = utf8_length(pool[i].text);
        if (n >= static_cast<size_t>(o.min_chars) && n <= static_cast<size_t>(o.max_chars) && pool[i].size() >= 2)
            if (by_style[pool[i].source].size() < static_cast<size_t>(o.pairs)) by_style[pool[i].source].push_back(i);
    }
    std::string ink;
    size_t writers = 0;
    for (const auto& [source, lines] : by_style) {
        if (lines.size() < 2) continue;
        ++writers;
        for (size_t i : lines)
            ink += json_text(nlohmann::json({{"text", pool[i].text}, {"strokes", strokes_json(d, pool[i])}, {"writer", source_of(d, pool[i])}})) + "\n";
    }
    if (writers == 0) return Status::error(o.data + ": no style has two validation lines in the length range");
    std::fprintf(stderr, "hw-train styles: wrote %zu writers' lines to %s\n", writers, o.pairs_ink.c_str());
    return write_file_atomic(o.pairs_ink, ink);
}

}  // namespace

int cmd_styles(int argc, char** argv) {
    Args a({"--data", "--out", "--ink", "--count", "--min-chars", "--max-chars", "--prefer", "--pairs-ink", "--pairs"}, {"--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message + "\n" + kStylesUsage);
    if (a.has("--help")) return std::fputs(kStylesUsage, stdout), 0;
    StylesOptions o;
    if (!(s = read_styles_options(a, o))) return fail(kExitBadInput, s.message);
    Dataset d;
    if (!(s = load_dataset(o.data, d))) return fail(kExitBadInput, s.message);
    const std::vector<DataLine>& pool = d.valid.empty() ? d.train : d.valid;
    if (d.valid.empty()) std::fprintf(stderr, "hw-train styles: %s has no validation lines; using training lines\n", o.data.c_str());
    std::vector<std::string> order;
    const auto pick = pick_lines(d, pool, o, order);
    if (pick.empty())
        return fail(kExitBadInput, o.data + ": no line with " + std::to_string(o.min_chars) + " to " + std::to_string(o.max_chars) + " characters");
    if (!(s = order_families(o, order))) return fail(kExitBadInput, s.message);
    // An output path that cannot be written is the user's to fix: exit 2, as every program does.
    if (!(s = write_styles(d, pool, pick, order, o))) return fail(kExitBadInput, s.message);
    if (!o.pairs_ink.empty() && !(s = write_pairs_ink(d, pool, o))) return fail(kExitBadInput, s.message);
    return 0;
}

}  // namespace hw
