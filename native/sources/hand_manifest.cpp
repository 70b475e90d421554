#include "hand_manifest.h"

#include <set>

#include <nlohmann/json.hpp>

#include "files.h"
#include "json_text.h"

namespace hw {

namespace {

using nlohmann::json;

constexpr size_t kMaxManifestBytes = 4 << 20;
constexpr size_t kMaxHands = 1000;

bool good_name(const std::string& n) {
    if (n.size() < 6 || n.size() > 64 || n.compare(0, 5, "hand-") != 0) return false;
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

Status read_string(const json& e, const char* key, bool required, std::string& out, const std::string& at) {
    auto it = e.find(key);
    if (it == e.end()) return required ? Status::error(at + ": field \"" + key + "\" is missing") : Status::success();
    if (!it->is_string()) return Status::error(at + ": field \"" + key + "\" is not a string");
    out = it->get<std::string>();
    return Status::success();
}

Status read_bool(const json& e, const char* key, bool& out, const std::string& at) {
    auto it = e.find(key);
    if (it == e.end()) return Status::error(at + ": field \"" + key + "\" is missing");
    if (!it->is_boolean()) return Status::error(at + ": field \"" + key + "\" is not true or false");
    out = it->get<bool>();
    return Status::success();
}

Status read_entry(const json& e, const std::string& at, HandFontSpec& h) {
    if (!e.is_object()) return Status::error(at + ": not a JSON object");
    Status s;
    const std::pair<const char*, std::string*> required[] = {{"name", &h.name},         {"source", &h.source},
                                                             {"package", &h.package},   {"file", &h.file},
                                                             {"original", &h.original}, {"licence", &h.licence},
                                                             {"hand", &h.hand}};
    for (const auto& [key, field] : required)
        if (!(s = read_string(e, key, true, *field, at))) return s;
    if (!(s = read_string(e, "copyright", false, h.copyright, at)) || !(s = read_string(e, "refuse", false, h.refuse, at)) ||
        !(s = read_string(e, "refuse_why", false, h.refuse_why, at)))
        return s;
    const std::pair<const char*, bool*> flags[] = {{"real_hand", &h.real_hand}, {"caps_only", &h.caps_only},
                                                   {"script", &h.script},       {"italic", &h.italic},
                                                   {"held_out", &h.held_out}};
    for (const auto& [key, field] : flags)
        if (!(s = read_bool(e, key, *field, at))) return s;
    auto w = e.find("weight");
    if (w == e.end() || !w->is_number() || !(w->get<double>() > 0 && w->get<double>() <= 100))
        return Status::error(at + ": field \"weight\" is missing or not a number in (0, 100]");
    h.weight = w->get<double>();
    if (!good_name(h.name)) return Status::error(at + ": field \"name\": \"" + h.name + "\" is not hand-[a-z0-9-]+ (at most 64 characters)");
    if (h.source != "debian" && h.source != "fontsource")
        return Status::error(at + ": field \"source\": \"" + h.source + "\" is neither \"debian\" nor \"fontsource\"");
    if (h.file.empty() || h.file[0] == '/' || h.file.find("..") != std::string::npos)
        return Status::error(at + ": field \"file\": \"" + h.file + "\" must be a relative path without \"..\"");
    return Status::success();
}

}  // namespace

Status parse_hand_manifest(const std::string& text, const std::string& path, std::vector<HandFontSpec>& out) {
    out.clear();
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return Status::error(path + ": not valid JSON");
    auto hands = j.is_object() ? j.find("hands") : j.end();
    if (hands == j.end() || !hands->is_array()) return Status::error(path + ": field \"hands\" is missing or not an array");
    if (hands->size() > kMaxHands) return Status::error(path + ": more than " + std::to_string(kMaxHands) + " hands");
    std::set<std::string> names;
    for (size_t i = 0; i < hands->size(); ++i) {
        HandFontSpec h;
        const std::string at = path + ": hands[" + std::to_string(i) + "]";
        Status s = read_entry((*hands)[i], at, h);
        if (!s) return s;
        if (!names.insert(h.name).second) return Status::error(at + ": the name \"" + h.name + "\" is used twice");
        out.push_back(std::move(h));
    }
    return Status::success();
}

Status load_hand_manifest(const std::string& path, std::vector<HandFontSpec>& out) {
    std::vector<uint8_t> bytes;
    Status s = read_file_bounded(path, kMaxManifestBytes, bytes);
    if (!s) return s;
    return parse_hand_manifest(std::string(bytes.begin(), bytes.end()), path, out);
}

std::string hand_manifest_text(const std::vector<HandFontSpec>& hands) {
    json list = json::array();
    for (const HandFontSpec& h : hands) {
        json e = {{"name", h.name},         {"source", h.source},       {"package", h.package},   {"file", h.file},
                  {"original", h.original}, {"licence", h.licence},     {"hand", h.hand},         {"real_hand", h.real_hand},
                  {"caps_only", h.caps_only}, {"weight", h.weight},     {"script", h.script},     {"italic", h.italic},
                  {"held_out", h.held_out}};
        if (!h.copyright.empty()) e["copyright"] = h.copyright;
        if (!h.refuse.empty()) e["refuse"] = h.refuse, e["refuse_why"] = h.refuse_why;
        list.push_back(std::move(e));
    }
    return json_text(json{{"hands", list}}, 1) + "\n";
}

}  // namespace hw
