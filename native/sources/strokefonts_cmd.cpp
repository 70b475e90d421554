// hw-train strokefonts: traces the handwriting outline fonts of the hands manifest
// (tools/fonts/hands.json: Debian's fonts and the npm ones of tools/fonts/) into single-stroke SVG
// fonts (a cache the training machine reads without FreeType), runs the QA gate on every glyph and
// hand, writes the passing hands' entries to DIR/hands.json for the corpus, a sheet per hand under
// DIR/qa/, prints the JSON report and draws a preview sheet. Built only with FreeType.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "files.h"
#include "hand_fonts.h"
#include "json_text.h"
#include "outline_font.h"
#include "text.h"

namespace hw {

int cmd_strokefonts(int argc, char** argv);

namespace {

const char* kUsage =
    "usage: hw-train strokefonts --out DIR [--manifest hands.json] [--fonts-dir DIR] [--npm-dir DIR]\n"
    "                            [--preview SHEET.svg] [--only NAME[,NAME...]] [--x-height PX]\n"
    "Traces the hands of --manifest (tools/fonts/hands.json) from --fonts-dir (/usr/share/fonts,\n"
    "Debian's fonts) and --npm-dir (tools/fonts/node_modules: make hand-fonts installs them) into\n"
    "DIR/hand-*.svg; the QA gate drops every glyph whose strokes lose ink and every hand that cannot\n"
    "write the lower-case letters (capitals-only hands: the capitals); DIR/hands.json lists the hands\n"
    "that pass, DIR/qa/NAME.svg shows each hand's glyphs. Prints the JSON report; exit 2 when a font\n"
    "is missing or unreadable.\n";

const Fail fail{"hw-train strokefonts"};

const std::vector<std::string> kPreviewLines = {"The quick brown fox jumps over the lazy dog.",
                                                "Sphinx of black quartz, judge my vow! 0123456789 (&?)",
                                                "Ça, où ñandú? Straße, Œuvre, « déjà » à 5 €; ¡Olé! ¿Qué?"};

// One hand through the gate: its conversion, the font read back, and the verdict.
struct HandResult {
    FontConversion conv;
    StrokeFont readback;
    std::string failure;  // empty when the hand passes
    double seconds = 0;
};

nlohmann::json glyph_report(const FontConversion& c) {
    nlohmann::json j = nlohmann::json::object(), dropped = nlohmann::json::object(), coverage = nlohmann::json::object();
    std::map<std::string, int> reasons;
    for (const auto& [ch, why] : c.dropped) {
        dropped[utf8_encode(ch)] = why;
        ++reasons[why.substr(0, why.find(" ("))];
    }
    float worst = 1;
    float widest_gap = 0;
    for (const auto& [ch, cov] : c.coverage) {
        coverage[utf8_encode(ch)] = {std::round(1000.0 * cov.share) / 1000, std::round(10.0 * cov.largest_gap) / 10,
                                     std::round(10.0 * cov.side_gap) / 10};
        worst = std::min(worst, cov.share);
        widest_gap = std::max(widest_gap, cov.largest_gap);
    }
    size_t total = 0;
    for (const auto& [ch, n] : c.strokes) total += static_cast<size_t>(n);
    j["glyphs_converted"] = c.font.glyphs.size();
    j["glyphs_dropped"] = c.dropped.size();
    j["dropped"] = dropped;
    j["dropped_by_reason"] = reasons;
    j["coverage"] = coverage;  // per glyph: [share of the ink covered, largest piece left out (stroke widths squared), ink past the strokes sideways (stroke widths)]
    j["worst_coverage"] = std::round(1000.0 * worst) / 1000;
    j["largest_gap"] = std::round(10.0 * widest_gap) / 10;
    j["mean_strokes"] = c.strokes.empty() ? 0.0 : std::round(100.0 * static_cast<double>(total) / static_cast<double>(c.strokes.size())) / 100;
    return j;
}

nlohmann::json hand_report(const HandFontSpec& spec, const HandResult& r) {
    nlohmann::json j = glyph_report(r.conv);
    j["name"] = spec.name;
    j["package"] = spec.package;
    j["original"] = spec.original;
    j["licence"] = spec.licence;
    j["hand"] = spec.hand;
    j["real_hand"] = spec.real_hand;
    j["caps_only"] = r.conv.capitals_only();
    j["capital_like_letters"] = r.conv.capital_like;
    j["held_out"] = spec.held_out;
    j["passed"] = r.failure.empty();
    if (!r.failure.empty()) j["failure"] = r.failure;
    j["seconds"] = std::round(r.seconds * 10) / 10;
    return j;
}

// The hand-level gate: the manifest's capitals-only claim must match what the glyphs show, and the
// hand must keep every letter it writes (a-z, or A-Z for a capitals-only hand).
std::string hand_failure(const HandFontSpec& spec, const FontConversion& c) {
    if (!c.unmeasured.empty()) return "cannot be measured: " + c.unmeasured;
    if (spec.caps_only != c.capitals_only())
        return "the manifest says caps_only " + std::string(spec.caps_only ? "true" : "false") + " but " +
               std::to_string(c.capital_like) + " of 10 distinct lower-case letters are drawn as capitals";
    std::string missing;
    for (char32_t ch = U'a'; ch <= U'z'; ++ch) {
        const char32_t need = c.capitals_only() ? upper_case(ch) : ch;
        if (!c.font.has(need)) missing += utf8_encode(need);
    }
    return missing.empty() ? "" : "letters lost: " + missing;
}

// Converts one font, writes its SVG font atomically, and reads the file back the way the corpus
// builder will (parse_svg_font, measure_font).
Status convert_one(const HandFontSpec& spec, const std::string& path, const std::string& out_dir, const OutlineOptions& opt,
                   HandResult& r) {
    if (!std::filesystem::exists(path))
        return Status::error(path + ": missing (the package " + spec.package + ": make hand-fonts installs it)");
    Status s = convert_outline_font(path, spec.name, opt, r.conv);
    if (!s) return s;
    refuse_glyphs(spec, r.conv);
    r.failure = hand_failure(spec, r.conv);
    const std::string out = out_dir + "/" + spec.name + ".svg";
    if (!(s = write_file_atomic(out, svg_font_text(r.conv.font, spec, path)))) return s;
    std::string text;
    std::vector<std::string> warnings;
    r.readback = StrokeFont{};
    r.readback.name = spec.name;
    if (!(s = read_text_file(out, kMaxSourceFileBytes, text)) || !(s = parse_svg_font(text, out, r.readback, warnings)))
        return Status::error(out + ": the written font does not read back: " + s.message);
    if (!warnings.empty()) return Status::error(out + ": the written font reads back with warnings: " + warnings[0]);
    if (!(s = measure_font(r.readback)) && r.failure.empty()) r.failure = "cannot be measured: " + s.message;
    return Status::success();
}

std::vector<const HandFontSpec*> chosen_fonts(const std::vector<HandFontSpec>& all, const Args& a, std::string& unknown) {
    std::vector<const HandFontSpec*> out;
    const std::vector<std::string> only = a.has("--only") ? split_list(a.get("--only")) : std::vector<std::string>{};
    for (const std::string& name : only) {
        bool found = false;
        for (const auto& spec : all) found |= name == spec.name;
        if (!found) unknown = name;
    }
    for (const auto& spec : all)
        if (only.empty() || std::find(only.begin(), only.end(), spec.name) != only.end()) out.push_back(&spec);
    return out;
}

// Every glyph the hand kept, in rows, and a red box for each the gate dropped.
std::vector<std::string> glyph_rows() {
    const std::u32string chars = hand_font_characters();
    std::vector<std::string> rows;
    for (size_t i = 1; i < chars.size(); i += 26) rows.push_back(utf8_encode(chars.substr(i, 26)));
    return rows;
}

Status write_sheets(const std::vector<const HandFontSpec*>& specs, const std::vector<HandResult>& results, const std::string& out_dir,
                    const std::string& preview) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir + "/qa", ec);
    if (ec) return Status::error(out_dir + "/qa: cannot create the folder: " + ec.message());
    std::vector<std::pair<const HandFontSpec*, const StrokeFont*>> sheet;
    for (size_t i = 0; i < specs.size(); ++i) {
        Status s = write_file_atomic(out_dir + "/qa/" + specs[i]->name + ".svg",
                                     hand_fonts_preview_svg({{specs[i], &results[i].readback}}, glyph_rows(), 22));
        if (!s) return s;
        if (results[i].failure.empty()) sheet.push_back({specs[i], &results[i].readback});
    }
    return preview.empty() ? Status::success() : write_file_atomic(preview, hand_fonts_preview_svg(sheet, kPreviewLines));
}

