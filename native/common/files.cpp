#include "files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace hw {

Status read_file(const std::string& path, std::vector<uint8_t>& out) {
    out.clear();
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status::error(path + ": " + std::strerror(errno));
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    const bool bad = std::ferror(f) != 0;
    std::fclose(f);
    if (bad) return Status::error(path + ": read error");
    return Status::success();
}

static Status too_large(const std::string& path, uint64_t max_bytes) {
    return Status::error(path + ": the file is larger than " + std::to_string(max_bytes) + " bytes, the most accepted here");
}

// Appends up to `want` bytes; false on a read error. `eof` says whether the file ended.
static bool read_some(FILE* f, size_t want, std::vector<uint8_t>& out, bool& eof) {
    uint8_t buf[1 << 16];
    while (want > 0) {
        const size_t n = std::fread(buf, 1, std::min(want, sizeof buf), f);
        out.insert(out.end(), buf, buf + n);
        want -= n;
        if (n == 0) break;
    }
    eof = std::feof(f) != 0;
    return std::ferror(f) == 0;
}

Status read_file_bounded(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>& out, size_t prefix_bytes,
                         PrefixCheck check_prefix) {
    out.clear();
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status::error(path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
        std::fclose(f);
        return too_large(path, max_bytes);
    }
    bool eof = false;
    Status s;
    if (check_prefix && !read_some(f, prefix_bytes, out, eof)) s = Status::error(path + ": read error");
    if (s && check_prefix) {
        const Status c = check_prefix(out.data(), out.size());
        if (!c) s = Status::error(path + ": " + c.message);
    }
    if (s && !eof && !read_some(f, static_cast<size_t>(max_bytes + 1 - std::min<uint64_t>(out.size(), max_bytes + 1)), out, eof))
        s = Status::error(path + ": read error");
    if (s && out.size() > max_bytes) s = too_large(path, max_bytes);
    std::fclose(f);
    if (!s) out.clear();
    return s;
}

Status read_text_file(const std::string& path, std::string& out) {
    std::vector<uint8_t> bytes;
    Status s = read_file(path, bytes);
    out.assign(bytes.begin(), bytes.end());
    return s;
}

Status write_file_atomic(const std::string& path, const void* data, size_t size) {
    const std::string tmp = path + ".tmp-" + std::to_string(getpid());
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return Status::error(path + ": cannot write (" + std::strerror(errno) + ")");
    bool ok = std::fwrite(data, 1, size, f) == size;
    ok = std::fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        return Status::error(path + ": write failed (" + why + ")");
    }
    return Status::success();
}

Status write_file_atomic(const std::string& path, const std::string& text) {
    return write_file_atomic(path, text.data(), text.size());
}

bool is_atomic_temp_name(const std::string& name, long& pid) {
    const size_t at = name.rfind(".tmp-");
    if (at == std::string::npos || at == 0 || at + 5 == name.size() || name.size() - at > 5 + 9) return false;
    pid = 0;
    for (size_t i = at + 5; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        pid = pid * 10 + (name[i] - '0');
    }
    return true;
}

Status read_file_if_present(const std::string& path, std::vector<uint8_t>& out, bool& found) {
    out.clear();
    struct stat st;
    found = !(::stat(path.c_str(), &st) != 0 && errno == ENOENT);
    return found ? read_file(path, out) : Status::success();
}

Status make_folder(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::success();
    if (::mkdir(path.c_str(), 0755) == 0) return Status::success();
    return Status::error(path + ": cannot create the folder (" + std::strerror(errno) + ")");
}

}  // namespace hw
