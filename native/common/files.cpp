#include "files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <climits>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hw {

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
    const bool regular = ::fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && static_cast<uint64_t>(st.st_size) > max_bytes) {
        std::fclose(f);
        return too_large(path, max_bytes);
    }
    if (regular) out.reserve(static_cast<size_t>(st.st_size));
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

Status read_text_file(const std::string& path, uint64_t max_bytes, std::string& out) {
    std::vector<uint8_t> bytes;
    Status s = read_file_bounded(path, max_bytes, bytes);
    out.assign(bytes.begin(), bytes.end());
    return s;
}

// PATH.tmp-PID in PATH's folder, its file name cut (at a UTF-8 character's start) so that the
// temporary name fits NAME_MAX whatever the length of a valid name.
static std::string temp_name(const std::string& path) {
    const std::string suffix = ".tmp-" + std::to_string(getpid());
    const size_t slash = path.rfind('/');
    const size_t base = slash == std::string::npos ? 0 : slash + 1;
    size_t keep = path.size() - base;
    if (keep + suffix.size() > NAME_MAX) {
        keep = NAME_MAX - suffix.size();
        while (keep > 0 && (static_cast<unsigned char>(path[base + keep]) & 0xC0) == 0x80) --keep;
    }
    return path.substr(0, base + keep) + suffix;
}

// The file a symbolic link names, through every link of a chain (the last may not exist yet).
static Status follow_links(const std::string& path, std::string& out) {
    out = path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st;
        if (::lstat(out.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return Status::success();
        std::vector<char> buf(static_cast<size_t>(PATH_MAX) + 1);
        const ssize_t n = ::readlink(out.c_str(), buf.data(), buf.size() - 1);
        if (n < 0) return Status::error(path + ": cannot read the link (" + std::strerror(errno) + ")");
        std::string to(buf.data(), static_cast<size_t>(n));
        const size_t slash = out.rfind('/');
        if (to.empty() || to[0] != '/') to = (slash == std::string::npos ? "" : out.substr(0, slash + 1)) + to;
        out = to;
    }
    return Status::error(path + ": too many levels of symbolic links");
}

// Writes all of `data` to an open descriptor; false (errno set) when a write fails.
static bool write_all(int fd, const void* data, size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

// A character device or a pipe takes the bytes as they are: it has no folder entry to replace.
static Status write_stream(const std::string& path, const void* data, size_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::error(path + ": cannot write (" + std::strerror(errno) + ")");
    const bool ok = write_all(fd, data, size);
    const std::string why = std::strerror(errno);
    if (::close(fd) != 0 || !ok) return Status::error(path + ": write failed (" + (ok ? std::strerror(errno) : why) + ")");
    return Status::success();
}

// A regular file (or none yet): written to a temporary beside it, flushed, then renamed over it,
// with the old file's permissions.
// `shown` names it in messages.
static Status replace_file(const std::string& path, const std::string& shown, const void* data, size_t size) {
    const std::string tmp = temp_name(path);
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return Status::error(shown + ": cannot write (" + std::strerror(errno) + ")");
    struct stat old;
    bool ok = ::stat(path.c_str(), &old) != 0 || ::fchmod(fileno(f), old.st_mode & 07777) == 0;
    ok = ok && std::fwrite(data, 1, size, f) == size;
    ok = std::fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        return Status::error(shown + ": write failed (" + why + ")");
    }
    return Status::success();
}

Status write_file_atomic(const std::string& path, const void* data, size_t size) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {  // what the path names, through links
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return write_stream(path, data, size);
        const std::string why = S_ISDIR(st.st_mode) ? std::strerror(EISDIR) : "not a file, a character device or a pipe";
        return Status::error(path + ": cannot write (" + why + ")");
    }
    std::string target;
    Status s = follow_links(path, target);
    if (!s) return s;
    return replace_file(target, target == path ? path : path + " (a link to " + target + ")", data, size);
}

Status write_file_atomic(const std::string& path, const std::string& text) {
    return write_file_atomic(path, text.data(), text.size());
}

Status write_stdout(const std::string& text) {
    errno = 0;
    const bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    if (std::fflush(stdout) == 0 && ok && !std::ferror(stdout)) return Status::success();
    const int err = errno;
    std::clearerr(stdout);
    return Status::error(std::string("standard output: write failed (") + (err ? std::strerror(err) : "unknown error") + ")");
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

Status read_file_if_present(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>& out, bool& found) {
    out.clear();
    struct stat st;
    found = !(::stat(path.c_str(), &st) != 0 && errno == ENOENT);
    return found ? read_file_bounded(path, max_bytes, out) : Status::success();
}

// Whether two paths name one file: the same inode when both exist, else the same name in the same
// (resolved) folder.
static bool same_file(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    const bool ea = ::stat(a.c_str(), &sa) == 0, eb = ::stat(b.c_str(), &sb) == 0;
    if (ea || eb) return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    auto resolved = [](const std::string& p) {
        const size_t slash = p.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : p.substr(0, slash);
        char* real = ::realpath(dir.c_str(), nullptr);
        const std::string out = (real ? std::string(real) : dir) + "/" + p.substr(slash == std::string::npos ? 0 : slash + 1);
        std::free(real);
        return out;
    };
    return resolved(a) == resolved(b);
}

Status check_outputs_apart(const std::vector<OptionPath>& inputs, const std::vector<OptionPath>& outputs) {
    for (size_t i = 0; i < outputs.size(); ++i) {
        const OptionPath& out = outputs[i];
        if (out.path.empty()) continue;
        std::vector<OptionPath> others(inputs);
        others.insert(others.end(), outputs.begin(), outputs.begin() + static_cast<long>(i));
        for (const OptionPath& other : others)
            if (!other.path.empty() && same_file(out.path, other.path))
                return Status::error(out.option + " " + out.path + " names the same file as " + other.option + " " + other.path +
                                     ": writing it would lose what it holds");
    }
    return Status::success();
}

Status make_folder(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::success();
    if (::mkdir(path.c_str(), 0755) == 0) return Status::success();
    return Status::error(path + ": cannot create the folder (" + std::strerror(errno) + ")");
}

}  // namespace hw
