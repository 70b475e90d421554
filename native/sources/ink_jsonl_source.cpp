#include "ink_jsonl_source.h"

#include <map>

#include "ink_file.h"
#include "text.h"

namespace hw {

namespace {

std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

uint32_t source_index(SourceLines& out, std::map<std::string, uint32_t>& index, const std::string& name) {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    out.sources.push_back(name);
    return index[name] = static_cast<uint32_t>(out.sources.size() - 1);
}

}  // namespace

Status read_ink_source(const std::string& path, SourceLines& out, size_t max_points) {
    std::vector<InkLine> ink;
    InkReadReport report;
    Status s = read_ink_file(path, ink, report);
    for (const auto& m : report.skipped) out.skipped.add("ink records malformed", m);
    if (!s) return s;
    std::vector<RawLine> lines;
    std::map<std::string, uint32_t> index;
    for (size_t i = 0; i < ink.size(); ++i) {
        RawLine l;
        std::u32string t;
        if (ink[i].text.empty() || !utf8_decode(ink[i].text, t).ok) {
            out.skipped.add("ink records without text", path + ": record " + std::to_string(i + 1) + ": no text");
            continue;
        }
        l.text = utf8_encode(normalise_typography(t));
        for (size_t k = 0; k < ink[i].strokes.size(); ++k) {
            if (ink[i].strokes[k].x.empty()) continue;
            l.strokes.push_back(ink[i].strokes[k]);  // with its time stamps, when the record had them
        }
        if (l.strokes.empty()) {
            out.skipped.add("ink records without points", path + ": record " + std::to_string(i + 1) + ": no points");
            continue;
        }
        const std::string who = ink[i].writer.empty() ? "" : "/" + ink[i].writer;
        l.source = source_index(out, index, "ink:" + base_name(path) + who);
        lines.push_back(std::move(l));
    }
    const float h = median_line_height(lines);
    if (lines.empty() || !(h > 0)) return Status::error(path + ": no ink line with a height to scale by");
    scale_lines(lines, kTargetLineHeight / h);
    for (size_t i = 0; i < lines.size(); ++i) {
        // Paced like the corpus's pen and like priming ink: the recorder's time stamps when it
        // gave them, the corpus's pen-speed profile otherwise, sampled at kInkPointSpacing on average.
        std::vector<InkStroke> paced;
        Status p = pace_strokes(lines[i].strokes, kTargetLineHeight / kLineHeightPerXHeight, kInkPointSpacing, paced);
        if (!p) {
            out.skipped.add("ink records that cannot be paced", path + ": \"" + lines[i].text + "\": " + p.message);
            continue;
        }
        lines[i].strokes = std::move(paced);
        if (point_count(lines[i]) > max_points) {
            out.skipped.add("ink lines over " + std::to_string(max_points) + " points",
                            path + ": \"" + lines[i].text + "\": " + std::to_string(point_count(lines[i])) + " points");
            continue;
        }
        const bool valid = lines.size() >= 10 && i % 10 == 9;
        (valid ? out.valid : out.train).push_back(std::move(lines[i]));
    }
    if (out.train.empty()) return Status::error(path + ": no ink line could be paced");
    return Status::success();
}

}  // namespace hw
