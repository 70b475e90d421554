#include "checkpoint.h"

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "files.h"
#include "json_text.h"

namespace hw {

static std::string index_path(const std::string& dir) { return dir + "/checkpoint.json"; }

// The most checkpoint.json is read to: the position, the configuration and the model's header.
constexpr uint64_t kMaxIndexBytes = uint64_t(16) << 20;

bool checkpoint_exists(const std::string& dir) {
    struct stat st;
    return stat(index_path(dir).c_str(), &st) == 0;
}

// The test hook of kCheckpointStallEnv: the marker file to create, or "" when the hook is off.
static std::string stall_marker() {
    const char* v = std::getenv(kCheckpointStallEnv);
    return v ? v : "";
}

static void stall_between_parts(const std::string& marker) {
    FILE* f = std::fopen(marker.c_str(), "w");
    if (f) std::fclose(f);
    std::fprintf(stderr, "train: %s: stalled between checkpoint parts\n", kCheckpointStallEnv);
    ::sleep(60);
}

Status save_checkpoint(const std::string& dir, torch::nn::Module& net, torch::optim::Optimizer& opt,
                       const nlohmann::json& info, size_t part_bytes) {
    Status s = make_folder(dir);
    if (!s) return s;
    std::ostringstream buf;
    {
        torch::serialize::OutputArchive model_ar, opt_ar, root;
        net.save(model_ar);
        opt.save(opt_ar);
        root.write("model", model_ar);
        root.write("optimizer", opt_ar);
        root.save_to(buf);
    }
    const std::string bytes = buf.str();
    nlohmann::json old;
    const bool had_old = read_checkpoint_info(dir, old).ok;
    const long gen = had_old ? old.value("generation", 0L) + 1 : 0;
    const std::string stall = had_old ? stall_marker() : "";
    if (!stall.empty()) part_bytes = 4096;
    nlohmann::json index = info;
    index["generation"] = gen;
    index["bytes"] = bytes.size();
    index["parts"] = nlohmann::json::array();
    for (size_t off = 0, k = 0; off < bytes.size() || k == 0; off += part_bytes, ++k) {
        const size_t n = std::min(part_bytes, bytes.size() - off);
        char name[64];
        std::snprintf(name, sizeof name, "ckpt-g%ld.part%03zu", gen, k);
        if (!(s = write_file_atomic(dir + "/" + name, bytes.data() + off, n))) return s;
        index["parts"].push_back({{"file", name}, {"bytes", n},
                                  {"crc32", crc32(reinterpret_cast<const uint8_t*>(bytes.data() + off), n)}});
        if (off + n >= bytes.size()) break;
        if (k == 0 && !stall.empty()) stall_between_parts(stall);
    }
    if (!(s = write_file_atomic(index_path(dir), json_text(index, 2) + "\n"))) return s;
    if (had_old && old.contains("parts"))
        for (const auto& p : old["parts"]) std::remove((dir + "/" + p.value("file", std::string("?"))).c_str());
    return Status::success();
}

// ckpt-gGEN.partK, with GEN and K digits.
static bool is_part_name(const std::string& name) {
    const size_t dot = name.find(".part");
    auto digits = [&](size_t from, size_t to) {
        if (from >= to) return false;
        for (size_t i = from; i < to; ++i)
            if (name[i] < '0' || name[i] > '9') return false;
        return true;
    };
    return name.rfind("ckpt-g", 0) == 0 && dot != std::string::npos && digits(6, dot) && digits(dot + 5, name.size());
}

// The index's own fields, checked before anything uses them: `generation` a whole number, and each
// part a plain file name of save_checkpoint's shape (never a path: the parts are joined to the
// folder, read, and removed by the next save) with its size and CRC.
static Status check_index(const nlohmann::json& info, const std::string& where) {
    if (!info.is_object() || !info.contains("parts")) return Status::error(where + ": not a checkpoint index");
    if (info.contains("generation") && !info["generation"].is_number_unsigned())
        return Status::error(where + ": field generation must be a whole number");
    const nlohmann::json& parts = info["parts"];
    if (!parts.is_array() || parts.empty()) return Status::error(where + ": field parts must be a list of parts");
    for (size_t i = 0; i < parts.size(); ++i) {
        const nlohmann::json& p = parts[i];
        const std::string at = where + ": parts[" + std::to_string(i) + "]";
        if (!p.is_object()) return Status::error(at + " must be an object");
        const auto file = p.find("file");
        if (file == p.end() || !file->is_string() || !is_part_name(file->get<std::string>()))
            return Status::error(at + ".file must be the name of a part in the folder (ckpt-gN.partK), not " +
                                 (file == p.end() ? std::string("missing") : file->dump()));
        for (const char* key : {"bytes", "crc32"})
            if (!p.contains(key) || !p[key].is_number_unsigned())
                return Status::error(at + "." + key + " must be a whole number");
        if (p["crc32"].get<uint64_t>() > 0xffffffffu) return Status::error(at + ".crc32 is larger than 32 bits");
    }
    return Status::success();
}

Status read_checkpoint_info(const std::string& dir, nlohmann::json& info) {
    std::string text;
    Status s = read_text_file(index_path(dir), kMaxIndexBytes, text);
    if (!s) return s;
    info = nlohmann::json::parse(text, nullptr, false);
    if (info.is_discarded()) return Status::error(index_path(dir) + ": not a checkpoint index");
    return check_index(info, index_path(dir));
}

Status load_checkpoint(const std::string& dir, torch::nn::Module& net, torch::optim::Optimizer& opt, nlohmann::json& info) {
    Status s = read_checkpoint_info(dir, info);
    if (!s) return s;
    std::string bytes;
    for (const auto& p : info["parts"]) {
        const std::string path = dir + "/" + p.value("file", std::string("?"));
        std::vector<uint8_t> part;
        // At most the size the index gives (and one byte more, to tell a longer file).
        if (!(s = read_file_bounded(path, p["bytes"].get<uint64_t>(), part)))
            return Status::error("checkpoint part missing or damaged: " + s.message);
        if (part.size() != p.value("bytes", size_t(0)) || crc32(part.data(), part.size()) != p.value("crc32", 0u))
            return Status::error(path + ": checkpoint part is damaged (size or CRC)");
        bytes.append(part.begin(), part.end());
    }
    std::istringstream in(bytes);
    torch::serialize::InputArchive root, model_ar, opt_ar;
    root.load_from(in);
    root.read("model", model_ar);
    root.read("optimizer", opt_ar);
    net.load(model_ar);
    opt.load(opt_ar);
    return Status::success();
}

bool is_checkpoint_file_name(const std::string& name) { return name == "checkpoint.json" || is_part_name(name); }

Status remove_orphan_parts(const std::string& dir, size_t& removed) {
    removed = 0;
    std::set<std::string> named;
    nlohmann::json index;
    if (checkpoint_exists(dir)) {
        if (!read_checkpoint_info(dir, index).ok) return Status::success();
        struct stat st;
        for (const auto& p : index["parts"]) {
            const std::string name = p["file"].get<std::string>();
            // An index that names a part the folder lacks (an older one restored, one copied from
            // another run) does not describe what is there: it cannot tell which parts are stale.
            if (::stat((dir + "/" + name).c_str(), &st) != 0) return Status::success();
            named.insert(name);
        }
    }
    DIR* d = ::opendir(dir.c_str());
    if (!d) return Status::error(dir + ": cannot list the folder");
    std::vector<std::string> orphans;
    while (const dirent* e = ::readdir(d))
        if (is_part_name(e->d_name) && !named.count(e->d_name)) orphans.push_back(e->d_name);
    ::closedir(d);
    for (const std::string& name : orphans) {
        if (std::remove((dir + "/" + name).c_str()) != 0) return Status::error(dir + "/" + name + ": cannot remove a stale checkpoint part");
        ++removed;
    }
    return Status::success();
}

}  // namespace hw
