// The output folder of a training run, checked before any training: one run at a time holds it,
// what a killed run left half-written is removed, and it must take a file and have room for the
// run's checkpoints and models.
#pragma once
#include <cstdint>
#include <string>

#include "status.h"

namespace hw {

// An exclusive lock on the folder (flock on the folder itself, so no file is added); the kernel
// drops it when the process ends, however it ends. A second run on the same folder is refused; on
// a file system that has no locks the run goes on with a warning.
class OutDirLock {
public:
    OutDirLock() = default;
    OutDirLock(const OutDirLock&) = delete;
    OutDirLock& operator=(const OutDirLock&) = delete;
    ~OutDirLock();
    Status acquire(const std::string& dir);
    bool held() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// Removes what an earlier run of the trainer left behind when it was killed: its temporary files
// (write_file_atomic's NAME.tmp-PID, only for the names the trainer writes: the checkpoint, the
// .hwm files, metrics.csv, loss.svg, samples/step-N.svg) and checkpoint parts its index does not
// name. Nothing else in the folder is touched. `removed` counts the files removed. Only for a
// folder this process holds the lock of: no other run can be writing there.
Status clean_out_dir(const std::string& dir, size_t& removed);

// Writes and removes a probe file: a read-only or full folder is refused now, naming the reason.
Status check_writable(const std::string& dir);

// The free space a run of a network with `parameters` weights needs in its folder: two
// checkpoints side by side (weights and optimizer state) while one replaces the other, last.hwm,
// best.hwm and model.hwm with a temporary copy, and room for metrics and sample sheets.
uint64_t space_needed(uint64_t parameters);
// Refuses a folder whose file system has less than `need` bytes free for this user.
Status check_free_space(const std::string& dir, uint64_t need);

}  // namespace hw