// The passing hands' manifest entries, caps_only as the gate found it, for the corpus builder.
std::string passing_manifest(const std::vector<const HandFontSpec*>& specs, const std::vector<HandResult>& results) {
    std::vector<HandFontSpec> pass;
    for (size_t i = 0; i < specs.size(); ++i)
        if (results[i].failure.empty()) pass.push_back(*specs[i]), pass.back().caps_only = results[i].conv.capitals_only();
    return hand_manifest_text(pass);
}

}  // namespace

int cmd_strokefonts(int argc, char** argv) {
    Args a({"--out", "--manifest", "--fonts-dir", "--npm-dir", "--preview", "--only", "--x-height"}, {"--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message + "\n" + kUsage);
    if (a.has("--help")) return std::fputs(kUsage, stdout), kExitOk;
    if (!a.positional().empty()) return fail(kExitBadInput, "unexpected argument \"" + a.positional()[0] + "\"\n" + kUsage);
    if (!a.has("--out")) return fail(kExitBadInput, std::string("--out DIR is required\n") + kUsage);
    OutlineOptions opt;
    double xh = opt.x_height_px;
    if (!(s = a.get_float("--x-height", 40, 400, xh))) return fail(kExitBadInput, s.message);
    opt.x_height_px = static_cast<float>(xh);
    std::vector<HandFontSpec> manifest;
    if (!(s = load_hand_manifest(a.get("--manifest", "tools/fonts/hands.json"), manifest))) return fail(kExitBadInput, s.message);
    std::string unknown;
    const std::vector<const HandFontSpec*> specs = chosen_fonts(manifest, a, unknown);
    if (!unknown.empty()) return fail(kExitBadInput, "--only: no hand named \"" + unknown + "\" in the manifest");
    const std::string out_dir = a.get("--out"), fonts_dir = a.get("--fonts-dir", "/usr/share/fonts");
    const std::string npm_dir = a.get("--npm-dir", "tools/fonts/node_modules");
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) return fail(kExitBadInput, out_dir + ": cannot create the folder: " + ec.message());
    nlohmann::json report = {{"out", out_dir}, {"fonts", nlohmann::json::array()}};
    std::vector<HandResult> results(specs.size());
    size_t converted = 0, dropped = 0, passed = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        std::fprintf(stderr, "strokefonts: %zu/%zu %s\n", i + 1, specs.size(), specs[i]->name.c_str());
        if (!(s = convert_one(*specs[i], hand_font_path(*specs[i], fonts_dir, npm_dir), out_dir, opt, results[i])))
            return fail(kExitBadInput, s.message);
        results[i].seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        report["fonts"].push_back(hand_report(*specs[i], results[i]));
        converted += results[i].conv.font.glyphs.size();
        dropped += results[i].conv.dropped.size();
        passed += results[i].failure.empty();
    }
    report["glyphs_converted"] = converted;
    report["glyphs_dropped"] = dropped;
    report["hands"] = specs.size();
    report["hands_passed"] = passed;
    if (!(s = write_file_atomic(out_dir + "/hands.json", passing_manifest(specs, results))) ||
        !(s = write_sheets(specs, results, out_dir, a.get("--preview"))))
        return fail(kExitBadInput, s.message);
    if (!(s = write_stdout(json_text(report) + "\n"))) return fail(kExitBadInput, s.message);
    return kExitOk;
}

}  // namespace hw
