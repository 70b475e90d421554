#include "ink_jsonl.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "hwm_format.h"
#include "text.h"

namespace hw {

using nlohmann::json;

static Status parse_point(const json& p, const std::string& at, InkStroke& s, std::vector<float>& t) {
    if (!p.is_array() || p.size() < 2 || p.size() > 3) return Status::error(at + " is not [x, y] or [x, y, t]");
    for (const auto& v : p)
        if (!v.is_number() || !std::isfinite(v.get<float>())) return Status::error(at + " holds a value that is not a finite number");
    if (std::fabs(p[0].get<double>()) > kMaxInkCoordinate || std::fabs(p[1].get<double>()) > kMaxInkCoordinate)
        return Status::error(at + " has a coordinate beyond " + std::to_string(static_cast<long long>(kMaxInkCoordinate)) + " in magnitude");
    s.x.push_back(p[0].get<float>());
    s.y.push_back(p[1].get<float>());
    if (p.size() == 3) t.push_back(p[2].get<float>());
    return Status::success();
}

Status parse_ink_line(const std::string& text, const std::string& where, InkLine& out) {
    out = InkLine{};
    Status nest = check_json_nesting(text, kHwmMaxJsonDepth);
    if (!nest) return Status::error(where + ": " + nest.message);
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return Status::error(where + ": not valid JSON");
    if (!j.is_object()) return Status::error(where + ": a record must be a JSON object");
    auto tx = j.find("text");
    if (tx == j.end() || !tx->is_string()) return Status::error(where + ": field \"text\" is missing or not a string");
    std::u32string decoded;
    Status s = utf8_decode(tx->get<std::string>(), decoded);
    if (!s) return Status::error(where + ": field \"text\": " + s.message);
    if (decoded.size() > kMaxTextChars)
        return Status::error(where + ": field \"text\" has " + std::to_string(decoded.size()) + " characters; the limit is " +
                             std::to_string(kMaxTextChars));
    out.text = tx->get<std::string>();
    auto wr = j.find("writer");
    if (wr != j.end()) {
        if (!wr->is_string()) return Status::error(where + ": field \"writer\" is not a string");
        out.writer = wr->get<std::string>();
    }
    auto st = j.find("strokes");
    if (st == j.end() || !st->is_array() || st->empty()) return Status::error(where + ": field \"strokes\" is missing, not an array, or empty");
    if (st->size() > kMaxInkStrokes)
        return Status::error(where + ": field \"strokes\" has " + std::to_string(st->size()) + " strokes; the limit is " +
                             std::to_string(kMaxInkStrokes));
    size_t points = 0;
    for (const auto& stroke : *st) points += stroke.is_array() ? stroke.size() : 0;
    if (points > kMaxInkPoints)
        return Status::error(where + ": field \"strokes\" has " + std::to_string(points) + " points; the limit is " +
                             std::to_string(kMaxInkPoints));
    for (size_t i = 0; i < st->size(); ++i) {
        const json& stroke = (*st)[i];
        const std::string at = where + ": strokes[" + std::to_string(i) + "]";
        if (!stroke.is_array() || stroke.empty()) return Status::error(at + " is not a non-empty array of points");
        InkStroke s1;
        std::vector<float> t;
        for (size_t k = 0; k < stroke.size(); ++k)
            if (!(s = parse_point(stroke[k], at + "[" + std::to_string(k) + "]", s1, t))) return s;
        if (!t.empty() && t.size() != s1.x.size()) return Status::error(at + " gives a time for some points but not all");
        s1.t = std::move(t);
        out.strokes.push_back(std::move(s1));
    }
    return Status::success();
}

std::string format_ink_line(const InkLine& line) {
    json j;
    j["text"] = line.text;
    json strokes = json::array();
    for (size_t i = 0; i < line.strokes.size(); ++i) {
        json pts = json::array();
        const auto& s = line.strokes[i];
        const bool timed = s.t.size() == s.x.size();
        for (size_t k = 0; k < s.x.size(); ++k) {
            if (timed) pts.push_back({s.x[k], s.y[k], s.t[k]});
            else pts.push_back({s.x[k], s.y[k]});
        }
        strokes.push_back(pts);
    }
    j["strokes"] = strokes;
    if (!line.writer.empty()) j["writer"] = line.writer;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);  // the core never throws
}

std::vector<InkRecordText> ink_records(const std::string& text) {
    std::vector<InkRecordText> out;
    size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        out.push_back({line_no, std::move(line)});
    }
    return out;
}

void read_ink_jsonl(const std::string& text, const std::string& name, std::vector<InkLine>& out, InkReadReport& report) {
    for (const InkRecordText& r : ink_records(text)) {
        ++report.lines_read;
        InkLine rec;
        const Status s = parse_ink_line(r.json, name + ":" + std::to_string(r.line), rec);
        if (!s) {
            report.skipped.push_back(s.message);
            continue;
        }
        rec.line = r.line;
        out.push_back(std::move(rec));
    }
}

std::string format_ink_jsonl(const std::vector<InkLine>& lines) {
    std::string text;
    for (const auto& l : lines) text += format_ink_line(l) + "\n";
    return text;
}

}  // namespace hw
