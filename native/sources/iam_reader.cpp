#include "iam_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <pugixml.hpp>

#include "files.h"
#include "text.h"

namespace hw {

namespace fs = std::filesystem;

namespace {

std::string line_of(const std::string& text, ptrdiff_t offset) {
    const size_t end = std::min(text.size(), static_cast<size_t>(std::max<ptrdiff_t>(0, offset)));
    return std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(end), '\n'));
}

bool number_attr(const pugi::xml_node& n, const char* name, float& out) {
    const char* s = n.attribute(name).value();
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s || *end != '\0' || !std::isfinite(v) || std::fabs(v) > 1e7) return false;
    out = static_cast<float>(v);
    return true;
}

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

std::string unescape(std::string s) {
    const std::pair<const char*, const char*> map[] = {{"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    for (const auto& m : map)
        for (size_t p = s.find(m.first); p != std::string::npos; p = s.find(m.first, p + 1)) s.replace(p, std::string(m.first).size(), m.second);
    return s;
}

}  // namespace

Status parse_iam_strokes(const std::string& xml, const std::string& path, std::vector<InkStroke>& strokes, SkipLog& skipped) {
    strokes.clear();
    pugi::xml_document doc;
    const pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size());
    if (!r) return Status::error(path + ":" + line_of(xml, r.offset) + ": malformed XML (" + r.description() + ")");
    const pugi::xpath_node_set set = doc.select_nodes("//StrokeSet/Stroke");
    if (set.empty()) return Status::error(path + ": no StrokeSet/Stroke element");
    for (const auto& xn : set) {
        InkStroke s;
        for (pugi::xml_node p : xn.node().children("Point")) {
            float x, y;
            if (!number_attr(p, "x", x) || !number_attr(p, "y", y))
                return Status::error(path + ":" + line_of(xml, p.offset_debug()) + ": Point without a numeric x and y");
            s.x.push_back(x);
            s.y.push_back(y);
        }
        if (s.x.empty()) skipped.add("iam empty strokes dropped", path + ":" + line_of(xml, xn.node().offset_debug()) + ": empty stroke");
        else strokes.push_back(std::move(s));
    }
    if (strokes.empty()) return Status::error(path + ": no points");
    return Status::success();
}

std::vector<std::string> parse_iam_transcription(const std::string& text) {
    std::vector<std::string> lines, out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t e = text.find('\n', pos);
        if (e == std::string::npos) e = text.size();
        lines.push_back(text.substr(pos, e - pos));
        pos = e + 1;
    }
    size_t i = 0;
    while (i < lines.size() && trim(lines[i]) != "CSR:") ++i;
    if (i == lines.size()) return out;
    for (++i; i < lines.size(); ++i) {
        const std::string t = trim(lines[i]);
        if (!t.empty()) out.push_back(unescape(t));
    }
    return out;
}

namespace {

struct IamTree {
    std::vector<std::string> strokes, ascii, original;  // sorted paths
    std::map<std::string, std::string> split_files;     // file name -> path
};

IamTree scan(const std::string& dir) {
    IamTree t;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string p = it->path().string(), name = it->path().filename().string();
        const std::string ext = it->path().extension().string();
        if (name == "trainset.txt" || name == "testset_v.txt" || name == "testset_t.txt" || name == "testset_f.txt")
            t.split_files[name] = p;
        else if (p.find("/lineStrokes/") != std::string::npos && ext == ".xml") t.strokes.push_back(p);
        else if (p.find("/ascii/") != std::string::npos && ext == ".txt") t.ascii.push_back(p);
        else if (p.find("/original/") != std::string::npos && ext == ".xml") t.original.push_back(p);
    }
    for (auto* v : {&t.strokes, &t.ascii, &t.original}) std::sort(v->begin(), v->end());
    return t;
}

std::string stem(const std::string& path) { return fs::path(path).stem().string(); }

