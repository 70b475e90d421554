// hw-train data: reads the sources asked for, merges them into one Dataset (16-bit offsets,
// training-set statistics), writes it atomically, prints a JSON summary on standard output and
// progress on standard error, and draws a preview sheet on request.
#include "data_cmd.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <set>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "json_text.h"
#include "quantise.h"
#include "data_preview.h"
#include "dataset.h"
#include "files.h"
#include "font_corpus.h"
#include "iam_reader.h"
#include "ink_jsonl_source.h"
#include "text.h"
#include "text_source.h"

namespace hw {

namespace {

const char* kUsage =
    "usage: hw-train data [--iam DIR] [--fonts [--lines N] [--seed S]] [--ink FILE.jsonl[,FILE2...]]\n"
    "                     --out FILE [--preview OUT.svg] [--preview-lines N] [--threads N]\n"
    "                     [--svg-fonts DIR] [--hand-fonts DIR] [--hershey-fonts DIR] [--fortunes DIR] [--max-points N]\n"
    "Any mix of sources; prints a JSON summary; exit 2 on bad input or a source with nothing usable.\n";

struct Build {
    Dataset data;
    SkipLog skipped;
    nlohmann::json sources = nlohmann::json::object();
};

const Fail fail{"hw-train data"};

// Quantises a source's lines into the dataset, its source indices shifted past those before it.
void add_source(Build& b, SourceLines& src, const std::string& kind, nlohmann::json info) {
    const uint32_t base = static_cast<uint32_t>(b.data.sources.size());
    b.data.sources.insert(b.data.sources.end(), src.sources.begin(), src.sources.end());
    size_t kept[2] = {0, 0};
    for (int part = 0; part < 2; ++part) {
        auto& lines = part == 0 ? src.train : src.valid;
        auto& dest = part == 0 ? b.data.train : b.data.valid;
        for (auto& l : lines) {
            DataLine d;
            std::string why;
            l.source += base;
            if (!quantise_line(l, b.data.quantum, d, why)) {
                b.skipped.add(kind + " lines: " + why, kind + ": \"" + l.text + "\": " + why);
                continue;
            }
            dest.push_back(std::move(d));
            ++kept[part];
        }
        std::vector<RawLine>().swap(lines);  // the raw floats are large: free them early
    }
    b.skipped.merge(src.skipped);
    info["lines"] = {{"train", kept[0]}, {"valid", kept[1]}};
    b.sources[kind] = std::move(info);
}

// Per font: lines, mean speed (x-heights per step on straights), pen lifts per character, mean
// slant, share of i/j dots and t bars written after their word.
nlohmann::json writers_json(const FontsCorpus& c) {
    nlohmann::json out = nlohmann::json::object();
    auto r3 = [](double v) { return std::round(v * 1000) / 1000; };
    for (const auto& [name, w] : writer_stats(c))
        out[name] = {{"lines", w.lines}, {"mean_speed", r3(w.speed)}, {"lifts_per_char", r3(w.lifts_per_char)},
                     {"mean_slant", r3(w.slant)}, {"delayed_marks", r3(w.delayed_marks)}};
    return out;
}

// How much the corpus's writers differ, as people's hands do: the spread of slant over the styles
// (degrees), of the size (x-height, share of the mean) and of pen lifts per letter over the
// writers, and the pair lines (two texts by one writer on one line).
nlohmann::json variation_json(const FontsCorpus& c) {
    auto spread = [](const std::vector<double>& v) {
        double mean = 0, sd = 0;
        for (double x : v) mean += x / static_cast<double>(v.size());
        for (double x : v) sd += (x - mean) * (x - mean) / static_cast<double>(v.size());
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        auto r2 = [](double x) { return std::round(x * 100) / 100; };
        return nlohmann::json{{"mean", r2(mean)}, {"sd", r2(std::sqrt(sd))}, {"min", r2(*lo)}, {"max", r2(*hi)}};
    };
    std::vector<double> slant, size, lifts;
    for (const auto& st : c.styles) slant.push_back(std::atan(st.slant) * 180 / 3.14159265358979), size.push_back(st.size / 10.0);
    for (const auto& [name, w] : writer_stats(c)) lifts.push_back(w.lifts_per_char);
    if (slant.empty() || lifts.empty()) return nlohmann::json::object();
    return {{"slant_degrees", spread(slant)}, {"size", spread(size)}, {"lifts_per_letter", spread(lifts)}};
}

Status fonts_source(const Args& a, Build& b) {
    FontsOptions opt;
    long long lines = 20000, seed = 1, threads = 2;
    Status s = a.get_int("--lines", 1, 10000000, lines);
    if (s) s = a.get_int("--seed", 0, (1LL << 62), seed);
    if (s) s = a.get_int("--threads", 1, 64, threads);
    if (!s) return s;
    opt.lines = static_cast<size_t>(lines);
    opt.seed = static_cast<uint64_t>(seed);
    opt.threads = static_cast<int>(threads);
    opt.svg_dir = a.get("--svg-fonts", ".deps/svg_fonts");
    opt.hand_dir = a.get("--hand-fonts", ".deps/hand_fonts");
    opt.hershey_dir = a.get("--hershey-fonts", opt.hershey_dir);
    opt.fortunes_dir = a.get("--fortunes", opt.fortunes_dir);
    FontsCorpus c;
    auto progress = [](size_t done, size_t total) {
        if (done % 2000 == 0 || done == total) std::fprintf(stderr, "fonts: %zu/%zu lines\n", done, total);
    };
    if (!(s = build_fonts_corpus(opt, c, progress))) return s;
    for (const auto& n : c.notes) std::fprintf(stderr, "hw-train data: note: %s\n", n.c_str());
    nlohmann::json info;
    info["writers"] = writers_json(c);  // before the lines move on
    info["variation"] = variation_json(c);
    SourceLines src{std::move(c.train), std::move(c.valid), std::move(c.sources), std::move(c.skipped)};
    std::vector<std::string> names;
    for (const auto& f : c.fonts) names.push_back(f.name);
    size_t held_out = 0;
    for (const auto& st : c.styles) held_out += st.valid;
    info["fonts"] = names;
    info["styles"] = {{"train", c.styles.size() - held_out}, {"valid", held_out}};
    info["seed"] = opt.seed;
    add_source(b, src, "fonts", info);
    return Status::success();
}

Status iam_source(const Args& a, Build& b) {
    IamOptions opt;
    long long max_points = static_cast<long long>(opt.max_points);
    Status s = a.get_int("--max-points", 10, 100000, max_points);
    if (!s) return s;
    opt.max_points = static_cast<size_t>(max_points);
    SourceLines src;
    IamInfo info;
    std::fprintf(stderr, "iam: reading %s\n", a.get("--iam").c_str());
    s = read_iam_source(a.get("--iam"), opt, src, info);
    b.skipped.merge(src.skipped);
    src.skipped = SkipLog{};
    if (!s) return s;
    add_source(b, src, "iam",
               {{"forms", info.forms}, {"xml_files", info.xml_files}, {"writers", info.writers}, {"split", info.split},
                {"data_units_per_iam_unit", info.scale}});
    return Status::success();
}

Status ink_sources(const Args& a, Build& b) {
    for (const std::string& path : split_list(a.get("--ink"))) {
        if (path.empty()) continue;
        SourceLines src;
        long long max_points = static_cast<long long>(IamOptions().max_points);
        Status s = a.get_int("--max-points", 10, 100000, max_points);
        if (!s) return s;
        s = read_ink_source(path, src, static_cast<size_t>(max_points));
        if (!s)  // nothing usable: the records and why each was skipped, before the error (as hw does)
            for (const std::string& m : src.skipped.messages) std::fprintf(stderr, "%s\n", escape_controls(m).c_str());
        b.skipped.merge(src.skipped);
        src.skipped = SkipLog{};
        if (!s) return s;
        add_source(b, src, "ink:" + path, {{"file", path}});
    }
    return Status::success();
}

nlohmann::json summary(const Build& b, const std::string& out, double seconds) {
    const Dataset& d = b.data;
    size_t points[2] = {0, 0};
    for (const auto& l : d.train) points[0] += l.size();
    for (const auto& l : d.valid) points[1] += l.size();
    std::map<std::string, size_t> hist;
    for (const auto& l : d.train) {
        std::u32string t;
        if (utf8_decode(l.text, t).ok)
            for (char32_t c : t) ++hist[utf8_encode(c)];
    }
    std::string missing;
    for (char c : iam_charset())
        if (!hist.count(std::string(1, c))) missing += c;
    struct stat st {};
    stat(out.c_str(), &st);
    nlohmann::json j;
    j["out"] = out;
    j["bytes"] = static_cast<long long>(st.st_size);
    j["lines"] = {{"train", d.train.size()}, {"valid", d.valid.size()}};
    j["points"] = {{"train", points[0]}, {"valid", points[1]}};
    j["points_per_char"] = hist.empty() ? 0.0 : static_cast<double>(points[0]) / [&] {
        size_t n = 0;
        for (const auto& kv : hist) n += kv.second;
        return static_cast<double>(n);
    }();
    j["sources"] = b.sources;
    j["norm"] = {{"scale_x", d.norm.scale_x}, {"scale_y", d.norm.scale_y}, {"point_spacing", d.norm.point_spacing},
                 {"line_height", d.norm.line_height}, {"quantum", d.quantum}};
    j["alphabet"] = utf8_encode(d.alphabet);
    j["alphabet_size"] = d.alphabet.size();
    j["characters"] = hist;
    j["not_covered"] = missing;  // IAM's characters that no training line has
    j["skipped"] = b.skipped.counts;
    j["skipped_examples"] = b.skipped.messages;
    j["seconds"] = std::round(seconds * 10) / 10;
    return j;
}

// The font of a fonts-corpus source ("fonts:NAME size=..."), or "" for other sources.
std::string font_of(const std::string& source) {
    return source.rfind("fonts:", 0) == 0 ? source.substr(6, source.find(' ') - 6) : "";
}

// The preview sheet: the first line of every font (train or valid) first, so that each writer is
// seen at least once, then evenly spread lines up to `count` in all.
std::string preview_of(const Dataset& d, size_t count) {
    Dataset sheet;
    sheet.sources = d.sources;
    sheet.quantum = d.quantum;
    sheet.norm = d.norm;
    std::set<std::string> seen;
    std::vector<bool> taken[2] = {std::vector<bool>(d.train.size()), std::vector<bool>(d.valid.size())};
    for (int part = 0; part < 2; ++part)
        for (size_t i = 0; i < (part ? d.valid : d.train).size(); ++i) {
            const DataLine& l = (part ? d.valid : d.train)[i];
            const std::string f = l.source < d.sources.size() ? font_of(d.sources[l.source]) : "";
            if (f.empty() || !seen.insert(f).second) continue;
            sheet.train.push_back(l);
            taken[part][i] = true;
        }
    const size_t rest = count > sheet.train.size() ? count - sheet.train.size() : 0;
    for (size_t k = 0; k < rest && !d.train.empty(); ++k) {
        const size_t i = k * d.train.size() / rest;
        if (!taken[0][i]) sheet.train.push_back(d.train[i]);
    }
    if (sheet.train.empty()) return preview_svg(d, count);
    return preview_svg(sheet, sheet.train.size());
}

int run(int argc, char** argv) {
    const auto t0 = std::chrono::steady_clock::now();
    Args a({"--iam", "--ink", "--lines", "--seed", "--out", "--preview", "--preview-lines", "--threads", "--svg-fonts",
            "--hand-fonts", "--hershey-fonts", "--fortunes", "--max-points"},
           {"--fonts", "--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(2, s.message + "\n" + kUsage);
    if (a.has("--help")) return std::fputs(kUsage, stdout), 0;
    if (!a.positional().empty()) return fail(2, "unexpected argument \"" + a.positional()[0] + "\"\n" + kUsage);
    if (!a.has("--out")) return fail(2, std::string("--out FILE is required\n") + kUsage);
    if (!a.has("--iam") && !a.has("--fonts") && !a.has("--ink")) return fail(2, std::string("no source given\n") + kUsage);
    if (!a.has("--fonts") && (a.has("--lines") || a.has("--seed"))) return fail(2, "--lines and --seed go with --fonts");
    long long preview_lines = 24;
    if (!(s = a.get_int("--preview-lines", 1, 200, preview_lines))) return fail(2, s.message);
    std::vector<OptionPath> inputs;
    for (const std::string& path : split_list(a.get("--ink"))) inputs.push_back({"--ink", path});
    if (!(s = check_outputs_apart(inputs, {{"--out", a.get("--out")}, {"--preview", a.get("--preview")}}))) return fail(2, s.message);
    Build b;
    if (a.has("--iam") && !(s = iam_source(a, b))) return fail(2, s.message);
    if (a.has("--fonts") && !(s = fonts_source(a, b))) return fail(2, s.message);
    if (a.has("--ink") && !(s = ink_sources(a, b))) return fail(2, s.message);
    if (b.data.train.empty()) return fail(2, "no usable training line in the sources given");
    b.data.norm = compute_norm(b.data.train, b.data.quantum);
    b.data.alphabet = collect_alphabet(b.data.train);
    if (!(s = save_dataset(b.data, a.get("--out")))) return fail(2, s.message);
    if (a.has("--preview") && !(s = write_file_atomic(a.get("--preview"), preview_of(b.data, static_cast<size_t>(preview_lines)))))
        return fail(2, s.message);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!(s = write_stdout(json_text(summary(b, a.get("--out"), secs)) + "\n"))) return fail(2, s.message);
    return 0;
}

}  // namespace

int cmd_data(int argc, char** argv) {
    // The readers report bad input as Status; anything thrown here is an internal failure
    // (out of memory, a bug) and must not escape as a crash.
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        return fail(1, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(1, "internal error");
    }
}

}  // namespace hw
