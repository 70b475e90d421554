#include "out_dir.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

#include "checkpoint.h"
#include "files.h"

namespace hw {

constexpr const char* kProbeName = ".hw-train-probe";

OutDirLock::~OutDirLock() {
    if (fd_ >= 0) ::close(fd_);
}

Status OutDirLock::acquire(const std::string& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return Status::error(dir + ": cannot open the output folder (" + std::strerror(errno) + ")");
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return Status::success();
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) return Status::error(dir + ": another hw-train run is writing to this folder");
    // A file system without locks (some network mounts) must not stop a run: it goes on unguarded.
    std::fprintf(stderr,
                 "train: warning: %s cannot be locked (%s); a second run on it would not be noticed, "
                 "and what a killed run left is not cleaned\n",
                 dir.c_str(), std::strerror(err));
    return Status::success();
}

namespace {

// The names the trainer writes with write_file_atomic, in the folder (`in_samples`: in samples/).
bool is_trainer_file(const std::string& name, bool in_samples) {
    if (in_samples) return name.rfind("step-", 0) == 0 && name.size() > 9 && name.compare(name.size() - 4, 4, ".svg") == 0;
    for (const char* n : {"last.hwm", "best.hwm", "model.hwm", "metrics.csv", "loss.svg", kProbeName})
        if (name == n) return true;
    return is_checkpoint_file_name(name);
}

// Removes the trainer's temporary files in `dir` that another process left.
Status remove_stale_temps(const std::string& dir, bool in_samples, size_t& removed) {
    DIR* d = ::opendir(dir.c_str());
    if (!d && (errno == ENOENT || errno == ENOTDIR)) return Status::success();  // nothing written there yet
    if (!d) return Status::error(dir + ": cannot list the folder (" + std::strerror(errno) + ")");
    std::vector<std::string> stale;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        long pid = 0;
        if (is_atomic_temp_name(name, pid) && pid != static_cast<long>(::getpid()) &&
            is_trainer_file(name.substr(0, name.rfind(".tmp-")), in_samples))
            stale.push_back(name);
    }
    ::closedir(d);
    for (const std::string& name : stale) {
        if (std::remove((dir + "/" + name).c_str()) != 0)
            return Status::error(dir + "/" + name + ": cannot remove a stale temporary file (" + std::strerror(errno) + ")");
        ++removed;
    }
    return Status::success();
}

}  // namespace

Status clean_out_dir(const std::string& dir, size_t& removed) {
    removed = 0;
    size_t parts = 0;
    Status s = remove_stale_temps(dir, false, removed);
    if (s) s = remove_stale_temps(dir + "/samples", true, removed);
    if (s) s = remove_orphan_parts(dir, parts);
    removed += parts;
    return s;
}

Status check_writable(const std::string& dir) {
    const std::string probe = dir + "/" + kProbeName;
    const std::string text = "hw-train checks that this folder takes a file\n";
    Status s = write_file_atomic(probe, text);
    if (!s) return Status::error(dir + ": the output folder cannot be written (" + s.message + ")");
    if (std::remove(probe.c_str()) != 0)
        return Status::error(probe + ": cannot remove the probe file (" + std::strerror(errno) + ")");
    return Status::success();
}

uint64_t space_needed(uint64_t parameters) {
    const uint64_t weights = 4 * parameters;                 // f32
    const uint64_t checkpoint = 3 * weights + (1u << 20);    // weights + two optimizer moments + archive overhead
    return 2 * checkpoint + 4 * (weights + 4096) + (16u << 20);
}

Status check_free_space(const std::string& dir, uint64_t need) {
    struct statvfs st;
    if (::statvfs(dir.c_str(), &st) != 0) return Status::error(dir + ": cannot read the free space (" + std::strerror(errno) + ")");
    const uint64_t avail = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    if (avail >= need) return Status::success();
    char msg[160];
    std::snprintf(msg, sizeof msg, ": %.1f MB free, the run needs about %.1f MB (checkpoints and models)", avail / 1e6, need / 1e6);
    return Status::error(dir + msg);
}

}  // namespace hw