// "a01-000u-01" -> form "a01-000u", line 1.
bool split_line_id(const std::string& id, std::string& form, int& number) {
    const size_t dash = id.find_last_of('-');
    if (dash == std::string::npos || dash + 1 >= id.size() || id.size() - dash > 4) return false;
    for (size_t i = dash + 1; i < id.size(); ++i)
        if (id[i] < '0' || id[i] > '9') return false;
    form = id.substr(0, dash);
    number = std::atoi(id.c_str() + dash + 1);
    return number > 0;
}

// Writer IDs from original/**.xml: any element with a writerID attribute; the form it belongs to
// is known by the element's id, the file's name and its folder's name (the layouts differ).
std::map<std::string, std::string> read_writers(const std::vector<std::string>& files, SkipLog& skipped) {
    std::map<std::string, std::string> writers;
    for (const auto& f : files) {
        std::string xml;
        pugi::xml_document doc;
        if (!read_text_file(f, kMaxSourceFileBytes, xml).ok || !doc.load_buffer(xml.data(), xml.size())) {
            skipped.add("iam original files unreadable", f + ": unreadable or malformed XML");
            continue;
        }
        const pugi::xml_node n = doc.select_node("//*[@writerID]").node();
        if (!n) continue;
        const std::string w = n.attribute("writerID").value();
        for (const std::string& key : {std::string(n.attribute("id").value()), stem(f), fs::path(f).parent_path().filename().string()})
            if (!key.empty()) writers.emplace(key, w);
    }
    return writers;
}

std::string writer_of(const std::map<std::string, std::string>& writers, const std::string& form) {
    auto it = writers.find(form);
    if (it == writers.end() && !form.empty()) it = writers.find(form.substr(0, form.size() - 1));  // a01-000u -> a01-000
    return it == writers.end() ? "" : it->second;
}

// 'v' for validation, 't'/'f'/'r' (train) for listed ids; absent: not listed.
std::map<std::string, char> read_splits(const IamTree& t, SkipLog& skipped) {
    std::map<std::string, char> split;
    const std::pair<const char*, char> files[] = {{"trainset.txt", 'r'}, {"testset_v.txt", 'v'}, {"testset_t.txt", 't'}, {"testset_f.txt", 'f'}};
    for (const auto& f : files) {
        auto it = t.split_files.find(f.first);
        if (it == t.split_files.end()) continue;
        std::string text;
        if (!read_text_file(it->second, kMaxSourceFileBytes, text).ok) {
            skipped.add("iam split files unreadable", it->second + ": unreadable");
            continue;
        }
        for (const auto& line : parse_iam_transcription("CSR:\n" + text)) split[line] = f.second;
    }
    return split;
}

// With the official split: testset_v is validation, the rest (train, t, f and anything unlisted)
// is trained on, as Graves did. Without split files: a stable 5% of the forms.
bool is_valid_line(const std::map<std::string, char>& split, const std::string& line_id, const std::string& form) {
    for (const std::string& key : {line_id, form, form.substr(0, form.size() - 1)}) {
        auto it = split.find(key);
        if (it != split.end()) return it->second == 'v';
    }
    if (!split.empty()) return false;
    uint32_t h = 2166136261u;  // FNV-1a of the form: a stable 5% when no split file lists it
    for (char c : form) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
    return h % 20 == 0;
}

}  // namespace

namespace {

struct Transcription {
    std::string path;
    std::vector<std::string> lines;
};
using Transcriptions = std::map<std::string, Transcription>;

Transcriptions read_transcriptions(const std::vector<std::string>& files, SkipLog& skipped) {
    Transcriptions out;
    for (const auto& f : files) {
        std::string text;
        if (!read_text_file(f, kMaxSourceFileBytes, text).ok) {
            skipped.add("iam transcription files unreadable", f + ": unreadable");
            continue;
        }
        auto lines = parse_iam_transcription(text);
        if (lines.empty()) skipped.add("iam transcription files without CSR: lines", f + ": no lines after CSR:");
        else out[stem(f)] = Transcription{f, std::move(lines)};
    }
    return out;
}

// Drops lines too long to train on and lines with a pen-down jump (a tablet glitch).
void filter_and_split(std::vector<RawLine>& lines, const std::vector<bool>& valid, const IamOptions& opt, SourceLines& out) {
    const float max_step = opt.max_step_heights * kTargetLineHeight;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (point_count(lines[i]) > opt.max_points) {
            out.skipped.add("iam lines over " + std::to_string(opt.max_points) + " points");
            continue;
        }
        bool glitch = false;
        for (const auto& s : lines[i].strokes)
            for (size_t j = 1; j < s.x.size() && !glitch; ++j) glitch = std::hypot(s.x[j] - s.x[j - 1], s.y[j] - s.y[j - 1]) > max_step;
        if (glitch) {
            out.skipped.add("iam lines with a pen-down step over the threshold", "iam: \"" + lines[i].text + "\": pen-down jump");
            continue;
        }
        (valid[i] ? out.valid : out.train).push_back(std::move(lines[i]));
    }
}

