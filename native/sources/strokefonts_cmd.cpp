// hw-train strokefonts: converts Debian's handwriting outline fonts into single-stroke SVG fonts
// (a cache the training machine reads without FreeType), checks that each file reads back as a
// stroke font, prints a JSON summary and draws a preview sheet. Built only with FreeType.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "files.h"
#include "hand_fonts.h"
#include "outline_font.h"
#include "text.h"

namespace hw {

int cmd_strokefonts(int argc, char** argv);

namespace {

const char* kUsage =
    "usage: hw-train strokefonts --out DIR [--fonts-dir DIR] [--preview SHEET.svg] [--only NAME[,NAME...]]\n"
    "                            [--x-height PX]\n"
    "Writes DIR/hand-*.svg (single-stroke SVG fonts) from the handwriting fonts under --fonts-dir\n"
    "(/usr/share/fonts); prints a JSON summary; exit 2 when a font is missing or unreadable.\n";

const Fail fail{"hw-train strokefonts"};

const std::vector<std::string> kPreviewLines = {"The quick brown fox jumps over the lazy dog.",
                                                "Sphinx of black quartz, judge my vow! 0123456789 (&?)"};

nlohmann::json font_summary(const HandFontSpec& spec, const FontConversion& c, double seconds) {
    nlohmann::json j;
    j["name"] = spec.name;
    j["package"] = spec.package;
    j["original"] = spec.original;
    j["licence"] = spec.licence;
    j["hand"] = spec.hand;
    j["real_hand"] = spec.real_hand;
    j["caps_only"] = spec.caps_only;
    j["glyphs_converted"] = c.font.glyphs.size();
    j["glyphs_dropped"] = c.dropped.size();
    nlohmann::json dropped = nlohmann::json::object(), strokes = nlohmann::json::object();
    std::map<std::string, int> reasons;
    for (const auto& [ch, why] : c.dropped) {
        dropped[utf8_encode(ch)] = why;
        ++reasons[why.substr(0, why.find(" ("))];
    }
    size_t total = 0;
    for (const auto& [ch, n] : c.strokes) strokes[utf8_encode(ch)] = n, total += static_cast<size_t>(n);
    j["dropped"] = dropped;
    j["dropped_by_reason"] = reasons;
    j["strokes_per_glyph"] = strokes;
    j["mean_strokes"] = c.strokes.empty() ? 0.0 : std::round(100.0 * static_cast<double>(total) / static_cast<double>(c.strokes.size())) / 100;
    j["seconds"] = std::round(seconds * 10) / 10;
    return j;
}

// Converts one font, writes its SVG font atomically, and reads the file back the way the corpus
// builder will (parse_svg_font, measure_font) into `readback`.
Status convert_one(const HandFontSpec& spec, const std::string& fonts_dir, const std::string& out_dir, const OutlineOptions& opt,
                   FontConversion& conv, StrokeFont& readback) {
    const std::string path = fonts_dir + "/" + spec.file;
    if (!std::filesystem::exists(path))
        return Status::error(path + ": missing (install the Debian package " + spec.package + ": make setup)");
    Status s = convert_outline_font(path, spec.name, opt, conv);
    if (!s) return s;
    refuse_glyphs(spec, conv);
    const std::string out = out_dir + "/" + spec.name + ".svg";
    if (!(s = write_file_atomic(out, svg_font_text(conv.font, spec, path)))) return s;
    std::string text;
    std::vector<std::string> warnings;
    readback = StrokeFont{};
    readback.name = spec.name;
    if (!(s = read_text_file(out, kMaxSourceFileBytes, text)) || !(s = parse_svg_font(text, out, readback, warnings)) || !(s = measure_font(readback)))
        return Status::error(out + ": the written font does not read back: " + s.message);
    if (!warnings.empty()) return Status::error(out + ": the written font reads back with warnings: " + warnings[0]);
    return Status::success();
}

std::vector<const HandFontSpec*> chosen_fonts(const Args& a, std::string& unknown) {
    std::vector<const HandFontSpec*> out;
    const std::vector<std::string> only = a.has("--only") ? split_list(a.get("--only")) : std::vector<std::string>{};
    for (const std::string& name : only) {
        bool found = false;
        for (const auto& spec : hand_font_specs()) found |= name == spec.name;
        if (!found) unknown = name;
    }
    for (const auto& spec : hand_font_specs())
        if (only.empty() || std::find(only.begin(), only.end(), spec.name) != only.end()) out.push_back(&spec);
    return out;
}

}  // namespace

int cmd_strokefonts(int argc, char** argv) {
    Args a({"--out", "--fonts-dir", "--preview", "--only", "--x-height"}, {"--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message + "\n" + kUsage);
    if (a.has("--help")) return std::fputs(kUsage, stdout), kExitOk;
    if (!a.positional().empty()) return fail(kExitBadInput, "unexpected argument \"" + a.positional()[0] + "\"\n" + kUsage);
    if (!a.has("--out")) return fail(kExitBadInput, std::string("--out DIR is required\n") + kUsage);
    OutlineOptions opt;
    double xh = opt.x_height_px;
    if (!(s = a.get_float("--x-height", 40, 400, xh))) return fail(kExitBadInput, s.message);
    opt.x_height_px = static_cast<float>(xh);
    std::string unknown;
    const std::vector<const HandFontSpec*> specs = chosen_fonts(a, unknown);
    if (!unknown.empty()) return fail(kExitBadInput, "--only: no font named \"" + unknown + "\"");
    const std::string out_dir = a.get("--out"), fonts_dir = a.get("--fonts-dir", "/usr/share/fonts");
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) return fail(kExitBadInput, out_dir + ": cannot create the folder: " + ec.message());
    nlohmann::json summary = {{"out", out_dir}, {"fonts", nlohmann::json::array()}};
    std::vector<FontConversion> conv(specs.size());
    std::vector<StrokeFont> readback(specs.size());
    size_t converted = 0, dropped = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        std::fprintf(stderr, "strokefonts: %s\n", specs[i]->name);
        if (!(s = convert_one(*specs[i], fonts_dir, out_dir, opt, conv[i], readback[i]))) return fail(kExitBadInput, s.message);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        summary["fonts"].push_back(font_summary(*specs[i], conv[i], secs));
        converted += conv[i].font.glyphs.size();
        dropped += conv[i].dropped.size();
    }
    summary["glyphs_converted"] = converted;
    summary["glyphs_dropped"] = dropped;
    if (a.has("--preview")) {
        std::vector<std::pair<const HandFontSpec*, const StrokeFont*>> sheet;
        for (size_t i = 0; i < specs.size(); ++i) sheet.push_back({specs[i], &readback[i]});
        if (!(s = write_file_atomic(a.get("--preview"), hand_fonts_preview_svg(sheet, kPreviewLines))))
            return fail(kExitBadInput, s.message);
    }
    if (!(s = write_stdout(summary.dump() + "\n"))) return fail(kExitBadInput, s.message);
    return kExitOk;
}

}  // namespace hw