uint32_t source_for(SourceLines& out, std::map<std::string, uint32_t>& index, const std::string& writer) {
    const std::string name = writer.empty() ? "iam:writer unknown" : "iam:writer " + writer;
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    out.sources.push_back(name);
    return index[name] = static_cast<uint32_t>(out.sources.size() - 1);
}

}  // namespace

Status read_iam_source(const std::string& dir, const IamOptions& opt, SourceLines& out, IamInfo& info) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Status::error(dir + ": not a folder");
    const IamTree tree = scan(dir);
    if (tree.strokes.empty()) return Status::error(dir + ": no lineStrokes/**.xml files (is this the IAM-OnDB folder?)");
    const Transcriptions tr = read_transcriptions(tree.ascii, out.skipped);
    const auto writers = read_writers(tree.original, out.skipped);
    const auto split = read_splits(tree, out.skipped);
    info.xml_files = tree.strokes.size();
    info.forms = tr.size();
    info.split = split.empty() ? "hash of the form id, 5% validation (no split files found)" : "official (testset_v is validation)";
    std::map<std::string, std::set<int>> inked;
    std::map<std::string, uint32_t> index;
    std::set<std::string> writer_ids;
    std::vector<RawLine> lines;
    std::vector<bool> valid;
    for (const auto& path : tree.strokes) {
        std::string form, xml;
        int number = 0;
        if (!split_line_id(stem(path), form, number)) {
            out.skipped.add("iam stroke files without a line number", path + ": name is not FORM-NN.xml");
            continue;
        }
        inked[form].insert(number);
        auto t = tr.find(form);
        if (t == tr.end() || static_cast<size_t>(number) > t->second.lines.size()) {
            out.skipped.add("iam ink without a transcription", path + ": no line " + std::to_string(number) + " in the transcription of " + form);
            continue;
        }
        RawLine l;
        Status s = read_text_file(path, kMaxSourceFileBytes, xml);
        if (s) s = parse_iam_strokes(xml, path, l.strokes, out.skipped);
        std::u32string text;
        if (s && !utf8_decode(t->second.lines[number - 1], text).ok) s = Status::error(path + ": transcription is not UTF-8");
        if (!s) {
            out.skipped.add("iam malformed stroke files", s.message);
            continue;
        }
        l.text = t->second.lines[number - 1];
        const std::string w = writer_of(writers, form);
        if (!w.empty()) writer_ids.insert(w);
        l.source = source_for(out, index, w);
        lines.push_back(std::move(l));
        valid.push_back(is_valid_line(split, stem(path), form));
    }
    for (const auto& f : tr)
        for (size_t k = 1; k <= f.second.lines.size(); ++k)
            if (!inked[f.first].count(static_cast<int>(k)))
                out.skipped.add("iam transcription lines without ink",
                                f.second.path + ": line " + std::to_string(k) + " after CSR: has no " + f.first + "-" +
                                    (k < 10 ? "0" : "") + std::to_string(k) + ".xml");
    info.writers = writer_ids.size();
    const float h = median_line_height(lines);
    if (lines.empty() || !(h > 0)) return Status::error(dir + ": no usable IAM-OnDB line");
    info.scale = kTargetLineHeight / h;
    scale_lines(lines, info.scale);
    filter_and_split(lines, valid, opt, out);
    if (out.train.empty()) return Status::error(dir + ": no usable IAM-OnDB training line");
    return Status::success();
}

}  // namespace hw
